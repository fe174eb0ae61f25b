package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the JDBC journal keeps across a broker restart, on every database: each test stops the
 * embedded broker and starts a new one on the same database, then looks with JMS and with SQL.
 */
class JdbcJournalTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("journal-test");

    private JournalDatabase db;
    private final List<String> extra = new ArrayList<>();

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private FerryConnectionFactory start(JournalDatabase database, String... parameters) throws Exception {
        db = broker.start(database);
        extra.clear();
        extra.addAll(List.of(parameters));
        return factory();
    }

    private FerryConnectionFactory factory(String... connectionParameters) {
        List<String> all = new ArrayList<>(extra);
        all.addAll(List.of(connectionParameters));
        return broker.factory(all.toArray(String[]::new));
    }

    /** Stops the broker; the next connection starts a new one that recovers from the database. */
    private void restart() {
        broker.stop();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void everyMessageTypeSurvivesARestartWithItsHeadersAndProperties(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = s.createQueue("types");
            Queue replyTo = s.createQueue("replies");
            MessageProducer producer = s.createProducer(queue);
            TextMessage text = s.createTextMessage("héllo wörld \u2603");
            text.setJMSCorrelationID("corr-1");
            text.setJMSType("greeting");
            text.setJMSReplyTo(replyTo);
            text.setBooleanProperty("flag", true);
            text.setByteProperty("b", (byte) -7);
            text.setShortProperty("s", (short) 300);
            text.setIntProperty("i", 123456);
            text.setLongProperty("l", Long.MIN_VALUE);
            text.setFloatProperty("f", 1.25f);
            text.setDoubleProperty("d", Math.PI);
            text.setStringProperty("str", "value");
            producer.send(text);
            BytesMessage bytes = s.createBytesMessage();
            bytes.writeBytes(new byte[] {0, 1, 2, (byte) 255});
            bytes.setJMSCorrelationIDAsBytes(new byte[] {0, 10, (byte) 200});
            producer.send(bytes);
            MapMessage map = s.createMapMessage();
            map.setInt("count", 3);
            map.setString("name", "widget");
            map.setBytes("raw", new byte[] {9, 8});
            map.setChar("c", 'x');
            producer.send(map);
            StreamMessage stream = s.createStreamMessage();
            stream.writeString("one");
            stream.writeLong(2L);
            stream.writeObject(null);
            producer.send(stream);
            producer.send(s.createObjectMessage(new java.util.ArrayList<>(List.of("a", "b"))));
            producer.send(s.createMessage());
            producer.send(s.createTextMessage("nul\0inside"));
        }
        restart();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("types"));
            TextMessage text = (TextMessage) consumer.receive(5000);
            assertEquals("héllo wörld \u2603", text.getText());
            assertEquals("corr-1", text.getJMSCorrelationID());
            assertEquals("greeting", text.getJMSType());
            assertEquals("replies", ((Queue) text.getJMSReplyTo()).getQueueName());
            assertEquals(DeliveryMode.PERSISTENT, text.getJMSDeliveryMode());
            assertTrue(text.getBooleanProperty("flag"));
            assertEquals((byte) -7, text.getByteProperty("b"));
            assertEquals((short) 300, text.getShortProperty("s"));
            assertEquals(123456, text.getIntProperty("i"));
            assertEquals(Long.MIN_VALUE, text.getLongProperty("l"));
            assertEquals(1.25f, text.getFloatProperty("f"));
            assertEquals(Math.PI, text.getDoubleProperty("d"));
            assertEquals("value", text.getStringProperty("str"));
            assertFalse(text.getJMSRedelivered(), "a message never delivered before the restart is not redelivered");
            BytesMessage bytes = (BytesMessage) consumer.receive(5000);
            byte[] body = new byte[4];
            assertEquals(4, bytes.readBytes(body));
            assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, body);
            assertArrayEquals(new byte[] {0, 10, (byte) 200}, bytes.getJMSCorrelationIDAsBytes());
            MapMessage map = (MapMessage) consumer.receive(5000);
            assertEquals(3, map.getInt("count"));
            assertEquals("widget", map.getString("name"));
            assertArrayEquals(new byte[] {9, 8}, map.getBytes("raw"));
            assertEquals('x', map.getChar("c"));
            StreamMessage stream = (StreamMessage) consumer.receive(5000);
            assertEquals("one", stream.readString());
            assertEquals(2L, stream.readLong());
            assertNull(stream.readObject());
            assertEquals(List.of("a", "b"), ((ObjectMessage) consumer.receive(5000)).getObject());
            Message plain = consumer.receive(5000);
            assertNotNull(plain);
            assertEquals("nul\0inside", ((TextMessage) consumer.receive(5000)).getText());
            assertNull(consumer.receive(200));
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "consumed messages left rows behind");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_PROPERTY"), "consumed messages left properties behind");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void messagesComeBackByPriorityThenInTheOrderTheyWereSent(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("ordered"));
            for (int i = 0; i < 30; i++) {
                producer.send(s.createTextMessage("m" + i), DeliveryMode.PERSISTENT, i % 3 == 0 ? 7 : 4, 0);
            }
        }
        restart();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i += 3) {
            expected.add("m" + i);
        }
        for (int i = 0; i < 30; i++) {
            if (i % 3 != 0) {
                expected.add("m" + i);
            }
        }
        assertEquals(expected, receiveTexts(factory, "ordered", 30));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void acknowledgedMessagesNeverComeBackAndUnacknowledgedOnesComeBackFlagged(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database);
        send(factory, "work", 10);
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("work"));
            for (int i = 0; i < 4; i++) {
                consumer.receive(5000);
            }
            consumer.receive(5000).acknowledge(); // acknowledges the first five
            for (int i = 0; i < 2; i++) {
                assertNotNull(consumer.receive(5000)); // seen, never acknowledged
            }
            restart(); // the broker goes away with these two unacknowledged
        }
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("work"));
            for (int i = 5; i < 10; i++) {
                TextMessage m = (TextMessage) consumer.receive(5000);
                assertEquals("m" + i, m.getText());
                if (i < 7) {
                    assertTrue(m.getJMSRedelivered(), m.getText() + " was delivered before the restart");
                    assertEquals(2, m.getIntProperty("JMSXDeliveryCount"));
                }
            }
            assertNull(consumer.receive(200), "an acknowledged message came back");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void prefetchedMessagesTheApplicationNeverSawAreNotFlaggedAfterACleanRestart(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database);
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("prefetched")); // waiting: sends are stored counted
            send(factory, "prefetched", 5);
            assertEquals("m0", ((TextMessage) consumer.receive(5000)).getText()); // m1..m4 only prefetched
        }
        restart();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("prefetched"));
            TextMessage first = (TextMessage) consumer.receive(5000);
            assertEquals("m0", first.getText());
            assertTrue(first.getJMSRedelivered(), "m0 was seen before the restart");
            for (int i = 1; i < 5; i++) {
                TextMessage m = (TextMessage) consumer.receive(5000);
                assertEquals("m" + i, m.getText());
                assertFalse(m.getJMSRedelivered(), m.getText() + " was never seen, yet came back flagged");
                assertEquals(1, m.getIntProperty("JMSXDeliveryCount"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void nonPersistentMessagesNeverReachTheDatabase(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("fleeting"));
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            for (int i = 0; i < 5; i++) {
                producer.send(s.createTextMessage("n" + i));
            }
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
        restart();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertNull(s.createConsumer(s.createQueue("fleeting")).receive(200));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aQueuesDepthIsOneQuery(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        send(factory, "orders", 7);
        send(factory, "other", 2);
        // the query the README shows
        assertEquals(7, db.depth("orders"));
        receiveTexts(factory, "orders", 3);
        assertEquals(4, db.depth("orders"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void durableSubscriptionsKeepTheirMessagesAcrossARestartAndUnsubscribeRemovesThem(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database, "clientID=journal-subscriber");
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = s.createTopic("prices");
            s.createDurableSubscriber(topic, "all").close();
            s.createDurableSubscriber(topic, "cheap", "price < 10", false).close();
            MessageProducer producer = s.createProducer(topic);
            for (int price = 5; price <= 15; price += 5) {
                Message m = s.createTextMessage("price " + price);
                m.setIntProperty("price", price);
                producer.send(m);
            }
        }
        assertEquals(3, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "a message is stored once for all subscribers");
        assertEquals(4, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
        restart();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = s.createTopic("prices");
            MessageConsumer cheap = s.createDurableSubscriber(topic, "cheap", "price < 10", false);
            assertEquals("price 5", ((TextMessage) cheap.receive(5000)).getText());
            assertNull(cheap.receive(200));
            cheap.close();
            s.unsubscribe("cheap");
            MessageConsumer all = s.createDurableSubscriber(topic, "all");
            assertEquals("price 5", ((TextMessage) all.receive(5000)).getText());
            all.close();
            s.unsubscribe("all");
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "unsubscribing left messages behind");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_SUBSCRIPTION"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void scheduledAndExpiringMessagesKeepTheirTimesAcrossARestart(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        long sentAt = System.currentTimeMillis();
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("timed"));
            producer.setDeliveryDelay(1500);
            producer.send(s.createTextMessage("later"));
            producer.setDeliveryDelay(0);
            producer.setTimeToLive(300);
            producer.send(s.createTextMessage("short-lived"));
        }
        restart();
        Thread.sleep(400);
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("timed"));
            TextMessage later = (TextMessage) consumer.receive(5000);
            assertEquals("later", later.getText(), "the expired message was delivered, or the delayed one lost");
            assertTrue(System.currentTimeMillis() >= sentAt + 1500, "delivered before its delivery time");
            assertNull(consumer.receive(200));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRolledBackTransactionStoresNothingAndACommittedOneEverything(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("tx"));
            for (int i = 0; i < 5; i++) {
                producer.send(s.createTextMessage("rolled back " + i));
            }
            s.rollback();
            assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"));
            for (int i = 0; i < 5; i++) {
                producer.send(s.createTextMessage("m" + i));
            }
            s.commit();
        }
        assertEquals(5, db.depth("tx"));
        restart();
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), receiveTexts(factory, "tx", 5));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void manySendersAtOnceAreAllStored(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        int senders = 8;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < senders; t++) {
                int sender = t;
                done.add(pool.submit(() -> {
                    try (Connection c = factory.createConnection()) {
                        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        MessageProducer producer = s.createProducer(s.createQueue("busy"));
                        for (int i = 0; i < each; i++) {
                            producer.send(s.createTextMessage(sender + ":" + i));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(senders * each, db.depth("busy"));
        restart();
        List<String> received = receiveTexts(factory, "busy", senders * each);
        for (int t = 0; t < senders; t++) {
            int sender = t;
            List<String> fromSender = received.stream().filter(m -> m.startsWith(sender + ":")).toList();
            List<String> inOrder = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                inOrder.add(sender + ":" + i);
            }
            assertEquals(inOrder, fromSender, "one producer's messages out of order");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aQueuePastTheMemoryLimitPagesAndDeliversEverythingInOrder(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database, "maxMemory=64k");
        int count = 3000;
        send(factory, "backlog", count);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add("m" + i);
        }
        List<String> received = new ArrayList<>(receiveTexts(factory, "backlog", 1200));
        restart();
        received.addAll(receiveTexts(factory, "backlog", count - 1200));
        assertEquals(expected, received);
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
    }

    /**
     * A CLIENT_ACKNOWLEDGE consumer that does not acknowledge holds at most maxUnacknowledged
     * messages (default 10,000), prefetched ones included, even while the queue pages: the rest
     * of the backlog stays with the queue for other consumers, and acknowledging gives it more.
     */
    @ParameterizedTest
    @MethodSource("databases")
    void aConsumerThatDoesNotAcknowledgeIsHandedAtMostMaxUnacknowledgedMessages(JournalDatabase database)
            throws Exception {
        int bound = 10_000; // the documented default of the broker setting maxUnacknowledged
        int backlog = bound + 2_500;
        int takenByAnother = 1_000;
        FerryConnectionFactory factory = start(database, "maxMemory=64k");
        sendInTransactions(factory, "held", backlog, 500);
        Set<String> received = new HashSet<>();
        try (Connection holder = factory.createConnection(); Connection other = factory.createConnection()) {
            holder.start();
            other.start();
            Session holding = holder.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer holdingConsumer = holding.createConsumer(holding.createQueue("held"));
            Message last = null;
            for (int i = 0; i < bound; i++) {
                last = holdingConsumer.receive(10_000);
                assertNotNull(last, "the consumer got only " + i + " messages");
                assertTrue(received.add(((TextMessage) last).getText()), "received twice");
            }
            assertNull(holdingConsumer.receive(1000),
                    "a consumer that acknowledged nothing was handed more than maxUnacknowledged messages");
            assertEquals(bound, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF WHERE DELIVERY_COUNT > 0"),
                    "messages the broker has delivered");

            Session taking = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer another = taking.createConsumer(taking.createQueue("held"));
            for (int i = 0; i < takenByAnother; i++) {
                Message m = another.receive(10_000);
                assertNotNull(m, "another consumer got only " + i + " of the messages the first one may not hold");
                assertTrue(received.add(((TextMessage) m).getText()), "received twice");
            }
            another.close();

            last.acknowledge();
            for (int i = 0; i < backlog - bound - takenByAnother; i++) {
                last = holdingConsumer.receive(10_000);
                assertNotNull(last, "after acknowledging, the consumer got only " + i + " more");
                assertTrue(received.add(((TextMessage) last).getText()), "received twice");
            }
            assertNull(holdingConsumer.receive(200));
            last.acknowledge();
        }
        assertEquals(backlog, received.size());
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDeadLetteredMessageIsOnTheDeadLetterQueueAfterARestart(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database, "maxDeliveryAttempts=2");
        send(factory, "poison", 1);
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("poison"));
            for (int attempt = 0; attempt < 2; attempt++) {
                assertNotNull(consumer.receive(5000));
                s.recover();
            }
            assertNull(consumer.receive(200));
        }
        restart();
        assertEquals(List.of(), receiveTexts(factory, "poison", 0));
        assertEquals(List.of("m0"), receiveTexts(factory, "DLQ", 1));
    }

    // ---- helpers ----

    private static void send(FerryConnectionFactory factory, String queue, int count) throws Exception {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(queue));
            for (int i = 0; i < count; i++) {
                producer.send(s.createTextMessage("m" + i));
            }
        }
    }

    private static void sendInTransactions(FerryConnectionFactory factory, String queue, int count, int batch)
            throws Exception {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue(queue));
            for (int i = 0; i < count; i++) {
                producer.send(s.createTextMessage("m" + i));
                if ((i + 1) % batch == 0 || i + 1 == count) {
                    s.commit();
                }
            }
        }
    }

    /** Receives exactly {@code count} texts (and checks nothing more is waiting when count is 0). */
    private static List<String> receiveTexts(FerryConnectionFactory factory, String queue, int count) throws Exception {
        List<String> texts = new ArrayList<>();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            Message last = null;
            for (int i = 0; i < count; i++) {
                Message m = consumer.receive(5000);
                assertNotNull(m, "only " + i + " of " + count + " messages on '" + queue + "'");
                texts.add(((TextMessage) m).getText());
                last = m;
            }
            if (count == 0) {
                assertNull(consumer.receive(200), "'" + queue + "' should be empty");
            }
            if (last != null) {
                last.acknowledge();
            }
        }
        return texts;
    }
}
