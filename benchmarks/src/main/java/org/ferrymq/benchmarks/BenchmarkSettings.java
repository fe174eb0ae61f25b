package org.ferrymq.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The run's parameters, read once from system properties and validated before any broker
 * starts: a bad value fails with the property's name and the values it accepts.
 */
record BenchmarkSettings(List<String> providers, int warmupTrials, int warmupSeconds, int warmupMessages,
                         int trials, int messages, int bodyBytes) {

    static final String PROVIDERS = "bench.providers";
    static final String WARMUP_TRIALS = "bench.warmup.trials";
    static final String WARMUP_SECONDS = "bench.warmup.seconds";
    static final String WARMUP_MESSAGES = "bench.warmup.messages";
    static final String TRIALS = "bench.trials";
    static final String MESSAGES = "bench.messages";
    static final String BODY_BYTES = "bench.body.bytes";

    // Keep these in step with the properties of benchmarks/pom.xml, which pass them to -Pbench runs.
    static final String DEFAULT_PROVIDERS = "artemis,ferrymq";
    static final int DEFAULT_WARMUP_TRIALS = 4;
    static final int DEFAULT_WARMUP_SECONDS = 10;
    static final int DEFAULT_WARMUP_MESSAGES = 100_000;
    static final int DEFAULT_TRIALS = 5;
    static final int DEFAULT_MESSAGES = 200_000;
    static final int DEFAULT_BODY_BYTES = 1024;

    static BenchmarkSettings fromSystemProperties(Set<String> knownProviders) {
        return new BenchmarkSettings(
                providers(System.getProperty(PROVIDERS, DEFAULT_PROVIDERS), knownProviders),
                integer(WARMUP_TRIALS, DEFAULT_WARMUP_TRIALS, 0, 100),
                integer(WARMUP_SECONDS, DEFAULT_WARMUP_SECONDS, 0, 600),
                integer(WARMUP_MESSAGES, DEFAULT_WARMUP_MESSAGES, 1, 100_000_000),
                integer(TRIALS, DEFAULT_TRIALS, 1, 100),
                integer(MESSAGES, DEFAULT_MESSAGES, 1, 100_000_000),
                integer(BODY_BYTES, DEFAULT_BODY_BYTES, 0, 1024 * 1024));
    }

    private static List<String> providers(String value, Set<String> known) {
        List<String> providers = new ArrayList<>();
        for (String part : value.split(",")) {
            String key = part.trim().toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                continue;
            }
            if (!known.contains(key)) {
                throw new IllegalArgumentException("-D" + PROVIDERS + " names '" + part.trim()
                        + "'; use a comma-separated list of " + known);
            }
            if (!providers.contains(key)) {
                providers.add(key);
            }
        }
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("-D" + PROVIDERS + " is empty; use a comma-separated list of " + known);
        }
        return List.copyOf(providers);
    }

    private static int integer(String property, int defaultValue, int min, int max) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim().replace("_", ""));
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + property + " is '" + value + "'; use a whole number from "
                + min + " to " + max);
    }
}
