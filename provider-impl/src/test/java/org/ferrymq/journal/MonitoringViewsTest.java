package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The monitoring views of the journal schema (version 8), on every database, as a DBA would
 * query them: {@code FMQ_QUEUE_DEPTH} per queue and {@code FMQ_SUBSCRIPTION_DEPTH} per durable
 * subscription, each with its messages, those delivered and not yet acknowledged, those
 * scheduled for later, and the oldest one's timestamp.
 */
class MonitoringViewsTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("views");

    private JournalDatabase db;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theViewsShowEachQueuesAndSubscriptionsDepthAndOldestMessage(JournalDatabase database) throws Exception {
        db = broker.start(database);
        FerryConnectionFactory factory = broker.factory("clientID=viewer");
        long firstSent;
        try (Connection c = broker.track(factory.createConnection())) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic prices = s.createTopic("prices");
            s.createDurableSubscriber(prices, "audit").close();
            s.createConsumer(s.createQueue("idle")).close(); // a queue with nothing on it
            MessageProducer orders = s.createProducer(s.createQueue("orders"));
            TextMessage first = s.createTextMessage("first");
            orders.send(first);
            firstSent = first.getJMSTimestamp();
            Thread.sleep(5); // the oldest is older than the others
            orders.send(s.createTextMessage("second"));
            orders.send(s.createTextMessage("third"));
            orders.setDeliveryDelay(3_600_000);
            orders.send(s.createTextMessage("in an hour"));
            MessageProducer publisher = s.createProducer(prices);
            publisher.send(s.createTextMessage("p1"));
            publisher.send(s.createTextMessage("p2"));

            // one delivered and not acknowledged yet
            Session held = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = held.createConsumer(held.createQueue("orders"));
            Message taken = consumer.receive(10_000);
            assertNotNull(taken);
            assertEquals("first", ((TextMessage) taken).getText());
            waitForDelivered("orders", 1);
            consumer.close(); // the delivered one goes back, counted as delivered once
        }
        broker.stop();

        assertEquals(List.of("idle 0 0 0 null", "orders 4 1 1 " + firstSent), queueRows());
        assertEquals(List.of("viewer audit prices 2 0 0"), subscriptionRows());
        assertTrue(db.queryLong("SELECT OLDEST_TIMESTAMP FROM FMQ_SUBSCRIPTION_DEPTH") >= firstSent);

        // drained: the rows stay, at zero
        try (Connection c = broker.track(factory.createConnection())) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("orders"));
            for (int i = 0; i < 3; i++) {
                assertNotNull(consumer.receive(10_000));
            }
            MessageConsumer audit = s.createDurableSubscriber(s.createTopic("prices"), "audit");
            assertNotNull(audit.receive(10_000));
            assertNotNull(audit.receive(10_000));
        }
        broker.stop();
        assertEquals(List.of("idle 0 0 0 null", "orders 1 0 1 " + db.queryLong(
                "SELECT m.JMS_TIMESTAMP FROM FMQ_MESSAGE m JOIN FMQ_QUEUE_REF r ON r.MSG_NO = m.MSG_NO")), queueRows());
        assertEquals(List.of("viewer audit prices 0 0 0"), subscriptionRows());
    }

    /** Waits until the journal counts {@code count} delivered messages on {@code queue} (recorded before delivery). */
    private void waitForDelivered(String queue, long count) throws Exception {
        for (int i = 0; i < 100 && db.queryLong("SELECT DELIVERED FROM FMQ_QUEUE_DEPTH WHERE QUEUE_NAME = '"
                + queue + "'") < count; i++) {
            Thread.sleep(50);
        }
    }

    private List<String> queueRows() throws Exception {
        return rows("SELECT QUEUE_NAME, MESSAGES, DELIVERED, SCHEDULED, OLDEST_TIMESTAMP FROM FMQ_QUEUE_DEPTH "
                + "ORDER BY QUEUE_NAME");
    }

    private List<String> subscriptionRows() throws Exception {
        return rows("SELECT CLIENT_ID, SUB_NAME, TOPIC_NAME, MESSAGES, DELIVERED, SCHEDULED FROM FMQ_SUBSCRIPTION_DEPTH "
                + "ORDER BY SUB_NAME");
    }

    /** Each row of a query as its columns' text, separated by blanks (a NULL as "null"). */
    private List<String> rows(String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (java.sql.Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? " " : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
