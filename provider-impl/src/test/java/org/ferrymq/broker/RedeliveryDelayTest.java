package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.journal.JournalDatabase;
import org.ferrymq.journal.MemoryJournal;
import org.ferrymq.server.BrokerCore;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A message that comes back from its consumer (rolled back, recovered, its listener failed)
 * waits its destination's redelivery delay before it is delivered again, longer each time by
 * the multiplier, never longer than the maximum; it comes flagged as redelivered, counted.
 * Meanwhile the other messages of its queue flow, unless the queue keeps strict order. Only
 * deliveries the application saw wait: prefetched messages given back unseen do not.
 */
class RedeliveryDelayTest {

    private static final String QUEUE = "work";

    private final String name = "redelivery-delay-" + UUID.randomUUID();
    private final FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    /** A broker on an in-memory journal whose queue {@link #QUEUE} has these policy settings (name, value, ...). */
    private EmbeddedBroker start(String... settings) throws Exception {
        return EmbeddedBroker.start(withPolicy(new BrokerConfig(name).memoryJournal(), settings));
    }

    private static BrokerConfig withPolicy(BrokerConfig config, String... settings) {
        for (int i = 0; i < settings.length; i += 2) {
            config.destinationPolicy(QUEUE, settings[i], settings[i + 1]);
        }
        return config;
    }

    /**
     * Receives "A" again, not before 1000 ms after {@code givenBackAt} (nothing within 800 ms, then
     * the message, checked against the clock), flagged as redelivered for the second time.
     */
    private static Message secondDeliveryOfA(MessageConsumer consumer, long givenBackAt) throws Exception {
        assertNull(consumer.receive(800), "redelivered before its redelivery delay of 1000 ms");
        Message again = consumer.receive(10_000);
        assertEquals("A", text(again));
        assertTrue(System.currentTimeMillis() - givenBackAt >= 1000, "redelivered before its delay");
        assertTrue(again.getJMSRedelivered());
        assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
        return again;
    }

    private static String text(Message m) throws Exception {
        assertNotNull(m, "no message");
        return ((TextMessage) m).getText();
    }

    @Test
    void aRolledBackMessageComesAgainOnlyAfterTheRedeliveryDelay() throws Exception {
        start("redeliveryDelay", "1000");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue(QUEUE)).send(s.createTextMessage("A"));
            s.commit();
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertEquals("A", text(consumer.receive(5000)));
            long rolledBackAt = System.currentTimeMillis();
            s.rollback();

