package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.journal.MemoryJournal;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.server.BrokerCore;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.ferrymq.testing.ForwardingJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Duplicate detection (issue 15): a send carrying {@code JMS_FerryMQ_DuplicateID} with an ID the
 * broker accepted on that destination within its window is acknowledged as if sent, and neither
 * stored nor delivered. Here on the memory journal; what the JDBC journal keeps across restarts,
 * and transactions, are in {@code DuplicateDetectionJournalTest}.
 */
class DuplicateDetectionTest {

    private static final String ID = DestinationPolicy.DUPLICATE_ID_PROPERTY;

    private final String name = "dups-" + UUID.randomUUID();
    private final Opened opened = new Opened();
    private EmbeddedBroker broker;

    @AfterEach
    void stop() {
        opened.closeAll();
        EmbeddedBroker.stop(name);
    }

    private Session session(BrokerConfig config, String... urlParameters) throws JMSException {
        broker = EmbeddedBroker.start(config.journal() == null ? config.memoryJournal() : config);
        return session(urlParameters);
    }

    /** A new connection's session, to the broker started. */
    private Session session(String... urlParameters) throws JMSException {
        Connection connection = opened.track(factory(urlParameters).createConnection());
        connection.start();
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    private FerryConnectionFactory factory(String... urlParameters) {
        return new FerryConnectionFactory("vm://" + name + (urlParameters.length == 0 ? ""
                : "?" + String.join("&", urlParameters)));
    }

    private static void send(Session session, Destination to, String duplicateId, String text) throws JMSException {
        send(session, to, duplicateId, text, DeliveryMode.PERSISTENT);
    }

    private static void send(Session session, Destination to, String duplicateId, String text, int deliveryMode)
            throws JMSException {
        TextMessage message = session.createTextMessage(text);
        if (duplicateId != null) {
            message.setStringProperty(ID, duplicateId);
        }
        MessageProducer producer = session.createProducer(to);
        producer.setDeliveryMode(deliveryMode);
        producer.send(message);
        producer.close();
    }

    /** Every text waiting for {@code consumer}, until none comes within a moment. */
    private static List<String> drain(MessageConsumer consumer) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (Message m = consumer.receive(2000); m != null; m = consumer.receive(300)) {
            texts.add(((TextMessage) m).getText());
        }
        return texts;
    }

    private long dropped(DestinationName destination) {
        return BrokerCore.of(broker).duplicatesDropped(destination);
    }

    /**
     * A memory journal that holds the batch storing the message "held" until {@link #release}
     * completes, then stores it (or fails it, if release fails).
     */
    private static final class HoldingJournal extends ForwardingJournal {
        final CountDownLatch reached = new CountDownLatch(1);
        final CompletableFuture<Void> release = new CompletableFuture<>();

        HoldingJournal() {
            super(new MemoryJournal());
        }

        @Override
        public CompletableFuture<Void> append(List<JournalRecord> batch) {
            boolean held = batch.stream().anyMatch(r -> r instanceof JournalRecord.MessageStored m
                    && "held".equals(m.message().content().body()));
            if (!held) {
                return inner.append(batch);
            }
            reached.countDown();
            return release.thenCompose(ok -> inner.append(batch));
        }





        @Override
        public void close() {
        }
    }

    /** Sends on a session of its own, in the background: what the send threw, or null. */
    private CompletableFuture<JMSException> sendAside(String duplicateId, String text) throws JMSException {
        Session s = session();
        Destination orders = s.createQueue("orders");
        return CompletableFuture.supplyAsync(() -> {
            try {
                send(s, orders, duplicateId, text);
                return null;
            } catch (JMSException e) {
                return e;
            }
        });
    }

    @Test
    void aSendOfAnIdThatAnotherSendIsStoringWaitsAndIsDroppedOnceThatOneIsStored() throws Exception {
        HoldingJournal journal = new HoldingJournal();
        Session s = session(new BrokerConfig(name).journal(journal));
        CompletableFuture<JMSException> first = sendAside("x", "held");
        assertTrue(journal.reached.await(30, TimeUnit.SECONDS));
        CompletableFuture<JMSException> second = sendAside("x", "second");
        Thread.sleep(300);
        assertFalse(second.isDone(), "the second send did not wait for the first to be stored");

        journal.release.complete(null);
        assertNull(first.get(30, TimeUnit.SECONDS));
        assertNull(second.get(30, TimeUnit.SECONDS));
        assertEquals(List.of("held"), drain(s.createConsumer(s.createQueue("orders"))));
        assertEquals(1, dropped(DestinationName.queue("orders")));
    }

