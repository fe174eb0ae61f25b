package org.ferrymq.benchmarks;

import java.util.Arrays;

/** Durations of single operations, in nanoseconds, kept whole so that percentiles are exact. */
final class LatencySamples {

    private long[] nanos = new long[1024];
    private int count;

    void add(long durationNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = durationNanos;
    }

    int count() {
        return count;
    }

    /** The nearest-rank percentile in milliseconds: the smallest sample that {@code percent} % of samples do not exceed. */
    double percentileMillis(double percent) {
        if (count == 0) {
            throw new IllegalStateException("No latency was recorded, so there is no " + percent + "th percentile");
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100 * count);
        return sorted[Math.max(rank, 1) - 1] / 1e6;
    }
}
