package org.ferrymq.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/** Samples the heap in use every 20 ms, and reads the old generation's peak right after collections. */
public final class HeapWatch {
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peakUsed;
    private volatile long peakAfterGc;

    public HeapWatch() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
        sampler = new Thread(() -> {
            while (running) {
                peakUsed = Math.max(peakUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                peakAfterGc = Math.max(peakAfterGc, heapPools().stream().filter(p -> p.getCollectionUsage() != null)
                        .mapToLong(p -> p.getCollectionUsage().getUsed()).sum());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    public void stop() throws InterruptedException {
        running = false;
        sampler.join();
    }

    /** The most heap in use at any sample, garbage included. */
    public long peakUsed() {
        return peakUsed;
    }

    /** The most the heap held right after a collection: the live data, garbage excluded. */
    public long peakAfterGc() {
        return peakAfterGc;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
    }
}
