package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * A backlog far larger than the heap: 1,000,000 persistent 1 KiB messages to one queue, the
 * broker restarted, all of them drained in order. Runs in the {@code soak} profile in a JVM
 * with {@code -Xmx256m} ({@code ./mvnw -pl provider-impl verify -Psoak}); prints the peak heap.
 */
class BacklogPagingSoakIT {

    private static final int MESSAGES = Integer.getInteger("soak.messages", 1_000_000);
    private static final int BATCH = 1000;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMillionMessageBacklogIsDrainedInOrderWithinASmallHeap(JournalDatabase database) throws Exception {
        assumeTrue(database.enabled(), database.whyDisabled());
        JournalDatabase db = database.emptied();
        String broker = "soak-" + UUID.randomUUID();
        FerryConnectionFactory factory = new FerryConnectionFactory(db.brokerUrl(broker));
        HeapWatch heap = new HeapWatch();
        byte[] body = new byte[1024];
        long start = System.nanoTime();
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("backlog"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < MESSAGES; i++) {
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
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        assertEquals(MESSAGES, db.depth("backlog"));
        EmbeddedBroker.stop(broker);

        start = System.nanoTime();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue("backlog"));
            for (int i = 0; i < MESSAGES; i++) {
                Message m = consumer.receive(30_000);
                assertNotNull(m, "only " + i + " of " + MESSAGES + " messages came back");
                assertEquals(i, m.getIntProperty("n"), "out of order");
                if ((i + 1) % BATCH == 0) {
                    s.commit();
                }
            }
            s.commit();
            assertNull(consumer.receive(500));
        } finally {
            EmbeddedBroker.stop(broker);
        }
        double drainSeconds = (System.nanoTime() - start) / 1e9;
        heap.stop();
        System.out.printf("SOAK %s: %,d x 1 KiB persistent; sent in %.1f s (%,.0f msg/s), restarted and drained in "
                + "%.1f s (%,.0f msg/s); max heap %d MiB, peak heap used %d MiB, peak live after GC %d MiB%n",
                db.name(), MESSAGES, sendSeconds, MESSAGES / sendSeconds, drainSeconds, MESSAGES / drainSeconds,
                Runtime.getRuntime().maxMemory() >> 20, heap.peakUsed() >> 20, heap.peakAfterGc() >> 20);
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
    }
}
