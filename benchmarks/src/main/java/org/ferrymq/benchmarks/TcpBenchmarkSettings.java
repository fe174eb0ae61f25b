package org.ferrymq.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parameters of a {@link TcpBenchmark} run, read once from system properties and validated
 * before any server starts: a bad value fails with the property's name and the values it accepts.
 *
 * @param parties which of {@code artemis} (over TCP), {@code ferrymq} (over TCP) and {@code ferrymq-vm}
 *                (in-VM) run, in this order
 * @param databases the databases of the persistent workloads; empty for none ({@code none})
 * @param postgresUser the PostgreSQL user to connect as; empty means "try postgres, then root"
 * @param artemisSyncPeriod Artemis's {@code jdbc-journal-sync-period} in milliseconds; 1, the
 *                          smallest it takes, is its best for synchronous sends
 * @param serverJvmOptions options of each server process's JVM, separated by spaces
 */
record TcpBenchmarkSettings(List<String> parties, List<String> databases, String postgresUrl, String postgresUser, String postgresPassword,
                            int warmupTrials, int warmupSeconds, int warmupMessages, int trials, int messages,
                            int persistentWarmupSeconds, int sendSeconds, int producers, int batchMessages,
                            int latencyMessages, int bodyBytes, int artemisSyncPeriod, List<String> serverJvmOptions) {

    static final String PARTIES = "tcpbench.parties";
    static final String DATABASES = "tcpbench.databases";
    static final String POSTGRES_URL = "tcpbench.postgresql.url";
    static final String POSTGRES_USER = "tcpbench.postgresql.user";
    static final String POSTGRES_PASSWORD = "tcpbench.postgresql.password";
    static final String WARMUP_TRIALS = "tcpbench.warmup.trials";
    static final String WARMUP_SECONDS = "tcpbench.warmup.seconds";
    static final String WARMUP_MESSAGES = "tcpbench.warmup.messages";
    static final String TRIALS = "tcpbench.trials";
    static final String MESSAGES = "tcpbench.messages";
    static final String PERSISTENT_WARMUP_SECONDS = "tcpbench.persistent.warmup.seconds";
    static final String SEND_SECONDS = "tcpbench.send.seconds";
    static final String PRODUCERS = "tcpbench.producers";
    static final String BATCH_MESSAGES = "tcpbench.batch.messages";
    static final String LATENCY_MESSAGES = "tcpbench.latency.messages";
    static final String BODY_BYTES = "tcpbench.body.bytes";
    static final String ARTEMIS_SYNC_PERIOD = "tcpbench.artemis.sync.period";
    static final String SERVER_JVM_OPTIONS = "tcpbench.server.jvm";

    // Keep these in step with the tcpbench.* properties of benchmarks/pom.xml, which pass them to -Ptcp-bench runs.
    static final String DEFAULT_PARTIES = "artemis,ferrymq,ferrymq-vm";
    static final String DEFAULT_DATABASES = "h2,postgresql";
    /** The value of {@link #DATABASES} that runs the non-persistent workload only. */
    static final String NO_DATABASE = "none";
    static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final int DEFAULT_WARMUP_TRIALS = 4;
    static final int DEFAULT_WARMUP_SECONDS = 10;
    static final int DEFAULT_WARMUP_MESSAGES = 100_000;
    static final int DEFAULT_TRIALS = 5;
    static final int DEFAULT_MESSAGES = 200_000;
    static final int DEFAULT_PERSISTENT_WARMUP_SECONDS = 4;
    static final int DEFAULT_SEND_SECONDS = 10;
    static final int DEFAULT_PRODUCERS = 8;
    static final int DEFAULT_BATCH_MESSAGES = 100;
    static final int DEFAULT_LATENCY_MESSAGES = 2_000;
    static final int DEFAULT_BODY_BYTES = 1024;
    static final int DEFAULT_ARTEMIS_SYNC_PERIOD = 1;
    static final String DEFAULT_SERVER_JVM_OPTIONS = "-Xms2g -Xmx2g -XX:+UseG1GC";

    static TcpBenchmarkSettings fromSystemProperties(Set<String> knownParties, Set<String> knownDatabases) {
        String url = JdbcBenchmarkSettings.text(POSTGRES_URL);
        if (url.isEmpty()) {
            url = DEFAULT_POSTGRES_URL;
        } else if (!PostgresDatabase.hasDatabaseName(url)) {
            throw new IllegalArgumentException("-D" + POSTGRES_URL + " is '" + url
                    + "'; use jdbc:postgresql://HOST:PORT/DATABASE, e.g. " + DEFAULT_POSTGRES_URL);
        }
        String jvm = JdbcBenchmarkSettings.text(SERVER_JVM_OPTIONS);
        List<String> jvmOptions = new ArrayList<>(Arrays.asList((jvm.isEmpty() ? DEFAULT_SERVER_JVM_OPTIONS : jvm)
                .trim().split("\\s+")));
        Set<String> databaseKeys = new HashSet<>(knownDatabases);
        databaseKeys.add(NO_DATABASE);
        List<String> databases = new ArrayList<>(JdbcBenchmarkSettings.keys(DATABASES, DEFAULT_DATABASES, databaseKeys));
        databases.remove(NO_DATABASE);
        return new TcpBenchmarkSettings(
                JdbcBenchmarkSettings.keys(PARTIES, DEFAULT_PARTIES, knownParties),
                List.copyOf(databases),
                url,
                JdbcBenchmarkSettings.text(POSTGRES_USER),
                JdbcBenchmarkSettings.text(POSTGRES_PASSWORD),
                JdbcBenchmarkSettings.integer(WARMUP_TRIALS, DEFAULT_WARMUP_TRIALS, 0, 100),
                JdbcBenchmarkSettings.integer(WARMUP_SECONDS, DEFAULT_WARMUP_SECONDS, 0, 600),
                JdbcBenchmarkSettings.integer(WARMUP_MESSAGES, DEFAULT_WARMUP_MESSAGES, 1, 100_000_000),
                JdbcBenchmarkSettings.integer(TRIALS, DEFAULT_TRIALS, 1, 100),
                JdbcBenchmarkSettings.integer(MESSAGES, DEFAULT_MESSAGES, 1, 100_000_000),
                JdbcBenchmarkSettings.integer(PERSISTENT_WARMUP_SECONDS, DEFAULT_PERSISTENT_WARMUP_SECONDS, 0, 600),
                JdbcBenchmarkSettings.integer(SEND_SECONDS, DEFAULT_SEND_SECONDS, 1, 3600),
                JdbcBenchmarkSettings.integer(PRODUCERS, DEFAULT_PRODUCERS, 1, 256),
                JdbcBenchmarkSettings.integer(BATCH_MESSAGES, DEFAULT_BATCH_MESSAGES, 1, 100_000),
                JdbcBenchmarkSettings.integer(LATENCY_MESSAGES, DEFAULT_LATENCY_MESSAGES, 1, 10_000_000),
                JdbcBenchmarkSettings.integer(BODY_BYTES, DEFAULT_BODY_BYTES, 0, 1024 * 1024),
                JdbcBenchmarkSettings.integer(ARTEMIS_SYNC_PERIOD, DEFAULT_ARTEMIS_SYNC_PERIOD, 1, 1000),
                List.copyOf(jvmOptions));
    }

    /** The users to try on PostgreSQL, in order: the configured one, or the two usual superusers. */
    List<String> postgresUsers() {
        return postgresUser.isEmpty() ? List.of("postgres", "root") : List.of(postgresUser);
    }
}
