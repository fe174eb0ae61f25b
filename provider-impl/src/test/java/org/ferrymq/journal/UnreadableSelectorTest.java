package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A durable subscription whose stored selector no longer parses (damaged, or written by a
 * FerryMQ whose grammar was looser) is kept with its messages after a restart, but takes no
 * new message until it is subscribed again with a valid selector or unsubscribed: it never
 * silently selects everything.
 */
class UnreadableSelectorTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("unreadable-selector");

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aSubscriptionWhoseSelectorNoLongerParsesTakesNoNewMessages(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        FerryConnectionFactory factory = broker.factory("clientID=reader");
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic prices = s.createTopic("prices");
            s.createDurableSubscriber(prices, "cheap", "price < 10", false).close();
            publish(s, prices, 5);
        }
        broker.stop();
        db.execute("UPDATE FMQ_SUBSCRIPTION SET SELECTOR_TEXT = 'price <<< 10' WHERE SUB_NAME = 'cheap'");

        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic prices = s.createTopic("prices");
            publish(s, prices, 50); // selecting everything would take this one
            publish(s, prices, 6);
            assertEquals(1, storedFor(db, "cheap"), "the subscription's stored message is kept, and nothing new added");

            c.start(); // subscribing again with a valid selector replaces it, as for any changed selector
            MessageConsumer cheap = s.createDurableSubscriber(prices, "cheap", "price < 10", false);
            publish(s, prices, 50);
            publish(s, prices, 3);
            Message m = cheap.receive(30_000);
            assertTrue(m instanceof TextMessage, "the new subscription received nothing");
            assertEquals("price 3", ((TextMessage) m).getText());
            assertNull(cheap.receive(300));
            cheap.close();
            s.unsubscribe("cheap");
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_SUBSCRIPTION"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
    }

    private static void publish(Session s, Topic topic, int price) throws Exception {
        MessageProducer producer = s.createProducer(topic);
        Message m = s.createTextMessage("price " + price);
        m.setIntProperty("price", price);
        producer.send(m);
        producer.close();
    }

    private static long storedFor(JournalDatabase db, String subscription) throws Exception {
        return db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF r JOIN FMQ_SUBSCRIPTION s ON s.QUEUE_ID = r.QUEUE_ID "
                + "WHERE s.SUB_NAME = '" + subscription + "'");
    }
}