    @Test
    void aSendOfAnIdThatAnotherSendFailedToStoreIsStored() throws Exception {
        HoldingJournal journal = new HoldingJournal();
        Session s = session(new BrokerConfig(name).journal(journal));
        CompletableFuture<JMSException> first = sendAside("x", "held");
        assertTrue(journal.reached.await(30, TimeUnit.SECONDS));
        CompletableFuture<JMSException> second = sendAside("x", "second");

        journal.release.completeExceptionally(new JournalException("the database is gone"));
        assertNotNull(first.get(30, TimeUnit.SECONDS), "the first send was not told that it failed");
        assertNull(second.get(30, TimeUnit.SECONDS));
        assertEquals(List.of("second"), drain(s.createConsumer(s.createQueue("orders"))));
    }

    @Test
    void aSendOfAnIdHeldByAWriteOfUnknownOutcomeIsRefusedUntilTheWriteSettles() throws Exception {
        HoldingJournal journal = new HoldingJournal();
        Session s = session(new BrokerConfig(name).journal(journal).journalTimeoutMillis(500));
        JMSException unknown = sendAside("x", "held").get(30, TimeUnit.SECONDS);
        assertNotNull(unknown, "the first send's outcome is unknown");

        JMSException refused = sendAside("x", "second").get(30, TimeUnit.SECONDS);
        assertNotNull(refused, "a send of the same ID must not be stored while the first may still be");
        assertTrue(refused.getMessage().contains("duplicate ID 'x'") && refused.getMessage().contains("stored nothing"),
                refused.getMessage());

        journal.release.complete(null); // the first write lands after all
        assertNull(sendAside("x", "third").get(30, TimeUnit.SECONDS));
        assertEquals(List.of("held"), drain(s.createConsumer(s.createQueue("orders"))));
    }

    @Test
    void aSendRepeatingAnAcceptedDuplicateIdIsAcknowledgedButNeitherStoredNorDelivered() throws Exception {
        Session s = session(new BrokerConfig(name));
        Destination orders = s.createQueue("orders");
        send(s, orders, "order-1", "first");
        send(s, orders, "order-1", "again"); // returns as any send does
        send(s, orders, "order-2", "other");
        send(s, orders, null, "without an id");
        send(s, orders, null, "without an id");

        MessageConsumer consumer = s.createConsumer(orders);
        Message first = consumer.receive(2000);
        assertEquals("first", ((TextMessage) first).getText());
        assertEquals("order-1", first.getStringProperty(ID), "the application's property arrives as it was set");
        assertEquals(List.of("other", "without an id", "without an id"), drain(consumer));
        assertEquals(1, dropped(DestinationName.queue("orders")));
    }

    @Test
    void anIdOutsideTheLastDuplicateIdWindowIdsIsAcceptedAgain() throws Exception {
        Session s = session(new BrokerConfig(name).destinationPolicy("small", DestinationPolicy.DUPLICATE_ID_WINDOW,
                "2"));
        Destination small = s.createQueue("small");
        send(s, small, "a", "a1");
        send(s, small, "b", "b");
        send(s, small, "a", "a2"); // a is among the last two
        send(s, small, "c", "c");
        send(s, small, "d", "d");
        send(s, small, "a", "a3"); // the last two are c and d
        assertEquals(List.of("a1", "b", "c", "d", "a3"), drain(s.createConsumer(small)));
    }

    @Test
    void anIdOlderThanTheTimeWindowIsAcceptedAgain() throws Exception {
        Session s = session(new BrokerConfig(name)
                .destinationPolicy("brief", DestinationPolicy.DUPLICATE_ID_WINDOW_TIME, "200")
                .destinationPolicy("lasting", DestinationPolicy.DUPLICATE_ID_WINDOW_TIME, "600000"));
        Destination lasting = s.createQueue("lasting");
        send(s, lasting, "x", "x1");
        send(s, lasting, "x", "x2");
        assertEquals(List.of("x1"), drain(s.createConsumer(lasting)));

        Destination brief = s.createQueue("brief");
        send(s, brief, "x", "x1");
        Thread.sleep(1000); // five times the window
        send(s, brief, "x", "x2");
        assertEquals(List.of("x1", "x2"), drain(s.createConsumer(brief)));
    }

    @Test
    void nonPersistentSendsAreCheckedAgainstTheSameWindow() throws Exception {
        Session s = session(new BrokerConfig(name));
        Destination events = s.createQueue("events");
        send(s, events, "e", "persistent", DeliveryMode.PERSISTENT);
        send(s, events, "e", "non-persistent", DeliveryMode.NON_PERSISTENT);
        send(s, events, "f", "non-persistent", DeliveryMode.NON_PERSISTENT);
        send(s, events, "f", "non-persistent again", DeliveryMode.NON_PERSISTENT);
        send(s, events, "f", "persistent", DeliveryMode.PERSISTENT);
        assertEquals(List.of("persistent", "non-persistent"), drain(s.createConsumer(events)));
        assertEquals(3, dropped(DestinationName.queue("events")));
    }

