package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.client.FerryQueue;
import org.ferrymq.testing.HeapWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood: producers send non-persistent messages over TCP as fast as they can, several times
 * faster than the one consumer takes them, 2 GiB in all, through a broker whose
 * maxNonPersistentMemory is 64 MiB, in a JVM with {@code -Xmx256m} (the {@code soak} profile).
 * Without the limit the backlog would grow to about a gigabyte and the JVM would run out of
 * heap; with it the producers wait for room (onFull=block), the messages sent and not yet
 * received stay within the limit plus what the connections buffer, and every message arrives
 * once, in each producer's order. Prints the peak heap (broker and clients share this JVM).
 */
class NonPersistentFloodSoakIT {

    private static final long LIMIT = 64L << 20;
    private static final int BODY = 8 * 1024;
    private static final int PRODUCERS = 2;
    private static final long TOTAL_BYTES = Long.getLong("flood.bytes", 2L << 30);
    private static final int PER_PRODUCER = (int) (TOTAL_BYTES / BODY / PRODUCERS);
    /** The consumer pauses 1 ms every this many messages: at most 8,000 a second, 64 MiB/s. */
    private static final int PAUSE_EVERY = 8;
    /**
     * Messages sent but not received that the broker's account does not hold: each producer
     * connection's commands queued for the broker (ServerConnection.MAX_QUEUED), the
     * consumer's prefetch, and what the sockets buffer on each of the three connections: the
     * kernel's send and receive buffers at their largest (Linux tunes loopback buffers up to
     * tcp_wmem's 4 MiB and tcp_rmem's 32 MiB here) and Netty's outbound buffer (1 MiB). The
     * sockets' share is kernel memory, not heap.
     */
    private static final long OUTSIDE_THE_LIMIT = PRODUCERS * (long) ServerConnection.MAX_QUEUED
            + ConnectionUrl.DEFAULT_PREFETCH + (PRODUCERS + 1) * ((37L << 20) / BODY);

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    private final Queue queue = new FerryQueue("flood");
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong peakBacklog = new AtomicLong();

    @Test
    void producersFasterThanTheConsumerWaitForRoomAndTheHeapStaysBounded() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.maxNonPersistentMemory(LIMIT)
                .onFull(BrokerConfig.OnFull.BLOCK));
        HeapWatch heap = new HeapWatch();
        ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
        long start = System.nanoTime();
        List<Future<?>> sending = new ArrayList<>();
        try {
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                sending.add(producers.submit(() -> produce(producer)));
            }
            consume();
            for (Future<?> f : sending) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            producers.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        heap.stop();
        long messages = (long) PRODUCERS * PER_PRODUCER;
        System.out.printf("FLOOD: %,d x %,d B non-persistent (%,d MiB) over TCP through a %d MiB limit in %.1f s "
                + "(%,.0f msg/s, the consumer's pace); peak backlog %,d messages (%,d MiB, bound %,d); max heap %d MiB, "
                + "peak heap used %d MiB, peak live after GC %d MiB%n", messages, BODY, messages * BODY >> 20,
                LIMIT >> 20, seconds, messages / seconds, peakBacklog.get(), peakBacklog.get() * BODY >> 20,
                bound(), Runtime.getRuntime().maxMemory() >> 20, heap.peakUsed() >> 20, heap.peakAfterGc() >> 20);
        assertEquals(messages, received.get());
        assertTrue(peakBacklog.get() <= bound(), "the backlog reached " + peakBacklog.get()
                + " messages, more than the limit allows (" + bound() + "): producers did not wait for room");
    }

    private static long bound() {
        return LIMIT / BODY + OUTSIDE_THE_LIMIT;
    }

    private Void produce(int producer) throws Exception {
        try (Connection connection = server.factory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = session.createProducer(queue);
            sender.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            byte[] body = new byte[BODY];
            body[0] = (byte) producer;
            for (int n = 0; n < PER_PRODUCER; n++) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(body);
                message.setIntProperty("producer", producer);
                message.setIntProperty("n", n);
                sender.send(message);
                sent.incrementAndGet();
            }
        }
        return null;
    }

    private void consume() throws Exception {
        try (Connection connection = server.factory().createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(queue);
            int[] next = new int[PRODUCERS];
            byte[] body = new byte[BODY];
            long total = (long) PRODUCERS * PER_PRODUCER;
            for (long i = 0; i < total; i++) {
                BytesMessage message = (BytesMessage) consumer.receive(60_000);
                assertNotNull(message, "only " + i + " of " + total + " messages came, " + sent.get() + " were sent");
                int producer = message.getIntProperty("producer");
                assertEquals(next[producer]++, message.getIntProperty("n"), "producer " + producer + "'s order");
                assertEquals(BODY, message.readBytes(body));
                assertEquals(producer, body[0]);
                long backlog = sent.get() - received.incrementAndGet();
                peakBacklog.accumulateAndGet(backlog, Math::max);
                if (i % PAUSE_EVERY == 0) {
                    Thread.sleep(1);
                }
            }
            assertNull(consumer.receive(500), "a message more than was sent");
            int[] all = new int[PRODUCERS];
            Arrays.fill(all, PER_PRODUCER);
            assertArrayEquals(all, next);
        }
    }
}
