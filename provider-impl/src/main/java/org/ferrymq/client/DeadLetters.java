package org.ferrymq.client;

import static org.ferrymq.protocol.DeadLetterAnnotations.DEAD_LETTER_TIME;
import static org.ferrymq.protocol.DeadLetterAnnotations.ORIGINAL_DESTINATION;
import static org.ferrymq.protocol.DeadLetterAnnotations.ORIGINAL_DESTINATION_TYPE;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.ferrymq.client.message.PropertyValues;
import org.ferrymq.protocol.DeadLetterAnnotations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For operators: sends the messages of a dead-letter or expiry queue back to where they came
 * from, as named by the broker's {@link DeadLetterAnnotations} ({@code
 * JMS_FerryMQ_OriginalDestination} and {@code JMS_FerryMQ_OriginalDestinationType}). Each goes
 * with its body, properties, priority, delivery mode, JMSType, JMSCorrelationID and JMSReplyTo,
 * without the {@code JMS_FerryMQ_} annotations; it gets a new JMSMessageID, and keeps what is
 * left of its time to live (an expired message's, already cleared by the broker, stays none).
 * Messages are moved in local transactions of up to {@value #BATCH}: each is received from the
 * dead-letter queue and sent in the same transaction, so a failure moves it back or not at all.
 *
 * <p>A message without an origin (one sent straight to the dead-letter queue) is left where it
 * is and reported, as far as a browser sees the queue. A topic's message goes back to the topic,
 * so every subscription of it now gets it again, not only the one it left
 * ({@code JMS_FerryMQ_OriginalSubscription}). Only messages moved before the retry began (by
 * {@code JMS_FerryMQ_DeadLetterTime}, the broker's clock against this one) are taken, so a
 * message that fails again while the retry runs is not sent round in a loop; a later run takes
 * it. The command {@code bin/ferrymq dlq retry} of the server runs this.
 */
public final class DeadLetters {

    /** Messages moved per local transaction. */
    public static final int BATCH = 100;
    /** How long a receive waits for the next message before the queue counts as done. */
    private static final long RECEIVE_WAIT_MILLIS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    /**
     * Sends the messages of {@code deadLetterQueue} that {@code selector} selects (null: all)
     * back to where they came from, over a connection of {@code factory}; messages without an
     * origin are left and logged. Answers how many were sent back.
     *
     * @throws jakarta.jms.InvalidSelectorException when the selector does not parse
     * @throws JMSException when a message cannot be sent back (its destination was deleted and
     *     may not be created again, say): its transaction rolls back, the messages of the
     *     transactions before stay moved
     */
    public static int retry(ConnectionFactory factory, String deadLetterQueue, String selector) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            return retry(connection, deadLetterQueue, selector, LOG::warn);
        }
    }

    /**
     * As {@link #retry(ConnectionFactory, String, String)} over {@code connection} (started
     * here, not closed), telling {@code report} of each message left for want of an origin, and,
     * when a failure stops it, of how many went back before.
     */
    public static int retry(Connection connection, String deadLetterQueue, String selector, Consumer<String> report)
            throws JMSException {
        if (deadLetterQueue == null || deadLetterQueue.isBlank()) {
            throw new IllegalArgumentException("Name the dead-letter queue (or expiry queue) to take messages from");
        }
        long startedAt = System.currentTimeMillis();
        String chosen = selector == null || selector.isBlank() ? null : "(" + selector + ")";
        String hasOrigin = ORIGINAL_DESTINATION + " IS NOT NULL AND " + ORIGINAL_DESTINATION_TYPE
                + " IN ('queue', 'topic') AND " + DEAD_LETTER_TIME + " IS NOT NULL";
        int moved = 0;
        try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            Queue source = session.createQueue(deadLetterQueue);
            reportWithoutOrigin(session, source, and(chosen, "NOT (" + hasOrigin + ")"), report);
            connection.start();
            MessageConsumer consumer = session.createConsumer(source,
                    and(chosen, hasOrigin + " AND " + DEAD_LETTER_TIME + " <= " + startedAt));
            MessageProducer producer = session.createProducer(null);
            try {
                int inTransaction;
                do {
                    inTransaction = 0;
                    Message message;
                    while (inTransaction < BATCH && (message = consumer.receive(RECEIVE_WAIT_MILLIS)) != null) {
                        sendBack(session, producer, message);
                        inTransaction++;
                    }
                    if (inTransaction > 0) {
                        session.commit();
                        moved += inTransaction;
                    }
                } while (inTransaction == BATCH);
            } catch (JMSException | RuntimeException e) {
                if (moved > 0) {
                    report.accept(moved + " message(s) of '" + deadLetterQueue + "' were sent back before a failure"
                            + " stopped the retry: " + e.getMessage());
                }
                throw e;
            }
        }
        return moved;
    }

    private static String and(String chosen, String condition) {
        return chosen == null ? condition : chosen + " AND " + condition;
    }

    private static void reportWithoutOrigin(Session session, Queue source, String selector, Consumer<String> report)
            throws JMSException {
        try (QueueBrowser browser = session.createBrowser(source, selector)) {
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message m = (Message) messages.nextElement();
                report.accept("Message " + m.getJMSMessageID() + " on '" + source.getQueueName() + "' has no "
                        + ORIGINAL_DESTINATION + ", " + ORIGINAL_DESTINATION_TYPE + " and " + DEAD_LETTER_TIME
                        + " (the broker did not move it there), so it has nowhere to go back to; it is left where it is");
            }
        }
    }

    /** Sends a received message to its origin: its annotations (and its delivery count) left out. */
    private static void sendBack(Session session, MessageProducer producer, Message message) throws JMSException {
        String name = message.getStringProperty(ORIGINAL_DESTINATION);
        Destination origin = "topic".equals(message.getStringProperty(ORIGINAL_DESTINATION_TYPE))
                ? session.createTopic(name) : session.createQueue(name);
        Map<String, Object> kept = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (Enumeration<?> e = message.getPropertyNames(); e.hasMoreElements();) {
            names.add((String) e.nextElement());
        }
        for (String property : names) {
            if (!DeadLetterAnnotations.isAnnotation(property) && !PropertyValues.JMSX_DELIVERY_COUNT.equals(property)) {
                kept.put(property, message.getObjectProperty(property));
            }
        }
        message.clearProperties();
        for (Map.Entry<String, Object> property : kept.entrySet()) {
            message.setObjectProperty(property.getKey(), property.getValue());
        }
        long expiration = message.getJMSExpiration();
        long left = expiration == 0 ? 0 : Math.max(1, expiration - System.currentTimeMillis());
        producer.send(origin, message, message.getJMSDeliveryMode(), message.getJMSPriority(), left);
    }
}
