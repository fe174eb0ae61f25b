package org.ferrymq.broker;

import static org.ferrymq.broker.ExpiryTest.waitUntilExpired;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.journal.JournalBroker;
import org.ferrymq.journal.JournalDatabase;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.server.BrokerCore;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The expiry scan (broker setting {@code expiryScanPeriod}) takes expired messages nobody
 * consumes off their queues: those waiting in memory, and those in the journal only (a paging
 * queue's backlog, messages whose delivery delay is not over, a queue after a restart), counting
 * each once. On every database; the tests run one scan at a time themselves.
 */
class ExpiryScanTest {

    private static final String BODY = "x".repeat(300);
    private static final long TTL = 1500;

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("expiry-scan-test");

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private Broker core() {
        return BrokerCore.of(EmbeddedBroker.running(broker.name()).orElseThrow());
    }

    private MessageQueue queue(String name) throws Exception {
        return core().queue(DestinationName.queue(name), false);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theScanRemovesExpiredMessagesInMemoryPagedOutAndDelayedAndCountsEachOnce(JournalDatabase database)
            throws Exception {
        JournalDatabase db = broker.start(database);
        FerryConnectionFactory factory = broker.factory("maxMemory=64k", "expiryScanPeriod=0");
        int count = 3000;
        int expiring = 0;
        Message last;
        try (Connection c = broker.track(factory.createConnection())) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("backlog"));
            for (int i = 0; i < count; i++) {
                producer.setTimeToLive(i % 3 == 0 ? 0 : TTL);
                expiring += i % 3 == 0 ? 0 : 1;
                producer.send(s.createTextMessage(i + ":" + BODY));
                if ((i + 1) % 500 == 0) {
                    s.commit();
                }
            }
            producer.setDeliveryDelay(600_000); // delayed: in the journal only, and expiring before they are due
            for (int i = 0; i < 50; i++) {
                producer.setTimeToLive(i % 2 == 0 ? 0 : TTL);
                expiring += i % 2 == 0 ? 0 : 1;
                producer.send(s.createTextMessage("delayed " + i));
            }
            last = s.createTextMessage("the last to expire");
            producer.setDeliveryDelay(0);
            producer.setTimeToLive(TTL);
            producer.send(last);
            expiring++;
            s.commit();
        }
        MessageQueue backlog = queue("backlog");
        assertTrue(core().memoryInUse() < count * BODY.length(), "the queue does not page: the test proves less");
        waitUntilExpired(last);

        assertEquals(expiring, core().scanExpired(), "expired messages the scan took off");
        assertEquals(expiring, backlog.expiredCount());
        assertEquals(count + 51 - expiring, db.depth("backlog"), "expired messages left in the journal");
        assertEquals(0, core().scanExpired(), "a second scan found expired messages again");
        assertEquals(expiring, backlog.expiredCount(), "counted twice");

        try (Connection c = broker.track(factory.createConnection())) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("backlog"));
            for (int i = 0; i < count; i += 3) {
                Message m = consumer.receive(10_000);
                assertNotNull(m, "message " + i + " that never expires did not arrive");
                assertEquals(i + ":" + BODY, ((TextMessage) m).getText());
            }
            assertNull(consumer.receive(200), "an expired message was delivered");
        }
        assertEquals(25, db.depth("backlog"), "the delayed messages that do not expire");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void afterARestartTheScanRemovesExpiredMessagesOfTheJournalWithoutAConsumer(JournalDatabase database)
            throws Exception {
        JournalDatabase db = broker.start(database);
        // more than the first page a restarted queue reads: the rest is in the journal only
        FerryConnectionFactory factory = broker.factory("maxMemory=64k", "expiryScanPeriod=0");
        int count = 2400;
        Message last = null;
        try (Connection c = broker.track(factory.createConnection())) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("kept"));
            for (int i = 0; i < count; i++) {
                producer.setTimeToLive(i % 2 == 0 ? 0 : TTL);
                TextMessage m = s.createTextMessage("m" + i);
                producer.send(m);
                last = i % 2 == 0 ? last : m;
            }
            s.commit();
        }
        broker.stop();
        waitUntilExpired(last);
        try (Connection c = broker.track(factory.createConnection())) {
            assertEquals(count / 2, core().scanExpired());
            assertEquals(count / 2, queue("kept").expiredCount());
        }
        assertEquals(count / 2, db.depth("kept"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void pagedOutExpiredMessagesGoToTheExpiryQueueAnnotated(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        FerryConnectionFactory factory = broker.factory("maxMemory=64k", "expiryScanPeriod=0",
                "destination.backlog.autoCreateExpiryQueue=true");
        int count = 1000;
        TextMessage last = null;
        try (Connection c = broker.track(factory.createConnection())) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("backlog"));
            producer.setTimeToLive(TTL);
            for (int i = 0; i < count; i++) {
                TextMessage m = s.createTextMessage(i + ":" + BODY);
                m.setIntProperty("n", i);
                producer.send(m);
                last = m;
            }
            s.commit();
        }
        assertTrue(core().memoryInUse() < count * BODY.length(), "the queue does not page: the test proves less");
        waitUntilExpired(last);
        assertEquals(count, core().scanExpired());
        assertEquals(0, db.depth("backlog"));
        assertEquals(count, db.depth("Expiry.backlog"));
        try (Connection c = broker.track(factory.createConnection())) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("Expiry.backlog"));
            for (int i = 0; i < count; i++) {
                Message m = consumer.receive(10_000);
                assertNotNull(m, "only " + i + " expired messages reached the expiry queue");
                assertEquals(i, m.getIntProperty("n"), "out of order");
                assertEquals("expired", m.getStringProperty("JMS_FerryMQ_DeadLetterReason"));
                assertEquals("backlog", m.getStringProperty("JMS_FerryMQ_OriginalDestination"));
                assertEquals(0, m.getJMSExpiration());
            }
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMessageWaitingInTheJournalForItsRedeliveryIsTakenWhenItExpires(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        FerryConnectionFactory factory = broker.factory("expiryScanPeriod=0",
                "destination.slow.redeliveryDelay=600000");
        try (Connection c = broker.track(factory.createConnection())) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("slow"));
            producer.setTimeToLive(TTL);
            TextMessage sent = s.createTextMessage("rolled back, then expired");
            producer.send(sent);
            s.commit();
            MessageConsumer consumer = s.createConsumer(s.createQueue("slow"));
            assertNotNull(consumer.receive(5000));
            s.rollback(); // it waits ten minutes for its redelivery, in the journal
            waitUntilExpired(sent);

            assertEquals(1, core().scanExpired());
            assertEquals(1, queue("slow").expiredCount());
            assertEquals(0, db.depth("slow"));
        }
    }

    @Test
    void theScanRunsEveryExpiryScanPeriodOnMessagesKeptInMemoryOnlyToo() throws Exception {
        String name = "expiry-scan-period-" + UUID.randomUUID();
        try {
            Broker running = BrokerCore.of(EmbeddedBroker.start(new BrokerConfig(name).memoryJournal()
                    .expiryScanPeriodMillis(100)));
            FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);
            Message last = null;
            try (Connection c = factory.createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = s.createProducer(s.createQueue("idle"));
                producer.setTimeToLive(200);
                for (int i = 0; i < 10; i++) {
                    producer.setDeliveryMode(i % 2 == 0 ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT);
                    last = s.createTextMessage("m" + i);
                    producer.send(last);
                }
            }
            waitUntilExpired(last);
            MessageQueue idle = running.queue(DestinationName.queue("idle"), false);
            long deadline = System.currentTimeMillis() + 30_000;
            while (idle.expiredCount() < 10 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(10, idle.expiredCount(), "the periodic scan did not take the expired messages off");
        } finally {
            EmbeddedBroker.stop(name);
        }
    }

    @Test
    void theScanTakesExpiredMessagesThatTheirMessageGroupHoldsBack() throws Exception {
        String name = "expiry-scan-groups-" + UUID.randomUUID();
        try {
            Broker running = BrokerCore.of(EmbeddedBroker.start(new BrokerConfig(name).memoryJournal()
                    .expiryScanPeriodMillis(0)));
            FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);
            try (Connection c = factory.createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = s.createProducer(s.createQueue("grouped"));
                producer.setTimeToLive(200);
                Message last = null;
                for (int i = 0; i < 3; i++) { // only the first is offered; the group holds back the others
                    last = s.createTextMessage("expiring " + i);
                    last.setStringProperty("JMSXGroupID", "cart-1");
                    producer.send(last);
                }
                producer.setTimeToLive(0);
                Message kept = s.createTextMessage("kept");
                kept.setStringProperty("JMSXGroupID", "cart-1");
                waitUntilExpired(last);
                assertEquals(3, running.scanExpired());
                assertEquals(3, running.queue(DestinationName.queue("grouped"), false).expiredCount());

                producer.send(kept);
                c.start();
                MessageConsumer consumer = s.createConsumer(s.createQueue("grouped"));
                Message m = consumer.receive(5000);
                assertNotNull(m, "the group's next message is stuck behind the expired ones");
                assertEquals("kept", ((TextMessage) m).getText());
                assertNull(consumer.receive(200));
            }
        } finally {
            EmbeddedBroker.stop(name);
        }
    }

    @Test
    void expiryScanPeriodIsANumberOfMillisecondsZeroForNone() {
        assertEquals(30_000, new BrokerConfig("b").expiryScanPeriodMillis());
        assertEquals(0, new BrokerConfig("b").set("expiryScanPeriod", "0").expiryScanPeriodMillis());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BrokerConfig("b").set("expiryScanPeriod", "-1"));
        assertTrue(e.getMessage().contains("'expiryScanPeriod'") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BrokerConfig("b").set("expiryScanPeriod", "soon"));
        assertTrue(e.getMessage().contains("'expiryScanPeriod'"), e.getMessage());
    }
}
