package org.ferrymq.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The parameters of a {@link JdbcJournalBenchmark} run, read once from system properties and
 * validated before any database is touched: a bad value fails with the property's name and the
 * values it accepts.
 *
 * @param postgresUser the PostgreSQL user to connect as; empty means "try postgres, then root"
 * @param batchMessages messages per transaction, per consumer commit while draining, and rows per
 *                      JDBC batch in the probe, so that each figure has a yardstick of the same size
 * @param artemisSyncPeriods Artemis's {@code jdbc-journal-sync-period}s in milliseconds: Artemis runs
 *                           once with each, so that it is shown at its default and at its best
 */
record JdbcBenchmarkSettings(List<String> providers, List<String> databases, String postgresUrl,
                             String postgresUser, String postgresPassword, int warmupSeconds, int sendSeconds,
                             int producers, int batchMessages, int latencyMessages, int backlogMessages,
                             int probeSeconds, int bodyBytes, List<Integer> artemisSyncPeriods) {

    static final String PROVIDERS = "jdbcbench.providers";
    static final String DATABASES = "jdbcbench.databases";
    static final String POSTGRES_URL = "jdbcbench.postgresql.url";
    static final String POSTGRES_USER = "jdbcbench.postgresql.user";
    static final String POSTGRES_PASSWORD = "jdbcbench.postgresql.password";
    static final String WARMUP_SECONDS = "jdbcbench.warmup.seconds";
    static final String SEND_SECONDS = "jdbcbench.send.seconds";
    static final String PRODUCERS = "jdbcbench.producers";
    static final String BATCH_MESSAGES = "jdbcbench.batch.messages";
    static final String LATENCY_MESSAGES = "jdbcbench.latency.messages";
    static final String BACKLOG_MESSAGES = "jdbcbench.backlog.messages";
    static final String PROBE_SECONDS = "jdbcbench.probe.seconds";
    static final String BODY_BYTES = "jdbcbench.body.bytes";
    static final String ARTEMIS_SYNC_PERIODS = "jdbcbench.artemis.sync.periods";

    // Keep these in step with the jdbcbench.* properties of benchmarks/pom.xml, which pass them to -Pjdbc-bench runs.
    static final String DEFAULT_PROVIDERS = "artemis,ferrymq";
    static final String DEFAULT_DATABASES = "h2,postgresql";
    static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final int DEFAULT_WARMUP_SECONDS = 3;
    static final int DEFAULT_SEND_SECONDS = 10;
    static final int DEFAULT_PRODUCERS = 8;
    static final int DEFAULT_BATCH_MESSAGES = 100;
    static final int DEFAULT_LATENCY_MESSAGES = 2_000;
    static final int DEFAULT_BACKLOG_MESSAGES = 100_000;
    static final int DEFAULT_PROBE_SECONDS = 5;
    static final int DEFAULT_BODY_BYTES = 1024;
    /** Artemis's default, and its smallest: it refuses a period of 0. */
    static final String DEFAULT_ARTEMIS_SYNC_PERIODS = "5,1";

    static JdbcBenchmarkSettings fromSystemProperties(Set<String> knownProviders, Set<String> knownDatabases) {
        return new JdbcBenchmarkSettings(
                keys(PROVIDERS, DEFAULT_PROVIDERS, knownProviders),
                keys(DATABASES, DEFAULT_DATABASES, knownDatabases),
                postgresUrlProperty(),
                text(POSTGRES_USER),
                text(POSTGRES_PASSWORD),
                integer(WARMUP_SECONDS, DEFAULT_WARMUP_SECONDS, 0, 600),
                integer(SEND_SECONDS, DEFAULT_SEND_SECONDS, 1, 3600),
                integer(PRODUCERS, DEFAULT_PRODUCERS, 1, 256),
                integer(BATCH_MESSAGES, DEFAULT_BATCH_MESSAGES, 1, 100_000),
                integer(LATENCY_MESSAGES, DEFAULT_LATENCY_MESSAGES, 1, 10_000_000),
                integer(BACKLOG_MESSAGES, DEFAULT_BACKLOG_MESSAGES, 1, 100_000_000),
                integer(PROBE_SECONDS, DEFAULT_PROBE_SECONDS, 1, 3600),
                integer(BODY_BYTES, DEFAULT_BODY_BYTES, 0, 1024 * 1024),
                integers(ARTEMIS_SYNC_PERIODS, DEFAULT_ARTEMIS_SYNC_PERIODS, 1, 1000));
    }

    /** The users to try on PostgreSQL, in order: the configured one, or the two usual superusers. */
    List<String> postgresUsers() {
        return postgresUser.isEmpty() ? List.of("postgres", "root") : List.of(postgresUser);
    }

    static List<String> keys(String property, String defaultValue, Set<String> known) {
        String value = text(property);
        List<String> keys = new ArrayList<>();
        for (String part : (value.isEmpty() ? defaultValue : value).split(",")) {
            String key = part.trim().toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                continue;
            }
            if (!known.contains(key)) {
                throw new IllegalArgumentException("-D" + property + " names '" + part.trim()
                        + "'; use a comma-separated list of " + known);
            }
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("-D" + property + " is '" + value + "'; use a comma-separated list of "
                    + known);
        }
        return List.copyOf(keys);
    }

    /** A comma-separated list of whole numbers, each from {@code min} to {@code max}, without repeats. */
    private static List<Integer> integers(String property, String defaultValue, int min, int max) {
        String value = text(property);
        List<Integer> numbers = new ArrayList<>();
        for (String part : (value.isEmpty() ? defaultValue : value).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                int parsed = Integer.parseInt(part.trim());
                if (parsed >= min && parsed <= max) {
                    if (!numbers.contains(parsed)) {
                        numbers.add(parsed);
                    }
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("-D" + property + " is '" + value + "'; use a comma-separated list of"
                    + " whole numbers from " + min + " to " + max + ", e.g. " + defaultValue);
        }
        if (numbers.isEmpty()) {
            throw new IllegalArgumentException("-D" + property + " is '" + value + "'; name at least one, e.g. "
                    + defaultValue);
        }
        return List.copyOf(numbers);
    }

    private static String postgresUrlProperty() {
        String url = text(POSTGRES_URL);
        if (url.isEmpty()) {
            return DEFAULT_POSTGRES_URL;
        }
        if (!PostgresDatabase.hasDatabaseName(url)) {
            throw new IllegalArgumentException("-D" + POSTGRES_URL + " is '" + url
                    + "'; use jdbc:postgresql://HOST:PORT/DATABASE, e.g. " + DEFAULT_POSTGRES_URL);
        }
        return url;
    }

    static String text(String property) {
        String value = System.getProperty(property);
        return value == null ? "" : value.trim();
    }

    static int integer(String property, int defaultValue, int min, int max) {
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