    @Test
    void aTopicHasOneWindowForAllItsSubscriptionsAndAQueueOfTheSameNameItsOwn() throws Exception {
        Session s = session(new BrokerConfig(name));
        Destination topic = s.createTopic("prices");
        MessageConsumer one = s.createConsumer(topic);
        MessageConsumer two = s.createConsumer(topic);
        send(s, topic, "p", "price 1");
        send(s, topic, "p", "price 1 again");
        send(s, s.createQueue("prices"), "p", "on the queue");
        assertEquals(List.of("price 1"), drain(one));
        assertEquals(List.of("price 1"), drain(two));
        assertEquals(List.of("on the queue"), drain(s.createConsumer(s.createQueue("prices"))));
        assertEquals(1, dropped(DestinationName.topic("prices")));
        assertEquals(0, dropped(DestinationName.queue("prices")));
    }

    @Test
    void aWindowOfZeroTurnsDetectionOff() throws Exception {
        Session s = session(new BrokerConfig(name).destinationPolicy("plain", DestinationPolicy.DUPLICATE_ID_WINDOW,
                "0"));
        Destination plain = s.createQueue("plain");
        send(s, plain, "same", "one");
        send(s, plain, "same", "two");
        assertEquals(List.of("one", "two"), drain(s.createConsumer(plain)));
    }

    @Test
    void aDuplicateIdThatIsNotAShortStringIsRefusedNamingThePropertyAndNothingIsStored() throws Exception {
        Session s = session(new BrokerConfig(name));
        Destination strict = s.createQueue("strict");
        MessageProducer producer = s.createProducer(strict);

        TextMessage number = s.createTextMessage("number");
        number.setLongProperty(ID, 42);
        JMSException e = assertThrows(JMSException.class, () -> producer.send(number));
        assertTrue(e.getMessage().contains(ID) && e.getMessage().contains("String"), e.getMessage());

        TextMessage tooLong = s.createTextMessage("too long");
        tooLong.setStringProperty(ID, "x".repeat(256));
        e = assertThrows(JMSException.class, () -> producer.send(tooLong));
        assertTrue(e.getMessage().contains(ID) && e.getMessage().contains("255"), e.getMessage());

        TextMessage empty = s.createTextMessage("empty");
        empty.setStringProperty(ID, "");
        e = assertThrows(JMSException.class, () -> producer.send(empty));
        assertTrue(e.getMessage().contains(ID) && e.getMessage().contains("empty"), e.getMessage());

        send(s, strict, "x".repeat(255), "longest");
        assertEquals(List.of("longest"), drain(s.createConsumer(strict)));
    }

    @Test
    void duplicateDetectionOnTheUrlGivesEverySendItsMessageIdAsDuplicateId() throws Exception {
        Session s = session(new BrokerConfig(name), "duplicateDetection=true");
        Destination work = s.createQueue("work");
        MessageProducer producer = s.createProducer(work);
        TextMessage reused = s.createTextMessage("reused");
        producer.send(reused);
        assertFalse(reused.propertyExists(ID), "the application's message is left as it was");
        producer.send(reused); // a new JMSMessageID: a new message
        TextMessage own = s.createTextMessage("own id");
        own.setStringProperty(ID, "mine");
        producer.send(own);
        TextMessage ownAgain = s.createTextMessage("own id again");
        ownAgain.setStringProperty(ID, "mine");
        producer.send(ownAgain); // the application's ID wins over the message ID

        MessageConsumer consumer = s.createConsumer(work);
        for (int i = 0; i < 2; i++) {
            Message m = consumer.receive(2000);
            assertEquals("reused", ((TextMessage) m).getText());
            assertEquals(m.getJMSMessageID(), m.getStringProperty(ID));
        }
        Message m = consumer.receive(2000);
        assertEquals("own id", ((TextMessage) m).getText());
        assertEquals("mine", m.getStringProperty(ID));
        assertNull(consumer.receive(300));

        try (JMSContext context = factory("duplicateDetection=true").createContext()) {
            context.createProducer().send(context.createQueue("work"), "from a JMSContext");
        }
        m = consumer.receive(2000);
        assertEquals(m.getJMSMessageID(), m.getStringProperty(ID), "JMSProducer sends carry it too");

        Session plain = opened.track(factory().createConnection()).createSession(false, Session.AUTO_ACKNOWLEDGE);
        plain.createProducer(work).send(plain.createTextMessage("plain"));
        m = consumer.receive(2000);
        assertNotNull(m);
        assertFalse(m.propertyExists(ID), "without the option a send carries no duplicate ID");
    }
}
