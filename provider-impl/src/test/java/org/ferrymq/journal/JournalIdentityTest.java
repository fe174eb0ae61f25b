package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The journal tells queues apart by what they are, never by how they are named: a queue, a
 * durable subscription of one client and one of another are different things, whatever
 * characters their names share, on every database.
 */
class JournalIdentityTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("identity-test");

    private FerryConnectionFactory factory;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private void start(JournalDatabase database) throws Exception {
        broker.start(database);
        factory = broker.factory();
    }

    /** Stops the broker; the next connection starts a new one that recovers from the database. */
    private void restart() {
        broker.stop();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aQueueNamedLikeADurableSubscriptionKeepsItsOwnMessages(JournalDatabase database) throws Exception {
        start(database);
        try (Connection c = connection("app1")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = s.createTopic("order-events");
            s.createDurableSubscriber(topic, "orders").close();
            MessageProducer producer = s.createProducer(null);
            producer.send(s.createQueue("sub:app1:orders"), s.createTextMessage("queued 1"));
            producer.send(s.createQueue("sub:app1:orders"), s.createTextMessage("queued 2"));
            producer.send(topic, s.createTextMessage("published 1"));
            producer.send(topic, s.createTextMessage("published 2"));
            c.start();
            MessageConsumer queue = s.createConsumer(s.createQueue("sub:app1:orders"));
            assertEquals("queued 1", ((TextMessage) queue.receive(5000)).getText()); // acknowledged on the queue only
        }
        restart();
        try (Connection c = connection("app1")) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertHolds(List.of("queued 2"), s.createConsumer(s.createQueue("sub:app1:orders")));
            assertHolds(List.of("published 1", "published 2"),
                    s.createDurableSubscriber(s.createTopic("order-events"), "orders"));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void clientIdsAndSubscriptionNamesContainingColonsNameDifferentSubscriptions(JournalDatabase database)
            throws Exception {
        start(database);
        try (Connection ab = connection("a:b"); Connection a = connection("a")) {
            Session abSession = ab.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session aSession = a.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic first = abSession.createTopic("first");
            Topic second = aSession.createTopic("second");
            abSession.createDurableSubscriber(first, "c").close(); // client 'a:b', subscription 'c'
            aSession.createDurableSubscriber(second, "b:c").close(); // client 'a', subscription 'b:c'
            abSession.createProducer(first).send(abSession.createTextMessage("for a:b / c"));
            aSession.createProducer(second).send(aSession.createTextMessage("for a / b:c"));
        }
        restart();
        try (Connection ab = connection("a:b"); Connection a = connection("a")) {
            ab.start();
            a.start();
            Session abSession = ab.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session aSession = a.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertHolds(List.of("for a:b / c"), abSession.createDurableSubscriber(abSession.createTopic("first"), "c"));
            assertHolds(List.of("for a / b:c"), aSession.createDurableSubscriber(aSession.createTopic("second"), "b:c"));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void queueNamesThatDifferOnlyInTrailingBlanksAreDifferentQueues(JournalDatabase database) throws Exception {
        start(database);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(null);
            producer.send(s.createQueue("orders"), s.createTextMessage("no blank"));
            producer.send(s.createQueue("orders "), s.createTextMessage("one blank"));
            c.start();
            assertEquals(List.of("no blank"), browse(s.createBrowser(s.createQueue("orders"))));
            assertEquals(List.of("one blank"), browse(s.createBrowser(s.createQueue("orders "))));
        }
        restart();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertHolds(List.of("no blank"), s.createConsumer(s.createQueue("orders")));
            assertHolds(List.of("one blank"), s.createConsumer(s.createQueue("orders ")));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void namesTheJournalCannotKeepAreRefusedWithTheReason(JournalDatabase database) throws Exception {
        start(database);
        String longest = "q".repeat(255);
        String tooLong = "q".repeat(256);
        try (Connection c = connection("limits")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(null);
            producer.send(s.createQueue(longest), s.createTextMessage("fits"));
            InvalidDestinationException queue = assertThrows(InvalidDestinationException.class,
                    () -> producer.send(s.createQueue(tooLong), s.createTextMessage("too long")));
            assertTrue(queue.getMessage().contains("at most 255 characters"), queue.getMessage());
            InvalidDestinationException topic = assertThrows(InvalidDestinationException.class,
                    () -> producer.send(s.createTopic(tooLong), s.createTextMessage("too long")));
            assertTrue(topic.getMessage().contains("at most 255 characters"), topic.getMessage());
            InvalidDestinationException nul = assertThrows(InvalidDestinationException.class,
                    () -> producer.send(s.createQueue("nul\0inside"), s.createTextMessage("PostgreSQL refuses NUL")));
            assertTrue(nul.getMessage().contains("U+0000"), nul.getMessage());
            JMSException subscription = assertThrows(JMSException.class,
                    () -> s.createDurableSubscriber(s.createTopic("limits"), "s".repeat(256)));
            assertTrue(subscription.getMessage().contains("at most 255 characters"), subscription.getMessage());
        }
        restart();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertHolds(List.of("fits"), s.createConsumer(s.createQueue(longest)));
        }
    }

    // ---- helpers ----

    private Connection connection(String clientId) throws JMSException {
        Connection c = factory.createConnection();
        c.setClientID(clientId);
        return c;
    }

    /** Receives {@code expected.size()} texts, then checks nothing more is waiting; closes the consumer. */
    private static void assertHolds(List<String> expected, MessageConsumer consumer) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            Message m = consumer.receive(30_000);
            assertNotNull(m, "only " + texts + " of " + expected + " arrived");
            texts.add(((TextMessage) m).getText());
        }
        Message more = consumer.receive(500);
        assertNull(more, () -> "after " + texts + " came " + more);
        consumer.close();
        assertEquals(expected, texts);
    }

    private static List<String> browse(QueueBrowser browser) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (Object m : Collections.list(browser.getEnumeration())) {
            assertNotNull(m);
            texts.add(((TextMessage) m).getText());
        }
        browser.close();
        return texts;
    }
}
