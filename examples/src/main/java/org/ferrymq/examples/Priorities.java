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
 * Message priority: support tickets are sent with priorities 0 (lowest) to 9 (highest),
 * lowest first, while no consumer is running; the consumer that starts afterwards gets the
 * most urgent ticket first.
 *
 * <p>The JMS specification asks a provider to do its best to deliver higher priorities
 * first; a queue that already holds the messages when the consumer starts shows the order
 * plainly.
 */
public final class Priorities {

    private static final long RECEIVE_TIMEOUT_MS = 5_000;

    private Priorities() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue tickets = (Queue) jndi.lookup("tickets");
        jndi.close();

        try (JMSContext context = factory.createContext()) {
            JMSProducer producer = context.createProducer();
            List<Integer> sent = new ArrayList<>();
            for (int priority = 0; priority <= 9; priority++) {
                producer.setPriority(priority).send(tickets, "ticket of priority " + priority);
                sent.add(priority);
            }
            System.out.println("Sent tickets to queue '" + tickets.getQueueName() + "' with priorities " + sent
                    + ", no consumer running");

            List<Integer> received = new ArrayList<>();
            JMSConsumer consumer = context.createConsumer(tickets); // starts the connection
            for (int i = 0; i < sent.size(); i++) {
                Message ticket = consumer.receive(RECEIVE_TIMEOUT_MS);
                if (ticket == null) {
                    throw new ExampleFailure("Received " + received.size() + " of " + sent.size()
                            + " tickets, then nothing for " + RECEIVE_TIMEOUT_MS + " ms");
                }
                received.add(ticket.getJMSPriority());
                System.out.println("received '" + ticket.getBody(String.class) + "' (JMSPriority="
                        + ticket.getJMSPriority() + ")");
            }
            List<Integer> highestFirst = new ArrayList<>(sent);
            highestFirst.sort((a, b) -> Integer.compare(b, a));
            if (!received.equals(highestFirst)) {
                throw new ExampleFailure("Tickets arrived with priorities " + received + "; waiting on the queue, "
                        + "higher priorities should come first: " + highestFirst);
            }
        }
        System.out.println("The waiting tickets came highest priority first");
    }
}
