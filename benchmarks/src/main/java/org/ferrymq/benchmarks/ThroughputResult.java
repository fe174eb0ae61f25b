package org.ferrymq.benchmarks;

import java.util.List;

/** The measured trials of one provider, in messages per second. */
record ThroughputResult(String provider, String version, List<Double> messagesPerSecond) {

    ThroughputResult {
        if (messagesPerSecond.isEmpty()) {
            throw new IllegalArgumentException("Provider '" + provider + "' has no measured trial");
        }
        messagesPerSecond = List.copyOf(messagesPerSecond);
    }

    double median() {
        double[] sorted = messagesPerSecond.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    double min() {
        return messagesPerSecond.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    double max() {
        return messagesPerSecond.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }
}
