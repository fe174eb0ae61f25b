package org.ferrymq.examples;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import java.util.ArrayList;
import java.util.List;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * An idempotent producer: a transfer service does not know whether its send went through (a
 * timeout, a lost connection), so it sends again, three times. Each send carries the transfer's
 * own key as its duplicate ID (the property JMS_FerryMQ_DuplicateID), and the broker stores the
 * transfer once: the consumer books each transfer exactly once however often it was sent.
 */
public final class IdempotentProducer {

    private static final String DUPLICATE_ID = "JMS_FerryMQ_DuplicateID";
    private static final long QUIET_MS = 500;

    private IdempotentProducer() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue transfers = (Queue) jndi.lookup("transfers");
        jndi.close();

        String run = Long.toString(System.nanoTime(), 36); // a run of its own: the broker remembers IDs across runs
        try (JMSContext context = factory.createContext()) {
            for (String transfer : List.of("transfer-41", "transfer-42")) {
                for (int attempt = 1; attempt <= 3; attempt++) {
                    context.createProducer().setProperty(DUPLICATE_ID, run + ":" + transfer)
                            .send(transfers, transfer + " of 100 EUR");
                    System.out.println("sent " + transfer + " (attempt " + attempt + ")");
                }
            }
            List<String> booked = new ArrayList<>();
            JMSConsumer consumer = context.createConsumer(transfers);
            String body;
            while ((body = consumer.receiveBody(String.class, QUIET_MS)) != null) {
                booked.add(body);
                System.out.println("booked " + body);
            }
            if (!booked.equals(List.of("transfer-41 of 100 EUR", "transfer-42 of 100 EUR"))) {
                throw new ExampleFailure("Booked " + booked + "; each transfer must be booked once");
            }
        }
        System.out.println("6 sends, 2 transfers booked: the broker dropped the repeated sends");
    }
}
