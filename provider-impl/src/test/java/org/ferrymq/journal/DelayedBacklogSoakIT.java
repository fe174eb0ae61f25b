package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.List;
import java.util.UUID;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.HeapWatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A backlog of delayed messages far larger than the heap: 1,000,000 persistent 1 KiB messages
 * sent with one delivery delay, the broker restarted before any is due, nothing delivered
 * early, then all of them delivered in order as they come due. Runs in the {@code soak}
 * profile in a JVM with {@code -Xmx256m} ({@code ./mvnw -pl provider-impl verify -Psoak});
 * prints the times and the peak heap.
 *
 * <p>The delay is long enough for sending and the restart to be over before the first message
 * is due: 20,000 messages to another queue (delayed by a day, and left there) warm up, 20,000
 * more measure the database's rate, and the delay is twice the time the million should take
 * at that rate, plus a minute.
 */
class DelayedBacklogSoakIT {

    private static final int MESSAGES = Integer.getInteger("soak.messages", 1_000_000);
    private static final int CALIBRATION = 20_000;
    private static final int BATCH = 1000;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMillionDelayedMessagesWaitInTheJournalAcrossARestartAndArriveInOrderWithinASmallHeap(
            JournalDatabase database) throws Exception {
        assumeTrue(database.enabled(), database.whyDisabled());
        JournalDatabase db = database.emptied();
        String broker = "delayed-soak-" + UUID.randomUUID();
        FerryConnectionFactory factory = new FerryConnectionFactory(db.brokerUrl(broker));
        HeapWatch heap = new HeapWatch();
        byte[] body = new byte[1024];
        long dueAt; // of the first message
        double sendSeconds;
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            send(s, "soak-calibration", CALIBRATION, body, 86_400_000L); // warms the JIT and the database up
            long start = System.nanoTime();
            send(s, "soak-calibration", CALIBRATION, body, 86_400_000L);
            double perMessage = (System.nanoTime() - start) / 1e9 / CALIBRATION;
            long delay = (long) (2_000 * perMessage * MESSAGES) + 60_000;
            dueAt = System.currentTimeMillis() + delay;
            start = System.nanoTime();
            send(s, "delayed", MESSAGES, body, delay);
            sendSeconds = (System.nanoTime() - start) / 1e9;
        }
        assertEquals(MESSAGES, db.queryLong(
                "SELECT COUNT(*) FROM FMQ_QUEUE_REF r JOIN FMQ_DESTINATION d ON d.QUEUE_ID = r.QUEUE_ID "
                        + "WHERE d.DEST_NAME = 'delayed' AND r.DELIVERY_TIME > 0"));
        EmbeddedBroker.stop(broker);

        long restartedAt = System.currentTimeMillis();
        assertTrue(restartedAt < dueAt, "sending took longer than calibrated: the messages were due before the "
                + "restart, so the soak proves nothing; rerun it");
        long drainStart;
        long waitingPeak;
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue("delayed"));
            // nothing comes before its time, and the broker holds none of them meanwhile
            long quietUntil = dueAt - 1000;
            for (long left = quietUntil - System.currentTimeMillis(); left > 0;
                    left = quietUntil - System.currentTimeMillis()) {
                Message early = consumer.receive(Math.min(5000, left));
                assertNull(early, "a message was delivered " + (dueAt - System.currentTimeMillis()) + " ms early");
            }
            waitingPeak = heap.peakAfterGc();
            drainStart = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++) {
                Message m = consumer.receive(60_000);
                assertNotNull(m, "only " + i + " of " + MESSAGES + " delayed messages came");
                assertEquals(i, m.getIntProperty("n"), "out of order");
                assertTrue(System.currentTimeMillis() >= m.getJMSDeliveryTime(), "message " + i
                        + " came before its time");
                if ((i + 1) % BATCH == 0) {
                    s.commit();
                }
            }
            s.commit();
            assertNull(consumer.receive(500));
        } finally {
            EmbeddedBroker.stop(broker);
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        heap.stop();
        System.out.printf("SOAK-DELAYED %s: %,d x 1 KiB persistent, delayed; sent in %.1f s (%,.0f msg/s), restarted "
                + "%.0f s before the first was due (peak live heap after GC so far %d MiB), drained as they came due "
                + "in %.1f s (%,.0f msg/s); max heap %d MiB, peak heap used %d MiB, peak live after GC %d MiB%n",
                db.name(), MESSAGES, sendSeconds, MESSAGES / sendSeconds, (dueAt - restartedAt) / 1e3,
                waitingPeak >> 20, drainSeconds, MESSAGES / drainSeconds, Runtime.getRuntime().maxMemory() >> 20,
                heap.peakUsed() >> 20, heap.peakAfterGc() >> 20);
        assertEquals(0, db.depth("delayed"));
        assertEquals(2 * CALIBRATION, db.depth("soak-calibration"));
    }

    /** Sends {@code count} messages numbered by the property n, in transactions of 1000, with a delivery delay. */
    private static void send(Session s, String queue, int count, byte[] body, long delay) throws Exception {
        MessageProducer producer = s.createProducer(s.createQueue(queue));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        producer.setDeliveryDelay(delay);
        for (int i = 0; i < count; i++) {
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(body);
            m.setIntProperty("n", i);
            producer.send(m);
            if ((i + 1) % BATCH == 0) {
                s.commit();
            }
        }
        s.commit();
    }
}
