package org.ferrymq.examples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * Retry with backoff into a dead-letter queue: a payment service rolls back a payment it cannot
 * process, to try again later. The broker's policy for the queue (examples-broker.properties)
 * makes each retry wait longer than the one before (200 ms, 400 ms, 800 ms), lets the other
 * payments through meanwhile, and after four attempts moves the failing payment to the queue's
 * own dead-letter queue, DLQ.payments, with properties saying where it came from and why.
 */
public final class RetryWithBackoff {

    private static final int MAX_ATTEMPTS = 4;
    /** The policy's waits before the 2nd, 3rd and 4th attempt, in milliseconds: lower bounds. */
    private static final long[] WAITS = {200, 400, 800};
    /** Longer than the longest wait: when nothing comes for this long, the retries are over. */
    private static final long QUIET_MS = 3_000;

    private RetryWithBackoff() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue payments = (Queue) jndi.lookup("payments");
        Queue deadLetters = (Queue) jndi.lookup("paymentsDeadLetters");
        jndi.close();

        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(payments);
            for (String payment : List.of("payment 1", "payment to a closed account", "payment 2")) {
                producer.send(session.createTextMessage(payment));
            }
            session.commit();
            System.out.println("Sent 3 payments; the one to a closed account fails every time");

            List<Long> failedAt = new ArrayList<>();
            List<String> processed = new ArrayList<>();
            MessageConsumer consumer = session.createConsumer(payments);
            TextMessage message;
            long start = System.nanoTime();
            while ((message = (TextMessage) consumer.receive(QUIET_MS)) != null) {
                long at = (System.nanoTime() - start) / 1_000_000;
                if (message.getText().contains("closed account")) {
                    failedAt.add(at);
                    System.out.println(at + " ms: attempt " + message.getIntProperty("JMSXDeliveryCount")
                            + " at '" + message.getText() + "' fails, rolled back");
                    session.rollback();
                } else {
                    processed.add(message.getText());
                    System.out.println(at + " ms: '" + message.getText() + "' processed");
                    session.commit();
                }
            }
            consumer.close();

            if (!processed.equals(List.of("payment 1", "payment 2"))) {
                throw new ExampleFailure("The good payments were processed as " + processed);
            }
            if (failedAt.size() != MAX_ATTEMPTS) {
                throw new ExampleFailure("The failing payment was tried " + failedAt.size() + " times, not "
                        + MAX_ATTEMPTS);
            }
            for (int i = 0; i < WAITS.length; i++) {
                long waited = failedAt.get(i + 1) - failedAt.get(i);
                if (waited < WAITS[i] - 20) { // the broker waits at least that long; a busy machine only longer
                    throw new ExampleFailure("Attempt " + (i + 2) + " came " + waited + " ms after the one before; "
                            + "the policy says at least " + WAITS[i] + " ms");
                }
            }

            Message dead = session.createConsumer(deadLetters).receive(5_000);
            if (dead == null) {
                throw new ExampleFailure("The failing payment is not on " + deadLetters.getQueueName());
            }
            session.commit();
            System.out.println("On " + deadLetters.getQueueName() + ": '" + ((TextMessage) dead).getText() + "', from "
                    + dead.getStringProperty("JMS_FerryMQ_OriginalDestination") + ", reason "
                    + dead.getStringProperty("JMS_FerryMQ_DeadLetterReason") + ", after "
                    + dead.getIntProperty("JMS_FerryMQ_DeliveryCount") + " deliveries");
            if (!"payments".equals(dead.getStringProperty("JMS_FerryMQ_OriginalDestination"))
                    || !"maxDeliveries".equals(dead.getStringProperty("JMS_FerryMQ_DeadLetterReason"))
                    || dead.getIntProperty("JMS_FerryMQ_DeliveryCount") != MAX_ATTEMPTS) {
                throw new ExampleFailure("The dead letter does not say where it came from and why");
            }
        }
        System.out.println("The good payments went through at once; the failing one was retried with growing waits,"
                + " then parked on the dead-letter queue");
    }
}
