package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The journal database stops while the broker runs, and comes back: senders hear of it
 * within the journal timeout, consumers keep what they were given, nothing is reported sent
 * that is not stored, and the broker carries on by itself once the database answers again.
 * The real server is stopped and started, so this runs only where {@code FERRYMQ_TEST_OUTAGE}
 * (or {@code -Dferrymq.test.outage}) allows it, as {@code .ci/run} does.
 */
class DatabaseOutageTest {

    private static final long TIMEOUT_MILLIS = 3000;

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void sendersFailWithinTheTimeoutAndTheBrokerResumesWhenTheDatabaseReturns(String name) throws Exception {
        JournalDatabase db = name.equals("postgresql") ? JournalDatabase.postgresql() : JournalDatabase.mariadb();
        assumeTrue(db.enabled(), db.whyDisabled());
        assumeTrue(Boolean.parseBoolean(System.getProperty("ferrymq.test.outage", System.getenv("FERRYMQ_TEST_OUTAGE"))),
                "stops and starts the real " + name + " server; enable with FERRYMQ_TEST_OUTAGE=true (.ci/run sets it)");
        db.emptied();
        DatabaseServer server = new DatabaseServer(name);
        String broker = "outage-" + UUID.randomUUID();
        FerryConnectionFactory factory = new FerryConnectionFactory(
                db.brokerUrl(broker, "journalTimeout=" + TIMEOUT_MILLIS));
        List<String> reportedSent = new ArrayList<>();
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session sending = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = sending.createProducer(sending.createQueue("outage"));
            for (int i = 0; i < 5; i++) {
                producer.send(sending.createTextMessage("before " + i));
                reportedSent.add("before " + i);
            }
            Session receiving = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = receiving.createConsumer(receiving.createQueue("outage"));
            assertEquals("before 0", ((TextMessage) consumer.receive(5000)).getText());

            server.stop();
            try {
                long start = System.nanoTime();
                JMSException failure = assertThrows(JMSException.class,
                        () -> producer.send(sending.createTextMessage("during")));
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(tookMillis < TIMEOUT_MILLIS + 5_000, "the send hung for " + tookMillis + " ms");
                assertTrue(failure.getMessage().contains("journal"), failure.getMessage());

                Message prefetched = consumer.receive(5000);
                assertNotNull(prefetched, "a consumer lost what it had been given when the database went away");
                assertEquals("before 1", ((TextMessage) prefetched).getText());
                assertThrows(JMSException.class, prefetched::acknowledge, "an acknowledgement was reported stored");
            } finally {
                server.start();
            }

            // a send that fails by timing out may still reach the database late (the exception says
            // so): each attempt is numbered, so such a late arrival is told apart from a duplicate
            List<String> reportedFailed = new ArrayList<>(List.of("during"));
            long deadline = System.currentTimeMillis() + 60_000;
            for (int attempt = 1; ; attempt++) {
                String text = "after " + attempt;
                try {
                    producer.send(sending.createTextMessage(text));
                    reportedSent.add(text);
                    break;
                } catch (JMSException e) {
                    reportedFailed.add(text);
                    assertTrue(System.currentTimeMillis() < deadline, "the broker did not resume: " + e.getMessage());
                    Thread.sleep(500);
                }
            }
            receiving.recover();
            List<String> received = new ArrayList<>();
            for (Message m; (m = consumer.receive(2000)) != null; ) {
                received.add(((TextMessage) m).getText());
                m.acknowledge();
            }
            List<String> lateArrivals = new ArrayList<>(received);
            lateArrivals.removeAll(reportedSent);
            assertTrue(reportedFailed.containsAll(lateArrivals), "messages never sent came back: " + lateArrivals);
            received.removeAll(lateArrivals);
            assertEquals(reportedSent, received, "what was reported sent did not come back exactly once, in order");
        } finally {
            EmbeddedBroker.stop(broker);
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"), "acknowledged messages left in the journal");
    }
}
