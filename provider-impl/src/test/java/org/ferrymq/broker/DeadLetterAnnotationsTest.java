package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.journal.MemoryJournal;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.ForwardingJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A message past its delivery attempts reaches the dead-letter queue as it was sent (body,
 * headers, properties) with the broker's annotations, {@code JMS_FerryMQ_*} properties saying
 * where it came from, how often it was delivered, why and when it was moved; the broker sets
 * them itself, whatever the sender put in properties of that name. The move is one journal
 * write: when the journal refuses it, the message stays on its queue.
 */
class DeadLetterAnnotationsTest {

    private final String name = "dead-letter-annotations-" + UUID.randomUUID();
    private final FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    @Test
    void aDeadLetteredMessageKeepsItsBodyHeadersAndPropertiesAndGainsTheAnnotations() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().maxDeliveryAttempts(2));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue orders = s.createQueue("orders");
            Queue replies = s.createQueue("replies");
            TextMessage sent = s.createTextMessage("poison");
            sent.setStringProperty("customer", "acme");
            sent.setIntProperty("lines", 7);
            sent.setBooleanProperty("urgent", true);
            sent.setJMSCorrelationID("corr-1");
            sent.setJMSType("order");
            sent.setJMSReplyTo(replies);
            MessageProducer producer = s.createProducer(orders);
            producer.setPriority(7);
            producer.send(sent);
            s.commit();

            long before = System.currentTimeMillis();
            rollBackDeliveries(s, orders, 2);
            long after = System.currentTimeMillis();

            Message dead = receiveOne(s, "DLQ");
            assertEquals("poison", ((TextMessage) dead).getText());
            assertEquals("acme", dead.getStringProperty("customer"));
            assertEquals(7, dead.getIntProperty("lines"));
            assertTrue(dead.getBooleanProperty("urgent"));
            assertEquals("corr-1", dead.getJMSCorrelationID());
            assertEquals("order", dead.getJMSType());
            assertEquals(replies, dead.getJMSReplyTo());
            assertEquals(7, dead.getJMSPriority());
            assertEquals(sent.getJMSMessageID(), dead.getJMSMessageID());

            assertEquals("orders", dead.getObjectProperty("JMS_FerryMQ_OriginalDestination"));
            assertEquals("queue", dead.getObjectProperty("JMS_FerryMQ_OriginalDestinationType"));
            assertEquals(sent.getJMSMessageID(), dead.getObjectProperty("JMS_FerryMQ_OriginalMessageID"));
            assertEquals(2, dead.getObjectProperty("JMS_FerryMQ_DeliveryCount"), "an int: the deliveries it had");
            assertEquals("maxDeliveries", dead.getObjectProperty("JMS_FerryMQ_DeadLetterReason"));
            Object time = dead.getObjectProperty("JMS_FerryMQ_DeadLetterTime");
            assertInstanceOf(Long.class, time);
            assertTrue((Long) time >= before && (Long) time <= after, time + " is not the time of the move");
            assertFalse(dead.propertyExists("JMS_FerryMQ_OriginalSubscription"), "not from a subscription");
            assertFalse(dead.propertyExists("JMS_FerryMQ_OriginalExpiration"), "it did not expire");
            assertTrue(Collections.list(dead.getPropertyNames()).contains("JMS_FerryMQ_DeadLetterReason"));
            assertEquals(1, dead.getIntProperty("JMSXDeliveryCount"), "delivered once from the dead-letter queue");
            s.commit();
            assertNull(receiveAny(s, "orders", 200), "the message is still on its queue too");
            assertNull(receiveAny(s, "DLQ", 200), "the message is on the dead-letter queue twice");
        }
    }

    @Test
    void aDeadLetterDoesNotExpireOnTheDeadLetterQueueItsExpirationIsKeptAsAnAnnotation() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().maxDeliveryAttempts(1));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue orders = s.createQueue("orders");
            MessageProducer producer = s.createProducer(orders);
            producer.setTimeToLive(1500);
            producer.send(s.createTextMessage("poison with a time-to-live"));
            s.commit();
            rollBackDeliveries(s, orders, 1);
            Thread.sleep(2000); // past the message's expiration: on the dead-letter queue it must not be dropped
            Message dead = receiveOne(s, "DLQ");
            assertEquals("poison with a time-to-live", ((TextMessage) dead).getText());
            assertEquals(0, dead.getJMSExpiration(), "a dead letter waits for an operator, not for its expiration");
            assertInstanceOf(Long.class, dead.getObjectProperty("JMS_FerryMQ_OriginalExpiration"));
            assertTrue(dead.getLongProperty("JMS_FerryMQ_OriginalExpiration") > 0);
        }
    }

    @Test
    void aDeadLetteredTopicMessageNamesTheTopicAndItsSubscription() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().maxDeliveryAttempts(1));
        try (Connection c = factory.createConnection()) {
            c.setClientID("auditor");
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Topic prices = s.createTopic("prices");
            MessageConsumer subscriber = s.createDurableSubscriber(prices, "audit");
            s.createProducer(prices).send(s.createTextMessage("42.0"));
            s.commit();
            assertNotNull(subscriber.receive(5000));
            s.rollback();
            subscriber.close();

            Message dead = receiveOne(s, "DLQ");
            assertEquals("42.0", ((TextMessage) dead).getText());
            assertEquals("prices", dead.getStringProperty("JMS_FerryMQ_OriginalDestination"));
            assertEquals("topic", dead.getStringProperty("JMS_FerryMQ_OriginalDestinationType"));
            assertEquals("sub:auditor:audit", dead.getStringProperty("JMS_FerryMQ_OriginalSubscription"));
            assertEquals(1, dead.getIntProperty("JMS_FerryMQ_DeliveryCount"));
            s.commit();
        }
    }

    @Test
    void theBrokerSetsTheAnnotationsItselfWhateverTheSenderPutThere() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().maxDeliveryAttempts(1));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue orders = s.createQueue("orders");
            Message forged = s.createMessage();
            forged.setStringProperty("JMS_FerryMQ_OriginalDestination", "payments");
            forged.setStringProperty("JMS_FerryMQ_OriginalDestinationType", "topic");
            forged.setStringProperty("JMS_FerryMQ_DeadLetterReason", "forged");
            forged.setStringProperty("JMS_FerryMQ_OriginalSubscription", "sub:x:y");
            forged.setLongProperty("JMS_FerryMQ_OriginalExpiration", 1);
            forged.setStringProperty("JMS_FerryMQ_Anything", "else");
            forged.setStringProperty("kept", "yes");
            s.createProducer(orders).send(forged);
            s.commit();
            rollBackDeliveries(s, orders, 1);

            Message dead = receiveOne(s, "DLQ");
            assertEquals("orders", dead.getStringProperty("JMS_FerryMQ_OriginalDestination"));
            assertEquals("queue", dead.getStringProperty("JMS_FerryMQ_OriginalDestinationType"));
            assertEquals("maxDeliveries", dead.getStringProperty("JMS_FerryMQ_DeadLetterReason"));
            assertFalse(dead.propertyExists("JMS_FerryMQ_OriginalSubscription"));
            assertFalse(dead.propertyExists("JMS_FerryMQ_OriginalExpiration"));
            assertFalse(dead.propertyExists("JMS_FerryMQ_Anything"), "a JMS_FerryMQ_ property the broker did not set");
            assertEquals("yes", dead.getStringProperty("kept"));
            s.commit();
        }
    }

    @Test
    void aDestinationsOwnDeadLetterQueueGetsTheAnnotatedMessage() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal()
                .destinationPolicy("orders.#", "maxDeliveryAttempts", "1")
                .destinationPolicy("orders.#", "autoCreateDeadLetterQueue", "true"));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue eu = s.createQueue("orders.eu");
            s.createProducer(eu).send(s.createTextMessage("eu order"));
            s.commit();
            rollBackDeliveries(s, eu, 1);

            Message dead = receiveOne(s, "DLQ.orders.eu");
            assertEquals("eu order", ((TextMessage) dead).getText());
            assertEquals("orders.eu", dead.getStringProperty("JMS_FerryMQ_OriginalDestination"));
            assertEquals("maxDeliveries", dead.getStringProperty("JMS_FerryMQ_DeadLetterReason"));
            s.commit();
            assertNull(receiveAny(s, "DLQ", 200), "the broker's dead-letter queue got it as well");
        }
    }

    @Test
    void theMoveIsOneJournalWriteTheNewReferenceBeforeTheOldOnesRemoval() throws Exception {
        Recording journal = new Recording(new MemoryJournal());
        EmbeddedBroker.start(new BrokerConfig(name).journal(journal).maxDeliveryAttempts(1));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue orders = s.createQueue("orders");
            s.createProducer(orders).send(s.createTextMessage("once"));
            s.commit();
            rollBackDeliveries(s, orders, 1);
            assertNotNull(receiveOne(s, "DLQ"));
            s.commit();
        }
        List<JournalRecord> move = null;
        for (List<JournalRecord> batch : journal.batches()) {
            if (batch.stream().anyMatch(r -> r instanceof JournalRecord.ReferenceRemoved)
                    && batch.stream().anyMatch(r -> r instanceof JournalRecord.ReferenceAdded)) {
                move = batch;
            }
        }
        assertNotNull(move, "no journal write both adds a reference and removes one: " + journal.batches());
        assertEquals(List.of(JournalRecord.MessageStored.class, JournalRecord.ReferenceAdded.class,
                JournalRecord.ReferenceRemoved.class), move.stream().map(Object::getClass).toList());
        JournalRecord.MessageStored copy = (JournalRecord.MessageStored) move.get(0);
        JournalRecord.ReferenceAdded added = (JournalRecord.ReferenceAdded) move.get(1);
        JournalRecord.ReferenceRemoved removed = (JournalRecord.ReferenceRemoved) move.get(2);
        assertEquals(copy.message().messageNo(), added.messageNo(), "the new reference is to the annotated copy");
        assertTrue(removed.queueId() != added.queueId(), "the old reference is the one on the original queue");
        assertEquals("maxDeliveries", copy.message().content().properties().get("JMS_FerryMQ_DeadLetterReason"));
    }

    @Test
    void aMoveTheJournalRefusesLeavesTheMessageOnItsQueue() throws Exception {
        Recording journal = new Recording(new MemoryJournal());
        EmbeddedBroker.start(new BrokerConfig(name).journal(journal).maxDeliveryAttempts(1));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue orders = s.createQueue("orders");
            s.createProducer(orders).send(s.createTextMessage("kept"));
            s.commit();
            receiveAny(s, "DLQ", 10); // creates the dead-letter queue first: only the move is refused
            journal.refuseMoves.set(true);
            rollBackDeliveries(s, orders, 1);
            assertTrue(journal.refused.get(), "the move was never refused; the test proves nothing");
            assertNull(receiveAny(s, "DLQ", 200), "a move the journal refused reached the dead-letter queue");

            journal.refuseMoves.set(false);
            try (MessageConsumer consumer = s.createConsumer(orders)) {
                Message again = consumer.receive(5000);
                assertNotNull(again, "the message was lost when its move failed");
                assertEquals("kept", ((TextMessage) again).getText());
                s.rollback(); // used up again: this time it moves
            }
            Message dead = receiveOne(s, "DLQ");
            assertEquals("kept", ((TextMessage) dead).getText());
            assertEquals(2, dead.getIntProperty("JMS_FerryMQ_DeliveryCount"));
            s.commit();
        }
    }

    /** Receives {@code deliveries} times from {@code queue}, rolling back each time. */
    static void rollBackDeliveries(Session s, Destination queue, int deliveries) throws Exception {
        try (MessageConsumer consumer = s.createConsumer(queue)) {
            for (int i = 0; i < deliveries; i++) {
                assertNotNull(consumer.receive(5000), "delivery " + (i + 1) + " did not come");
                s.rollback();
            }
        }
    }

    static Message receiveOne(Session s, String queue) throws Exception {
        Message m = receiveAny(s, queue, 5000);
        assertNotNull(m, "nothing arrived on " + queue);
        return m;
    }

    static Message receiveAny(Session s, String queue, long timeout) throws Exception {
        try (MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
            return consumer.receive(timeout);
        }
    }

    /**
     * The memory journal, every batch appended recorded; while told to, a batch that stores a
     * message and removes a reference (a dead-letter move) is refused, as a database would.
     */
    static final class Recording extends ForwardingJournal {
        private final List<List<JournalRecord>> batches = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean refuseMoves = new AtomicBoolean();
        final AtomicBoolean refused = new AtomicBoolean();

        Recording(Journal delegate) {
            super(delegate);
        }

        List<List<JournalRecord>> batches() {
            synchronized (batches) {
                return new ArrayList<>(batches);
            }
        }





        @Override
        public CompletableFuture<Void> append(List<JournalRecord> batch) {
            if (refuseMoves.get() && batch.stream().anyMatch(r -> r instanceof JournalRecord.MessageStored)
                    && batch.stream().anyMatch(r -> r instanceof JournalRecord.ReferenceRemoved)) {
                refused.set(true);
                return CompletableFuture.failedFuture(new JournalException("injected: the database refused the move"));
            }
            batches.add(List.copyOf(batch));
            return inner.append(batch);
        }

        @Override
        public void close() {
        }
    }
}
