package org.ferrymq.benchmarks;

import jakarta.jms.ConnectionFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Function;

/**
 * Persistent messaging with the store in a JDBC database, FerryMQ beside ActiveMQ Artemis, each
 * embedded in this JVM, on every configured database in turn (an H2 file database, PostgreSQL).
 * On each database a raw-JDBC probe first measures what the database itself manages from one
 * thread; then each provider, on an empty database of its own, runs the scenarios: 1-producer
 * and N-producer synchronous sends, transactions, single-send latency, a restart with a backlog
 * and the draining of that backlog, in transactions and again (after another fill and restart)
 * with an AUTO_ACKNOWLEDGE consumer. Artemis runs once per configured journal sync period, so
 * that it is shown at its best as well as at its default. A database that cannot be reached is
 * skipped with a message.
 *
 * <p>Settings are system properties; see {@link JdbcBenchmarkSettings} and benchmarks/README.md.
 */
public final class JdbcJournalBenchmark {

    private static final String WARMUP_QUEUE = "jdbcbench.warmup";
    private static final String SENDS_QUEUE = "jdbcbench.sends";
    private static final String LATENCY_QUEUE = "jdbcbench.latency";
    private static final String TRANSACTIONS_QUEUE = "jdbcbench.transactions";
    private static final String BACKLOG_QUEUE = "jdbcbench.backlog";
    private static final String AUTO_BACKLOG_QUEUE = "jdbcbench.autobacklog";

    /** The providers by their -Djdbcbench.providers key, in the order the help text lists them: each runs once per variant. */
    private static final Map<String, Function<JdbcBenchmarkSettings, List<PersistentBrokerUnderTest>>> BROKERS =
            new LinkedHashMap<>();

    static {
        BROKERS.put("artemis", settings -> settings.artemisSyncPeriods().stream()
                .map(period -> (PersistentBrokerUnderTest) new EmbeddedArtemisOnJdbc(period)).toList());
        BROKERS.put("ferrymq", settings -> List.of(new EmbeddedFerryMqOnJdbc()));
    }

    private static final List<String> DATABASES = List.of("h2", "postgresql");

    private JdbcJournalBenchmark() {
    }

