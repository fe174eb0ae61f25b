package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A redelivery delay survives a broker restart, on every database: a persistent message rolled
 * back on a durable queue or durable subscription is not delivered again before its scheduled
 * time, however the broker stopped meanwhile, then comes flagged as redelivered with its
 * delivery count; with strict order nothing overtakes it after the restart either.
 */
class RedeliveryDelayJournalTest {

    private static final long DELAY = 5000;

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("redelivery-delay-test");

    private JournalDatabase db;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private FerryConnectionFactory start(JournalDatabase database, String... parameters) throws Exception {
        db = broker.start(database);
        return broker.factory(parameters);
    }

    private static String text(Message m) throws Exception {
        assertNotNull(m, "no message");
        return ((TextMessage) m).getText();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRolledBackMessageWaitsItsRedeliveryDelayAcrossARestart(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database, "destination.work.redeliveryDelay=" + DELAY);
        long rolledBackAt;
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue("work")).send(s.createTextMessage("A"));
            s.commit();
            assertEquals("A", text(s.createConsumer(s.createQueue("work")).receive(10_000)));
            rolledBackAt = System.currentTimeMillis();
            s.rollback();
        }
        broker.stop();

        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue("work"));
            assertTrue(System.currentTimeMillis() - rolledBackAt < DELAY - 500,
                    "the restart took too long to prove anything");
            Message again = consumer.receive(30_000);
            assertEquals("A", text(again), "the message waiting for its redelivery was lost in the restart");
            assertTrue(System.currentTimeMillis() - rolledBackAt >= DELAY, "redelivered before its delay");
            assertTrue(again.getJMSRedelivered());
            assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
            s.commit();
            assertNull(consumer.receive(200));
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRolledBackMessageOnADurableSubscriptionWaitsItsRedeliveryDelayAcrossARestart(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database, "clientID=reader", "destination.news.redeliveryDelay=" + DELAY);
        long rolledBackAt;
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer reader = s.createDurableSubscriber(s.createTopic("news"), "reader");
            s.createProducer(s.createTopic("news")).send(s.createTextMessage("A"));
            s.commit();
            assertEquals("A", text(reader.receive(10_000)));
            // delivered a second time after a first delay, so the count read back is not the first one
            s.rollback();
            assertEquals("A", text(reader.receive(30_000)));
            rolledBackAt = System.currentTimeMillis();
            s.rollback();
        }
        broker.stop();

        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer reader = s.createDurableSubscriber(s.createTopic("news"), "reader");
            assertTrue(System.currentTimeMillis() - rolledBackAt < DELAY - 500,
                    "the restart took too long to prove anything");
            Message again = reader.receive(30_000);
            assertEquals("A", text(again), "the message waiting for its redelivery was lost in the restart");
            assertTrue(System.currentTimeMillis() - rolledBackAt >= DELAY, "redelivered before its delay");
            assertTrue(again.getJMSRedelivered());
            assertEquals(3, again.getIntProperty("JMSXDeliveryCount"));
            s.commit();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void withStrictOrderNothingOvertakesAWaitingRedeliveryAfterARestart(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database, "destination.work.redeliveryDelay=" + DELAY,
                "destination.work.strictOrder=true");
        long rolledBackAt;
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("work"));
            producer.send(s.createTextMessage("A"));
            producer.send(s.createTextMessage("B"));
            s.commit();
            assertEquals("A", text(s.createConsumer(s.createQueue("work")).receive(10_000)));
            rolledBackAt = System.currentTimeMillis();
            s.rollback();
        }
        broker.stop();

        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue("work"));
            assertTrue(System.currentTimeMillis() - rolledBackAt < DELAY - 500,
                    "the restart took too long to prove anything");
            Message first = consumer.receive(30_000);
            assertEquals("A", text(first), "a message overtook the one waiting for its redelivery");
            assertTrue(System.currentTimeMillis() - rolledBackAt >= DELAY, "redelivered before its delay");
            assertTrue(first.getJMSRedelivered());
            assertEquals("B", text(consumer.receive(10_000)));
            s.commit();
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
    }
}