            secondDeliveryOfA(consumer, rolledBackAt);
            s.commit();
            assertNull(consumer.receive(200));
        }
    }

    @Test
    void eachRedeliveryWaitsLongerByTheMultiplier() throws Exception {
        start("redeliveryDelay", "1000", "redeliveryMultiplier", "2");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue(QUEUE)).send(s.createTextMessage("A"));
            s.commit();
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertEquals("A", text(consumer.receive(5000)));
            s.rollback();
            assertEquals("A", text(consumer.receive(10_000)));

            long rolledBackAt = System.currentTimeMillis();
            s.rollback(); // after the second delivery: 2000 ms
            assertNull(consumer.receive(1700), "the second redelivery did not wait twice the first delay");
            Message third = consumer.receive(10_000);
            assertEquals("A", text(third));
            assertTrue(System.currentTimeMillis() - rolledBackAt >= 2000, "redelivered before 2000 ms");
            assertEquals(3, third.getIntProperty("JMSXDeliveryCount"));
            s.commit();
        }
    }

    @Test
    void theMaximumRedeliveryDelayCapsTheWait() throws Exception {
        // uncapped, the second wait would be 100 s
        start("redeliveryDelay", "1000", "redeliveryMultiplier", "100", "maxRedeliveryDelay", "1500");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue(QUEUE)).send(s.createTextMessage("A"));
            s.commit();
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertEquals("A", text(consumer.receive(5000)));
            s.rollback();
            assertEquals("A", text(consumer.receive(10_000)));
            long rolledBackAt = System.currentTimeMillis();
            s.rollback();
            Message third = consumer.receive(20_000);
            assertNotNull(third, "the second redelivery was not capped at maxRedeliveryDelay");
            assertTrue(System.currentTimeMillis() - rolledBackAt >= 1500, "redelivered before 1500 ms");
            assertEquals(3, third.getIntProperty("JMSXDeliveryCount"));
            s.commit();
        }
    }

    @Test
    void otherMessagesFlowWhileOneWaitsForItsRedelivery() throws Exception {
        start("redeliveryDelay", "1000");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue(QUEUE));
            producer.send(s.createTextMessage("A"));
            producer.send(s.createTextMessage("B")); // likely prefetched: given back unseen, not delayed
            s.commit();
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertEquals("A", text(consumer.receive(5000)));
            s.rollback();
            producer.send(s.createTextMessage("C"));
            s.commit();

            Message b = consumer.receive(800);
            assertEquals("B", text(b), "a message behind the one waiting for its redelivery was held back");
            assertFalse(b.getJMSRedelivered(), "B was never seen, yet came flagged as redelivered");
            assertEquals("C", text(consumer.receive(800)));
            s.commit();
            Message a = consumer.receive(10_000);
            assertEquals("A", text(a));
            assertTrue(a.getJMSRedelivered());
            s.commit();
        }
    }

    @Test
    void aRedeliveredMessageGivenBackUnseenFromThePrefetchDoesNotWaitAgain() throws Exception {
        start("redeliveryDelay", "1000");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session first = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageProducer producer = first.createProducer(first.createQueue(QUEUE));
            producer.send(first.createTextMessage("A"));
            producer.send(first.createTextMessage("B"));
            MessageConsumer consumer = first.createConsumer(first.createQueue(QUEUE));
            assertEquals("A", text(consumer.receive(5000)));
            assertEquals("B", text(consumer.receive(5000)));
            first.recover(); // both seen: both wait, then come back together, B prefetched behind A
            Message a = consumer.receive(10_000);
            assertEquals("A", text(a));
            assertTrue(a.getJMSRedelivered());
            consumer.close(); // B, prefetched but not received, goes back unseen; A stays with the session

            Session second = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Message b = second.createConsumer(second.createQueue(QUEUE)).receive(800);
            assertEquals("B", text(b), "a message given back unseen waited for a redelivery delay");
            assertTrue(b.getJMSRedelivered(), "B was seen once before");
            assertEquals(2, b.getIntProperty("JMSXDeliveryCount"));
            b.acknowledge();
            a.acknowledge();
        }
    }

    @Test
    void withStrictOrderNothingOvertakesAMessageWaitingForItsRedelivery() throws Exception {
        start("redeliveryDelay", "1000", "strictOrder", "true");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue(QUEUE));
            producer.send(s.createTextMessage("A"));
            producer.send(s.createTextMessage("B"));
            s.commit();
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertEquals("A", text(consumer.receive(5000)));
            long rolledBackAt = System.currentTimeMillis();
            s.rollback();
            producer.send(s.createTextMessage("C"));
            s.commit();

            assertNull(consumer.receive(800), "a message overtook the one waiting for its redelivery");
            Message a = consumer.receive(10_000);
            assertEquals("A", text(a), "the message waiting for its redelivery did not come first");
            assertTrue(System.currentTimeMillis() - rolledBackAt >= 1000, "redelivered before its delay");
            assertTrue(a.getJMSRedelivered());
            assertEquals("B", text(consumer.receive(5000)));
            assertEquals("C", text(consumer.receive(5000)));
            s.commit();
        }
    }

    @Test
    void aGroupedMessageWaitingForItsRedeliveryComesBackToItsGroupsConsumer() throws Exception {
        start("redeliveryDelay", "1000");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session owner = c.createSession(true, Session.SESSION_TRANSACTED);
            Session other = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer ownerConsumer = owner.createConsumer(owner.createQueue(QUEUE));
            MessageProducer producer = other.createProducer(other.createQueue(QUEUE));
            TextMessage g1 = other.createTextMessage("g1");
            g1.setStringProperty("JMSXGroupID", "g");
            producer.send(g1);
            other.commit();
            assertEquals("g1", text(ownerConsumer.receive(5000))); // the group is pinned to ownerConsumer
            MessageConsumer otherConsumer = other.createConsumer(other.createQueue(QUEUE));
            owner.rollback();
            for (String t : List.of("g2", "g3")) {
                TextMessage m = other.createTextMessage(t);
                m.setStringProperty("JMSXGroupID", "g");
                producer.send(m);
            }
            other.commit();

            List<String> received = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Message m = ownerConsumer.receive(10_000);
                assertNotNull(m, "only " + received + " of the group came back to its consumer");
                received.add(text(m) + (m.getJMSRedelivered() ? " redelivered" : ""));
            }
            owner.commit();
            assertTrue(received.contains("g1 redelivered"), received.toString());
            assertNull(otherConsumer.receive(200), "a message of the group went to another consumer");
        }
    }

    @Test
    void aNonPersistentMessageWaitsItsRedeliveryDelayToo() throws Exception {
        start("redeliveryDelay", "1000");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            producer.send(s.createTextMessage("A"));
            s.commit();
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertEquals("A", text(consumer.receive(5000)));
            long rolledBackAt = System.currentTimeMillis();
            s.rollback();

            secondDeliveryOfA(consumer, rolledBackAt);
            s.commit();
        }
    }

    @Test
    void recoverInClientAcknowledgeWaitsTheRedeliveryDelay() throws Exception {
        start("redeliveryDelay", "1000");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            s.createProducer(s.createQueue(QUEUE)).send(s.createTextMessage("A"));
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertEquals("A", text(consumer.receive(5000)));
            long recoveredAt = System.currentTimeMillis();
            s.recover();

            Message again = secondDeliveryOfA(consumer, recoveredAt);
            again.acknowledge();
        }
    }

    @Test
    void aListenerThatFailsInAutoAcknowledgeGetsTheMessageAgainAfterTheDelay() throws Exception {
        start("redeliveryDelay", "1000");
        List<Long> deliveredAt = new CopyOnWriteArrayList<>();
        List<Integer> counts = new CopyOnWriteArrayList<>();
        CountDownLatch twice = new CountDownLatch(2);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue(QUEUE)).send(s.createTextMessage("A"));
            s.createConsumer(s.createQueue(QUEUE)).setMessageListener(m -> {
                deliveredAt.add(System.currentTimeMillis());
                try {
                    counts.add(m.getIntProperty("JMSXDeliveryCount"));
                } catch (Exception e) {
                    counts.add(-1);
                }
                twice.countDown();
                if (deliveredAt.size() == 1) {
                    throw new RuntimeException("the listener fails the first time");
                }
            });
            c.start();
            assertTrue(twice.await(10, TimeUnit.SECONDS), "the message came " + deliveredAt.size() + " time(s)");
            assertTrue(deliveredAt.get(1) - deliveredAt.get(0) >= 1000, "redelivered "
                    + (deliveredAt.get(1) - deliveredAt.get(0)) + " ms after the listener failed, before its delay");
            assertEquals(List.of(1, 2), counts);
        }
    }

    @Test
    void aMessageThatUsedUpItsAttemptsGoesToTheDeadLetterQueueAtOnce() throws Exception {
        start("redeliveryDelay", "60000", "maxDeliveryAttempts", "1");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue(QUEUE)).send(s.createTextMessage("poison"));
            s.commit();
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertEquals("poison", text(consumer.receive(5000)));
            s.rollback();
            assertEquals("poison", text(s.createConsumer(s.createQueue("DLQ")).receive(10_000)),
                    "the dead-lettered message waited for a redelivery delay");
            s.commit();
        }
    }

    @Test
    void aRedeliveryScheduledInTheMemoryJournalOutlivesABrokerRestart() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        EmbeddedBroker.start(withPolicy(new BrokerConfig(name).journal(journal), "redeliveryDelay", "5000"));
        long rolledBackAt;
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue(QUEUE)).send(s.createTextMessage("A"));
            s.commit();
            assertEquals("A", text(s.createConsumer(s.createQueue(QUEUE)).receive(5000)));
            rolledBackAt = System.currentTimeMillis();
            s.rollback();
        }
        EmbeddedBroker.stop(name);
        EmbeddedBroker.start(withPolicy(new BrokerConfig(name).journal(journal), "redeliveryDelay", "5000"));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertTrue(System.currentTimeMillis() - rolledBackAt < 4500, "the restart took too long to prove anything");
            Message again = consumer.receive(20_000);
            assertEquals("A", text(again));
            assertTrue(System.currentTimeMillis() - rolledBackAt >= 5000, "redelivered before its delay");
            assertTrue(again.getJMSRedelivered());
            assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
            s.commit();
        }
    }

    @Test
    void aPersistentMessageWaitingForItsRedeliveryWaitsInTheJournalNotInMemory() throws Exception {
        Broker broker = BrokerCore.of(EmbeddedBroker.start(withPolicy(
                new BrokerConfig(name).journalUrl(JournalDatabase.h2().emptied().jdbcUrl()), "redeliveryDelay", "5000")));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue(QUEUE)).send(s.createTextMessage("x".repeat(10_000)));
            s.commit();
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            assertNotNull(consumer.receive(5000));
            assertTrue(broker.memoryInUse() >= 10_000, "a message in flight should count");
            long rolledBackAt = System.currentTimeMillis();
            s.rollback();
            // the journal takes its redelivery time, then it leaves memory
            while (broker.memoryInUse() >= 10_000 && System.currentTimeMillis() - rolledBackAt < 4000) {
                Thread.sleep(20);
            }
            assertTrue(broker.memoryInUse() < 10_000, "the message waiting for its redelivery holds "
                    + broker.memoryInUse() + " bytes of memory");
            Message again = consumer.receive(20_000);
            assertNotNull(again, "the message did not come back from the journal");
            assertTrue(System.currentTimeMillis() - rolledBackAt >= 5000, "redelivered before its delay");
            assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
            s.commit();
        }
    }
}