    public static void main(String[] args) {
        JdbcBenchmarkSettings settings;
        try {
            settings = JdbcBenchmarkSettings.fromSystemProperties(BROKERS.keySet(), Set.copyOf(DATABASES));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        RunEnvironment.print();
        printParameters(settings);
        byte[] body = new byte[settings.bodyBytes()];
        new Random(42).nextBytes(body);
        boolean everythingRan = true;
        try {
            for (String key : settings.databases()) {
                everythingRan &= measure(database(key, settings), settings, body);
            }
        } catch (Exception e) {
            RunEnvironment.exitFailed(e);
        }
        // A provider may leave non-daemon threads behind; the benchmark is over either way.
        System.exit(everythingRan ? 0 : 1);
    }

    private static DatabaseUnderTest database(String key, JdbcBenchmarkSettings settings) {
        return switch (key) {
            case "h2" -> new H2FileDatabase();
            case "postgresql" -> new PostgresDatabase(settings.postgresUrl(), settings.postgresUsers(),
                    settings.postgresPassword());
            default -> throw new IllegalArgumentException("Unknown database '" + key + "'; use one of " + DATABASES);
        };
    }

    /**
     * Runs the probe and every provider on one database and prints its table. Returns false when
     * a part failed (its figures show as "failed"); an unreachable database is skipped, not failed.
     */
    private static boolean measure(DatabaseUnderTest database, JdbcBenchmarkSettings settings, byte[] body)
            throws Exception {
        System.out.println("== " + database.key());
        try {
            database.connect();
        } catch (DatabaseUnderTest.DatabaseUnavailableException e) {
            System.out.println(database.key() + " skipped: " + e.getMessage());
            System.out.println();
            return true;
        }
        System.out.println(database.description());
        boolean everythingRan = true;
        RawJdbcProbe.Result probe = null;
        ScratchDatabase probeDatabase = database.create("probe");
        try {
            probe = new RawJdbcProbe(probeDatabase, database.binaryColumnType(), settings.probeSeconds(),
                    settings.batchMessages(), body).run();
            System.out.printf("%-8s %-34s %,10.0f rows/s   commit p50 %.3f ms, p99 %.3f ms%n", "probe",
                    "single-row INSERT + COMMIT", probe.singleRowCommitsPerSecond(),
                    probe.commitLatency().percentileMillis(50), probe.commitLatency().percentileMillis(99));
            System.out.printf("%-8s %-34s %,10.0f rows/s%n", "probe",
                    "batches of " + settings.batchMessages() + " rows, COMMIT each", probe.batchRowsPerSecond());
        } catch (Exception e) {
            everythingRan = false;
            System.out.flush();
            System.err.println("The raw-JDBC probe on " + database.key() + " failed: " + e);
            e.printStackTrace();
        } finally {
            database.drop(probeDatabase);
        }
        List<ProviderFigures> results = new ArrayList<>();
        for (String key : settings.providers()) {
            for (PersistentBrokerUnderTest broker : BROKERS.get(key).apply(settings)) {
                ProviderFigures figures = measure(broker, database, settings, body);
                everythingRan &= figures.failure == null;
                results.add(figures);
            }
        }
        new JdbcReport(database, probe, results, settings).print();
        System.out.println();
        return everythingRan;
    }

    /** One provider on an empty database of its own, dropped afterwards whatever happened. */
    private static ProviderFigures measure(PersistentBrokerUnderTest broker, DatabaseUnderTest database,
                                           JdbcBenchmarkSettings settings, byte[] body) {
        ProviderFigures figures = new ProviderFigures(broker.key(), broker.name());
        ScratchDatabase scratch = null;
        try {
            scratch = database.create(broker.name());
            runScenarios(broker, scratch, settings, body, figures);
        } catch (Exception e) {
            report(figures, "failed on " + database.key(), e);
        } finally {
            try {
                broker.stop();
            } catch (Exception e) {
                report(figures, "did not stop", e);
            }
            try {
                broker.deleteLocalFiles();
                if (scratch != null) {
                    database.drop(scratch);
                }
            } catch (Exception e) {
                report(figures, "left files or its database behind", e);
            }
        }
        return figures;
    }

    private static void report(ProviderFigures figures, String what, Exception e) {
        figures.failed(e);
        System.out.flush();
        System.err.println(figures.name + " " + what + ": " + e);
        e.printStackTrace();
    }

    private static void runScenarios(PersistentBrokerUnderTest broker, ScratchDatabase scratch,
                                     JdbcBenchmarkSettings settings, byte[] body, ProviderFigures figures)
            throws Exception {
        String provider = broker.name();
        ConnectionFactory factory = broker.start(scratch);
        figures.version = RunEnvironment.providerVersion(factory);
        System.out.printf("%-8s %s, store in %s%n", provider, figures.version, scratch.name());
        PersistentWorkloads workloads = new PersistentWorkloads(factory, body, settings.batchMessages());
        int batch = settings.batchMessages();

        if (settings.warmupSeconds() > 0) {
            // Untimed: the JIT compiles the send, commit and receive paths of client, broker and JDBC driver.
            double half = settings.warmupSeconds() / 2.0;
            long sent = workloads.timedSends(WARMUP_QUEUE, 1, half, false).messages();
            emptyQueue(provider, workloads, WARMUP_QUEUE, sent);
            sent = workloads.timedSends(WARMUP_QUEUE, 1, half, true).messages();
            emptyQueue(provider, workloads, WARMUP_QUEUE, sent);
        }

        PersistentWorkloads.Throughput oneProducer = onCleanHeap(() ->
                workloads.timedSends(SENDS_QUEUE, 1, settings.sendSeconds(), false));
        print(provider, "1 producer, sync sends", oneProducer);
        figures.oneProducerRate = oneProducer.rate();
        emptyQueue(provider, workloads, SENDS_QUEUE, oneProducer.messages());

        System.gc();
        LatencySamples latencies = workloads.sendLatencies(LATENCY_QUEUE, settings.latencyMessages());
        figures.latencyP50Millis = latencies.percentileMillis(50);
        figures.latencyP99Millis = latencies.percentileMillis(99);
        System.out.printf("%-8s %-34s %,10d msgs   p50 %.3f ms, p99 %.3f ms%n", provider, "send latency, 1 producer",
                latencies.count(), figures.latencyP50Millis, figures.latencyP99Millis);
        emptyQueue(provider, workloads, LATENCY_QUEUE, latencies.count());

        PersistentWorkloads.Throughput manyProducers = onCleanHeap(() ->
                workloads.timedSends(SENDS_QUEUE, settings.producers(), settings.sendSeconds(), false));
        print(provider, settings.producers() + " producers, sync sends", manyProducers);
        figures.manyProducersRate = manyProducers.rate();
        emptyQueue(provider, workloads, SENDS_QUEUE, manyProducers.messages());

        PersistentWorkloads.Throughput transactions = onCleanHeap(() ->
                workloads.timedSends(TRANSACTIONS_QUEUE, 1, settings.sendSeconds(), true));
        print(provider, "transactions of " + batch, transactions);
        figures.transactionRate = transactions.rate();
        emptyQueue(provider, workloads, TRANSACTIONS_QUEUE, transactions.messages());

        int backlog = settings.backlogMessages();
        PersistentWorkloads.Throughput filled = onCleanHeap(() -> workloads.fillBacklog(BACKLOG_QUEUE, backlog));
        print(provider, "(backlog sent in transactions)", filled);

        broker.stop();
        System.gc();
        long restartBegan = System.nanoTime();
        PersistentWorkloads restarted = new PersistentWorkloads(broker.start(scratch), body, batch);
        long firstReceived = restarted.receiveFirstOfBacklog(BACKLOG_QUEUE);
        figures.restartSeconds = (firstReceived - restartBegan) / 1e9;
        System.out.printf("%-8s %-34s %10.2f s to the first of %,d messages%n", provider, "restart with backlog",
                figures.restartSeconds, backlog);

        // Draining also checks the restart: every message of the backlog must come back exactly once.
        PersistentWorkloads.Throughput drained = restarted.drain(BACKLOG_QUEUE, backlog, true);
        print(provider, "drain backlog, commit every " + batch, drained);
        figures.drainRate = drained.rate();

        // The same again with one AUTO_ACKNOWLEDGE consumer, also right after a restart.
        filled = onCleanHeap(() -> restarted.fillBacklog(AUTO_BACKLOG_QUEUE, backlog));
        print(provider, "(backlog sent again)", filled);
        broker.stop();
        System.gc();
        PersistentWorkloads restartedAgain = new PersistentWorkloads(broker.start(scratch), body, batch);
        PersistentWorkloads.Throughput autoDrained = restartedAgain.drainAutoAcknowledge(AUTO_BACKLOG_QUEUE, backlog,
                true);
        print(provider, "drain backlog, AUTO_ACKNOWLEDGE", autoDrained);
        figures.autoAcknowledgeDrainRate = autoDrained.rate();
    }

    /** A scenario that returns its own timing; each starts on a clean heap, so it does not pay for the last one's garbage. */
    private interface Scenario {
        PersistentWorkloads.Throughput run() throws Exception;
    }

    private static PersistentWorkloads.Throughput onCleanHeap(Scenario scenario) throws Exception {
        System.gc();
        return scenario.run();
    }

    /** Receives what a scenario left in its queue, so the next one (and the restart) starts on an empty store. */
    private static void emptyQueue(String provider, PersistentWorkloads workloads, String queue, long messages)
            throws Exception {
        if (messages > Integer.MAX_VALUE) {
            throw new IllegalStateException("Queue '" + queue + "' holds " + messages
                    + " messages, more than one drain can count; shorten -D" + JdbcBenchmarkSettings.SEND_SECONDS);
        }
        PersistentWorkloads.Throughput drained = workloads.drain(queue, (int) messages, false);
        System.out.printf("%-8s   %-32s %,10d msgs %7.2f s %,10.0f msg/s%n", provider, "(emptied " + queue + ")",
                drained.messages(), drained.seconds(), drained.rate());
    }

    private static void print(String provider, String scenario, PersistentWorkloads.Throughput throughput) {
        System.out.printf("%-8s %-34s %,10d msgs %7.2f s %,10.0f msg/s%n", provider, scenario,
                throughput.messages(), throughput.seconds(), throughput.rate());
    }

    private static void printParameters(JdbcBenchmarkSettings settings) {
        System.out.println("== Parameters");
        System.out.printf("providers   %s%n", String.join(", ", settings.providers()));
        System.out.printf("databases   %s (PostgreSQL: %s, user %s)%n", String.join(", ", settings.databases()),
                settings.postgresUrl(), String.join(" or ", settings.postgresUsers()));
        System.out.printf("messages    PERSISTENT %,d-byte BytesMessages; consumers read every body%n",
                settings.bodyBytes());
        System.out.printf("warm-up     %d s per provider, half sync sends, half transactions, not counted%n",
                settings.warmupSeconds());
        System.out.printf("sends       %d s each: 1 producer; %d producers, one connection each; transactions of"
                + " %d%n", settings.sendSeconds(), settings.producers(), settings.batchMessages());
        System.out.printf("latency     %,d single sends from 1 producer%n", settings.latencyMessages());
        System.out.printf("backlog     %,d messages: stop, restart until the first is received, drain with one"
                + " consumer committing every %d;%n            again: fill, stop, restart, drain with one"
                + " AUTO_ACKNOWLEDGE consumer%n", settings.backlogMessages(), settings.batchMessages());
        System.out.printf("artemis     jdbc-journal-sync-period %s ms, one run each%n",
                settings.artemisSyncPeriods().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        System.out.printf("probe       %d s each: single-row INSERT + COMMIT; batches of %d rows, one COMMIT each%n",
                settings.probeSeconds(), settings.batchMessages());
        System.out.println();
    }
}
