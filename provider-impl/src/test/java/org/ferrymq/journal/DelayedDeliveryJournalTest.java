package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Persistent messages with a delivery delay, on every database: they survive a restart, are
 * never delivered before their delivery time, and once due come by priority, then in the
 * order they were sent, not flagged as redelivered.
 */
class DelayedDeliveryJournalTest {

    private static final long DELAY = 5000;

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("delayed-test");

    private JournalDatabase db;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private FerryConnectionFactory start(JournalDatabase database, String... parameters) throws Exception {
        db = broker.start(database);
        return broker.factory(parameters);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void delayedMessagesSurviveARestartAndArriveWhenDueByPriorityThenInSendingOrder(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database, "clientID=delayed");
        int[] priorities = {4, 9, 0, 4, 9, 0, 7, 4, 1, 9, 4, 0};
        List<Sent> sent = new ArrayList<>();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // a consumer is waiting while they are sent: they are not for it yet
            MessageConsumer waiting = s.createConsumer(s.createQueue("later"));
            MessageProducer producer = s.createProducer(s.createQueue("later"));
            producer.setDeliveryDelay(DELAY);
            for (int i = 0; i < priorities.length; i++) {
                producer.setPriority(priorities[i]);
                TextMessage m = s.createTextMessage("m" + i);
                producer.send(m);
                sent.add(new Sent("m" + i, priorities[i], i, m.getJMSDeliveryTime()));
            }
            Message early = waiting.receiveNoWait();
            assertTrue(early == null || System.currentTimeMillis() >= early.getJMSDeliveryTime(),
                    "delivered before its delivery time");
            assertNull(early, "a message came before the restart: the restart would prove nothing");
        }
        broker.stop();

        long lastDue = sent.stream().mapToLong(Sent::dueAt).max().orElseThrow();
        while (System.currentTimeMillis() <= lastDue) {
            Thread.sleep(50); // all of them due, so that priority decides their order
        }
        List<String> expected = sent.stream()
                .sorted(Comparator.comparingInt(Sent::priority).reversed().thenComparingInt(Sent::index))
                .map(Sent::text).toList();
        List<String> received = new ArrayList<>();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("later"));
            for (int i = 0; i < sent.size(); i++) {
                Message m = consumer.receive(30_000);
                assertNotNull(m, "only " + i + " of " + sent.size() + " delayed messages arrived after the restart");
                assertTrue(System.currentTimeMillis() >= m.getJMSDeliveryTime(), "delivered before its time");
                assertFalse(m.getJMSRedelivered(), ((TextMessage) m).getText()
                        + " was never delivered, yet came flagged as redelivered");
                received.add(((TextMessage) m).getText());
            }
            assertNull(consumer.receive(200));
        }
        assertEquals(expected, received);
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDelayedMessageOnADurableSubscriptionSurvivesARestartAndArrivesWhenDue(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database, "clientID=subscriber");
        long dueAt;
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = s.createTopic("news");
            s.createDurableSubscriber(topic, "reader").close();
            MessageProducer producer = s.createProducer(topic);
            producer.setDeliveryDelay(DELAY);
            TextMessage m = s.createTextMessage("tomorrow's news");
            producer.send(m);
            dueAt = m.getJMSDeliveryTime();
        }
        broker.stop();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer reader = s.createDurableSubscriber(s.createTopic("news"), "reader");
            Message m = reader.receive(30_000);
            assertNotNull(m, "the delayed message on the durable subscription was lost in the restart");
            assertTrue(System.currentTimeMillis() >= dueAt, "delivered before its time");
            assertEquals("tomorrow's news", ((TextMessage) m).getText());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aJournalFromBeforeSchemaVersion4KeepsItsDelayedMessagesUntilTheyAreDue(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database);
        long dueAt;
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("upgraded"));
            producer.send(s.createTextMessage("now"));
            producer.setDeliveryDelay(2 * DELAY); // still ahead after the restart, on a slow machine too
            TextMessage later = s.createTextMessage("later");
            producer.send(later);
            dueAt = later.getJMSDeliveryTime();
        }
        broker.stop();
        // the schema as FerryMQ left it before version 4 (without what 5, duplicate IDs, 6, large
        // message bodies, and 7, duplicate IDs in the message rows and the window by entry, added either)
        db.dropViews(); // and 8, the monitoring views
        db.execute("DROP TABLE FMQ_DUPLICATE_WINDOW");
        db.execute("DROP TABLE FMQ_MSG_CHUNK");
        db.execute("ALTER TABLE FMQ_MESSAGE DROP COLUMN LARGE_BODY_SIZE");
        db.execute("ALTER TABLE FMQ_MESSAGE DROP COLUMN DUPLICATE_ID");
        db.execute(database.name().equals("mariadb") ? "DROP INDEX FMQ_QUEUE_REF_DUE ON FMQ_QUEUE_REF"
                : "DROP INDEX FMQ_QUEUE_REF_DUE");
        db.execute("ALTER TABLE FMQ_QUEUE_REF DROP COLUMN DELIVERY_TIME");
        db.execute("DELETE FROM FMQ_SCHEMA_VERSION WHERE SCHEMA_VERSION >= 4");

        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("upgraded"));
            assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_SCHEMA_VERSION WHERE SCHEMA_VERSION = 4"));
            assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_SCHEMA_VERSION WHERE SCHEMA_VERSION = 5"),
                    "the upgrade should apply migration 5 (duplicate IDs) too");
            assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_SCHEMA_VERSION WHERE SCHEMA_VERSION = 6"),
                    "the upgrade should apply migration 6 (large message bodies) too");
            assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_DUPLICATE_WINDOW"));
            assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"));
            assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF WHERE DELIVERY_TIME > 0"),
                    "the migration should give the reference still waiting its delivery time");
            assertEquals("now", ((TextMessage) consumer.receive(30_000)).getText());
            Message later = consumer.receive(30_000);
            assertNotNull(later, "the delayed message was lost in the upgrade");
            assertTrue(System.currentTimeMillis() >= dueAt, "delivered before its time");
            assertEquals("later", ((TextMessage) later).getText());
        }
    }

    private record Sent(String text, int priority, int index, long dueAt) {}
}
