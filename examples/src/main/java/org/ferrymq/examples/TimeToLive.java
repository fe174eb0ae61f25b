package org.ferrymq.examples;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import java.util.ArrayList;
import java.util.List;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * Time to live: flash offers are worth nothing once they are over, so they are sent with a
 * short time-to-live; regular offers are sent without one (they never expire). After the
 * flash offers have expired, a consumer gets only the regular offers: an expired message is
 * never delivered.
 */
public final class TimeToLive {

    private static final long FLASH_OFFER_TTL_MS = 100;
    /** Comfortably longer than the time-to-live, so the flash offers have surely expired. */
    private static final long WAIT_MS = 300;
    private static final long RECEIVE_TIMEOUT_MS = 5_000;
    /** How long to wait before concluding that no further message is coming. */
    private static final long QUIET_MS = 200;

    private TimeToLive() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue offers = (Queue) jndi.lookup("offers");
        jndi.close();

        try (JMSContext context = factory.createContext()) {
            JMSProducer producer = context.createProducer();
            List<String> regular = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                boolean flash = i % 2 == 1;
                String offer = (flash ? "flash offer " : "regular offer ") + i;
                producer.setTimeToLive(flash ? FLASH_OFFER_TTL_MS : 0).send(offers, offer);
                if (!flash) {
                    regular.add(offer);
                }
                System.out.println("sent '" + offer + "'"
                        + (flash ? ", time-to-live " + FLASH_OFFER_TTL_MS + " ms" : ", no time-to-live"));
            }

            System.out.println("waiting " + WAIT_MS + " ms before anyone consumes");
            Thread.sleep(WAIT_MS);

            JMSConsumer consumer = context.createConsumer(offers);
            List<String> received = new ArrayList<>();
            Message message;
            while ((message = consumer.receive(received.size() < regular.size() ? RECEIVE_TIMEOUT_MS : QUIET_MS))
                    != null) {
                received.add(message.getBody(String.class));
                System.out.println("received '" + received.get(received.size() - 1) + "' (JMSExpiration="
                        + message.getJMSExpiration() + ")");
            }
            if (!received.equals(regular)) {
                throw new ExampleFailure("Received " + received + " after the flash offers' time-to-live of "
                        + FLASH_OFFER_TTL_MS + " ms had passed; expected only the regular offers " + regular
                        + ": an expired message must not be delivered");
            }
        }
        System.out.println("The expired flash offers were never delivered; the regular offers were");
    }
}
