package org.ferrymq.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * How much heap this JVM used while a piece of work ran, from the collector's own reports. Heap in
 * use only grows between collections, so its peak is the heap in use just before one of them (or
 * at the end); the heap still in use just after a collection bounds the live data from above. Both
 * come from the collector's notifications, which give every heap pool's usage before and after
 * each collection at one moment, so unlike summed per-pool peaks (each pool peaks at its own
 * moment) they never exceed the heap. A sampler every millisecond adds the collections the
 * collector does not report (G1's concurrent cycle, in Java 17).
 *
 * <p>Only meaningful with everything of interest in this JVM: run the work in a JVM of its own.
 */
final class HeapWatch implements AutoCloseable {

    /**
     * What one piece of work used: the peak heap in use, the most still in use after a collection
     * (-1 when none ran: nothing bounds the live data then but the peak), and the collections.
     */
    record Usage(long peakBytes, long liveBytes, long collections) {
    }

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private final AtomicLong notified = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong live = new AtomicLong();
    private final Thread sampler;
    private volatile boolean closed;
    private long collectionsAtStart;

    HeapWatch() {
        for (GarbageCollectorMXBean collector : collectors) {
            ((NotificationEmitter) collector).addNotificationListener(
                    (notification, handback) -> collected(notification), null, null);
        }
        notified.set(collections());
        sampler = new Thread(this::sample, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Collects the garbage of what came before, then starts watching; answers the heap in use after that collection. */
    long start() throws InterruptedException {
        System.gc();
        awaitNotifications();
        collectionsAtStart = collections();
        long inUse = memory.getHeapMemoryUsage().getUsed();
        live.set(-1);
        peak.set(inUse);
        return inUse;
    }

    /** What was used since {@link #start()}. */
    Usage stop() throws InterruptedException {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        awaitNotifications();
        return new Usage(peak.get(), live.get(), collections() - collectionsAtStart);
    }

    private void collected(Notification notification) {
        if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            peak.accumulateAndGet(heap(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
            live.accumulateAndGet(heap(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
            notified.incrementAndGet();
        }
    }

    private long heap(Map<String, MemoryUsage> byPool) {
        return byPool.entrySet().stream().filter(pool -> heapPools.contains(pool.getKey()))
                .mapToLong(pool -> pool.getValue().getUsed()).sum();
    }

    private long collections() {
        return collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    /** Notifications arrive on a thread of their own, after the collection: wait for those of every collection so far. */
    private void awaitNotifications() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (notified.get() < collections()) {
            if (System.nanoTime() > deadline) {
                // one collection ran between counting and listening, when this watch was made
                notified.set(collections());
                return;
            }
            Thread.sleep(10);
        }
    }

    private void sample() {
        while (!closed) {
            peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
    }
}
