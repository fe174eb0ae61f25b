package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Supplier;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.server.BrokerCore;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A queue's statistics against a scripted workload: send N, consume M, roll back K and take them
 * again, let E expire, dead-letter D; every counter exact, the depth too, and across a restart
 * the depth of what the journal held.
 */
class QueueStatisticsTest {

    private final String name = "stats-test-" + UUID.randomUUID();
    private final FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);
    private Broker broker;

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    private QueueStatistics.Snapshot statistics(String queue) throws Exception {
        return broker.queue(DestinationName.queue(queue), false).statistics();
    }

    /** Waits (acknowledgements are journaled after receive returns) until the figures are {@code expected}. */
    private void assertFigures(QueueStatistics.Snapshot expected, Supplier<QueueStatistics.Snapshot> actual)
            throws Exception {
        QueueStatistics.Snapshot now = actual.get();
        for (int i = 0; i < 200 && !now.equals(expected); i++) {
            Thread.sleep(25);
            now = actual.get();
        }
        assertEquals(expected, now);
    }

    private Supplier<QueueStatistics.Snapshot> of(String queue) {
        return () -> {
            try {
                return statistics(queue);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void everyCounterIsExactAfterAScriptedWorkload() throws Exception {
        broker = BrokerCore.of(EmbeddedBroker.start(new BrokerConfig(name).memoryJournal()
                .destinationPolicy("work", "maxDeliveryAttempts", "2")));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue work = s.createQueue("work");
            MessageProducer producer = s.createProducer(work);
            for (int i = 0; i < 10; i++) {
                producer.send(s.createTextMessage("m" + i));
            }
            assertFigures(new QueueStatistics.Snapshot(10, 10, 0, 0, 0, 0, 0), of("work"));

            // consume M = 4
            try (MessageConsumer consumer = s.createConsumer(work)) {
                for (int i = 0; i < 4; i++) {
                    assertNotNull(consumer.receive(5000));
                }
                assertFigures(new QueueStatistics.Snapshot(6, 10, 4, 0, 0, 0, 1), of("work"));
            }

            // roll back K = 2, then take them again and commit: 2 redeliveries
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = tx.createConsumer(work)) {
                assertNotNull(consumer.receive(5000));
                assertNotNull(consumer.receive(5000));
                tx.rollback();
                assertNotNull(consumer.receive(5000));
                assertNotNull(consumer.receive(5000));
                tx.commit();
            }
            assertFigures(new QueueStatistics.Snapshot(4, 10, 6, 2, 0, 0, 0), of("work"));

            // E = 3 expire behind the 4 left; consuming those 4 reaches them
            producer.setTimeToLive(50);
            for (int i = 0; i < 3; i++) {
                producer.send(s.createTextMessage("short-lived " + i));
            }
            Thread.sleep(200);
            producer.setTimeToLive(0);
            try (MessageConsumer consumer = s.createConsumer(work)) {
                for (int i = 0; i < 4; i++) {
                    assertNotNull(consumer.receive(5000));
                }
                assertNull(consumer.receive(500), "an expired message was delivered");
            }
            assertFigures(new QueueStatistics.Snapshot(0, 13, 10, 2, 3, 0, 0), of("work"));

            // D = 1: a message rolled back at both of its 2 attempts goes to the dead-letter queue
            producer.send(s.createTextMessage("poison"));
            DeadLetterAnnotationsTest.rollBackDeliveries(tx, work, 2);
            assertFigures(new QueueStatistics.Snapshot(0, 14, 10, 3, 3, 1, 0), of("work"));
            assertFigures(new QueueStatistics.Snapshot(1, 1, 0, 0, 0, 0, 0), of("DLQ"));
        }
    }

    @Test
    void afterARestartTheDepthIsWhatTheJournalHeldAndCountsGoOnFromThere() throws Exception {
        Path data = Files.createTempDirectory("stats-test");
        BrokerConfig config = new BrokerConfig(name).dataDirectory(data).maxMemory(64 * 1024);
        broker = BrokerCore.of(EmbeddedBroker.start(config));
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("kept"));
            for (int i = 0; i < 500; i++) {
                producer.send(s.createBytesMessage()); // past the memory limit: the queue pages
                if (i % 100 == 99) {
                    s.commit();
                }
            }
        }
        assertFigures(new QueueStatistics.Snapshot(500, 500, 0, 0, 0, 0, 0), of("kept"));
        EmbeddedBroker.stop(name);

        broker = BrokerCore.of(EmbeddedBroker.start(config));
        assertFigures(new QueueStatistics.Snapshot(500, 0, 0, 0, 0, 0, 0), of("kept"));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = s.createConsumer(s.createQueue("kept"))) {
                for (int i = 0; i < 120; i++) {
                    assertNotNull(consumer.receive(5000), "message " + i);
                }
                s.commit();
            }
            s.createProducer(s.createQueue("kept")).send(s.createTextMessage("after"));
            s.commit();
        }
        assertFigures(new QueueStatistics.Snapshot(381, 1, 120, 0, 0, 0, 0), of("kept"));
    }

    @Test
    void aDurableSubscriptionCountsWhatThePublishersSentItAndWhatItsSubscriberTook() throws Exception {
        broker = BrokerCore.of(EmbeddedBroker.start(new BrokerConfig(name).memoryJournal()));
        try (Connection c = factory.createConnection()) {
            c.setClientID("auditor");
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            jakarta.jms.Topic prices = s.createTopic("prices");
            s.createDurableSubscriber(prices, "audit").close();
            MessageProducer publisher = s.createProducer(prices);
            for (int i = 0; i < 3; i++) {
                publisher.send(s.createTextMessage("p" + i));
            }
            Supplier<QueueStatistics.Snapshot> audit = () -> broker.existingSubscription("auditor", "audit").queue
                    .statistics();
            assertFigures(new QueueStatistics.Snapshot(3, 3, 0, 0, 0, 0, 0), audit);
            try (MessageConsumer subscriber = s.createDurableSubscriber(prices, "audit")) {
                assertNotNull(subscriber.receive(5000));
                jakarta.jms.Message second = subscriber.receive(5000);
                assertNotNull(second);
                assertFigures(new QueueStatistics.Snapshot(3, 3, 0, 0, 0, 0, 1), audit); // delivered, not acknowledged
                second.acknowledge();
                assertFigures(new QueueStatistics.Snapshot(1, 3, 2, 0, 0, 0, 1), audit);
            }
        }
    }
}
