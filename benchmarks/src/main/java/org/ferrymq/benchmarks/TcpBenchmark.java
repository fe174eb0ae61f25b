package org.ferrymq.benchmarks;

import jakarta.jms.ConnectionFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;

/**
 * FerryMQ against ActiveMQ Artemis over TCP on localhost, each broker in a server process of its
 * own ({@link TcpBenchmarkServer}) and the clients in this JVM, beside FerryMQ's own in-VM figures
 * as the yardstick for what the network costs it:
 * <ul>
 *   <li>non-persistent messages, 1 producer and 1 consumer (the {@code -Pbench} workload);</li>
 *   <li>on each configured database (an H2 file, PostgreSQL), with each broker's JDBC store in
 *       an empty database of its own: synchronous persistent sends from 1 producer (msg/s, and
 *       p50/p99 of single sends), from N producers, and transactions of 100 (the
 *       {@code -Pjdbc-bench} workloads); FerryMQ in-VM measures the single-send latency on the
 *       same database.</li>
 * </ul>
 * The run ends with the table and the targets of issue 13. Settings are system properties; see
 * {@link TcpBenchmarkSettings} and benchmarks/README.md.
 */
public final class TcpBenchmark {

    private static final String WARMUP_QUEUE = "tcpbench.warmup";
    private static final String SENDS_QUEUE = "tcpbench.sends";
    private static final String LATENCY_QUEUE = "tcpbench.latency";
    private static final String TRANSACTIONS_QUEUE = "tcpbench.transactions";

    private static final String ARTEMIS = "artemis";
    private static final String FERRYMQ = "ferrymq";
    private static final String FERRYMQ_IN_VM = "ferrymq-vm";
    /**
     * FerryMQ in this JVM: for non-persistent messages with the in-memory journal, as the TCP
     * server has it; on a database as -Pjdbc-bench runs it. The TCP servers run in other JVMs.
     */
    private static final String IN_VM_BROKER = "tcpbench";
    private static final EmbeddedFerryMqOnJdbc IN_VM_ON_JDBC = new EmbeddedFerryMqOnJdbc();

    private static final List<String> DATABASES = List.of("h2", "postgresql");

    /** What one party (Artemis over TCP, FerryMQ over TCP, FerryMQ in-VM) measured. */
    static final class Party {
        final String key;
        String version;
        ThroughputResult nonPersistent;
        /** By database key; each holds the persistent figures measured on it. */
        final Map<String, ProviderFigures> persistent = new LinkedHashMap<>();
        final List<String> failures = new ArrayList<>();

        Party(String key) {
            this.key = key;
        }
    }

    private TcpBenchmark() {
    }

    public static void main(String[] args) {
        TcpBenchmarkSettings settings;
        try {
            settings = TcpBenchmarkSettings.fromSystemProperties(Set.of(ARTEMIS, FERRYMQ, FERRYMQ_IN_VM),
                    Set.copyOf(DATABASES));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        RunEnvironment.print();
        printParameters(settings);
        byte[] body = new byte[settings.bodyBytes()];
        new Random(42).nextBytes(body);
        Map<String, Party> parties = new LinkedHashMap<>();
        for (String key : settings.parties()) {
            parties.put(key, new Party(key));
        }
        List<String> databasesRun = new ArrayList<>();
        try {
            System.out.println("== Non-persistent, 1 producer, 1 consumer");
            for (Party party : parties.values()) {
                nonPersistent(party, settings, body);
            }
            System.out.println();
            for (String key : settings.databases()) {
                DatabaseUnderTest database = database(key, settings);
                System.out.println("== Persistent, on " + key);
                try {
                    database.connect();
                } catch (DatabaseUnderTest.DatabaseUnavailableException e) {
                    System.out.println(key + " skipped: " + e.getMessage());
                    System.out.println();
                    continue;
                }
                System.out.println(database.description());
                databasesRun.add(key);
                for (Party party : parties.values()) {
                    persistent(party, database, settings, body);
                }
                System.out.println();
            }
        } catch (Exception e) {
            RunEnvironment.exitFailed(e);
        }
        TcpReport report = new TcpReport(parties, databasesRun, settings);
        report.print();
        boolean everythingRan = parties.values().stream().allMatch(party -> party.failures.isEmpty());
        // A provider may leave non-daemon threads behind; the benchmark is over either way.
        System.exit(everythingRan ? 0 : 1);
    }

    private static DatabaseUnderTest database(String key, TcpBenchmarkSettings settings) {
        return switch (key) {
            case "h2" -> new H2FileDatabase();
            case "postgresql" -> new PostgresDatabase(settings.postgresUrl(), settings.postgresUsers(),
                    settings.postgresPassword());
            default -> throw new IllegalArgumentException("Unknown database '" + key + "'; use one of " + DATABASES);
        };
    }

    /** The -Pbench workload against one party: warm-up, then the measured trials. */
    private static void nonPersistent(Party party, TcpBenchmarkSettings settings, byte[] body) {
        BenchmarkSettings trials = new BenchmarkSettings(List.of(party.key), settings.warmupTrials(),
                settings.warmupSeconds(), settings.warmupMessages(), settings.trials(), settings.messages(),
                settings.bodyBytes());
        ServerProcess server = null;
        try {
            ConnectionFactory factory;
            if (party.key.equals(FERRYMQ_IN_VM)) {
                factory = new FerryConnectionFactory("vm://" + IN_VM_BROKER + "?journal=memory");
            } else {
                server = ServerProcess.start(settings.serverJvmOptions(), List.of(party.key, "memory"));
                factory = factory(party.key, server.port());
            }
            party.version = RunEnvironment.providerVersion(factory);
            System.out.printf("%-10s %s%s%n", party.key, party.version,
                    server == null ? ", broker in this JVM" : ", server process " + server.pid());
            ThroughputBenchmark.warmUp(party.key, factory, trials, body);
            List<Double> measured = new ArrayList<>();
            for (int i = 1; i <= settings.trials(); i++) {
                measured.add(ThroughputBenchmark.runTrial(party.key, "trial", i, settings.trials(), factory,
                        settings.messages(), body));
            }
            party.nonPersistent = new ThroughputResult(party.key, party.version, measured);
            closeFactory(factory);
        } catch (Exception e) {
            failed(party, "non-persistent", e);
        } finally {
            stop(party, server);
        }
    }

    /** The persistent workloads against one party, with its store in an empty database of its own. */
    private static void persistent(Party party, DatabaseUnderTest database, TcpBenchmarkSettings settings,
                                   byte[] body) {
        ProviderFigures figures = new ProviderFigures(party.key, party.key);
        party.persistent.put(database.key(), figures);
        ScratchDatabase scratch = null;
        ServerProcess server = null;
        try {
            // "tcp_" keeps these apart from the JDBC benchmark's scratch databases.
            scratch = database.create("tcp_" + party.key.replace('-', '_'));
            ConnectionFactory factory;
            if (party.key.equals(FERRYMQ_IN_VM)) {
                factory = IN_VM_ON_JDBC.start(scratch);
            } else {
                server = ServerProcess.start(settings.serverJvmOptions(), List.of(party.key, "jdbc", scratch.url(),
                        scratch.user(), scratch.password(), scratch.driverClassName(),
                        Integer.toString(settings.artemisSyncPeriod())));
                factory = factory(party.key, server.port());
            }
            figures.version = RunEnvironment.providerVersion(factory);
            System.out.printf("%-10s %s, store in %s%n", party.key, figures.version, scratch.name());
            runScenarios(party.key, factory, settings, body, figures);
            closeFactory(factory);
        } catch (Exception e) {
            figures.failed(e);
            failed(party, "persistent on " + database.key(), e);
        } finally {
            if (party.key.equals(FERRYMQ_IN_VM)) {
                IN_VM_ON_JDBC.stop();
            }
            stop(party, server);
            try {
                if (scratch != null) {
                    database.drop(scratch);
                }
            } catch (Exception e) {
                failed(party, "left its database behind", e);
            }
        }
    }

    private static void runScenarios(String party, ConnectionFactory factory, TcpBenchmarkSettings settings,
                                     byte[] body, ProviderFigures figures) throws Exception {
        int batch = settings.batchMessages();
        PersistentWorkloads workloads = new PersistentWorkloads(factory, body, batch);
        if (settings.persistentWarmupSeconds() > 0) {
            // Untimed: the JIT compiles the send and commit paths of client, broker and JDBC driver.
            double half = settings.persistentWarmupSeconds() / 2.0;
            long sent = workloads.timedSends(WARMUP_QUEUE, 1, half, false).messages();
            empty(workloads, WARMUP_QUEUE, sent);
            sent = workloads.timedSends(WARMUP_QUEUE, 1, half, true).messages();
            empty(workloads, WARMUP_QUEUE, sent);
        }

        System.gc();
        LatencySamples latencies = workloads.sendLatencies(LATENCY_QUEUE, settings.latencyMessages());
        figures.latencyP50Millis = latencies.percentileMillis(50);
        figures.latencyP99Millis = latencies.percentileMillis(99);
        System.out.printf("%-10s %-28s %,10d msgs   p50 %.3f ms, p99 %.3f ms%n", party, "send latency, 1 producer",
                latencies.count(), figures.latencyP50Millis, figures.latencyP99Millis);
        empty(workloads, LATENCY_QUEUE, latencies.count());
        if (party.equals(FERRYMQ_IN_VM)) {
            return; // the in-VM yardstick of the latency target; the rates are compared between TCP servers
        }

        System.gc();
        PersistentWorkloads.Throughput one = workloads.timedSends(SENDS_QUEUE, 1, settings.sendSeconds(), false);
        print(party, "1 producer, sync sends", one);
        figures.oneProducerRate = one.rate();
        empty(workloads, SENDS_QUEUE, one.messages());

        System.gc();
        PersistentWorkloads.Throughput many = workloads.timedSends(SENDS_QUEUE, settings.producers(),
                settings.sendSeconds(), false);
        print(party, settings.producers() + " producers, sync sends", many);
        figures.manyProducersRate = many.rate();
        empty(workloads, SENDS_QUEUE, many.messages());

        System.gc();
        PersistentWorkloads.Throughput transactions = workloads.timedSends(TRANSACTIONS_QUEUE, 1,
                settings.sendSeconds(), true);
        print(party, "transactions of " + batch, transactions);
        figures.transactionRate = transactions.rate();
        empty(workloads, TRANSACTIONS_QUEUE, transactions.messages());
    }

    /** Receives what a scenario left in its queue (untimed), so the next one starts on an empty store. */
    private static void empty(PersistentWorkloads workloads, String queue, long messages) throws Exception {
        workloads.drain(queue, Math.toIntExact(messages), false);
    }

    private static void print(String party, String scenario, PersistentWorkloads.Throughput throughput) {
        System.out.printf("%-10s %-28s %,10d msgs %7.2f s %,10.0f msg/s%n", party, scenario,
                throughput.messages(), throughput.seconds(), throughput.rate());
    }

    /** Each provider's client with its defaults, connecting to the server process on this host. */
    private static ConnectionFactory factory(String provider, int port) {
        String url = "tcp://127.0.0.1:" + port;
        return provider.equals(ARTEMIS) ? new ActiveMQConnectionFactory(url) : new FerryConnectionFactory(url);
    }

    private static void closeFactory(ConnectionFactory factory) {
        if (factory instanceof ActiveMQConnectionFactory artemis) {
            artemis.close();
        }
    }

    private static void stop(Party party, ServerProcess server) {
        if (server == null) {
            if (party.key.equals(FERRYMQ_IN_VM)) {
                EmbeddedBroker.stop(IN_VM_BROKER);
            }
            return;
        }
        try {
            server.close();
        } catch (Exception e) {
            failed(party, "server did not stop cleanly", e);
        }
    }

    private static void failed(Party party, String what, Exception e) {
        party.failures.add(what + ": " + e);
        System.out.flush();
        System.err.println(party.key + " " + what + " failed: " + e);
        e.printStackTrace();
    }

    private static void printParameters(TcpBenchmarkSettings settings) {
        System.out.println("== Parameters");
        System.out.printf("parties     %s%n", String.join(", ", settings.parties()));
        System.out.printf("servers     one JVM per provider and store (%s), listening on 127.0.0.1;"
                + " clients in this JVM%n", String.join(" ", settings.serverJvmOptions()));
        System.out.printf("messages    %,d-byte BytesMessages; consumers read every body%n", settings.bodyBytes());
        System.out.printf("non-pers.   1 producer, 1 consumer, AUTO_ACKNOWLEDGE: warm-up %d x %,d messages (at least"
                + " %d s), then %d x %,d, median%n", settings.warmupTrials(), settings.warmupMessages(),
                settings.warmupSeconds(), settings.trials(), settings.messages());
        System.out.printf("databases   %s (PostgreSQL: %s, user %s)%n", String.join(", ", settings.databases()),
                settings.postgresUrl(), String.join(" or ", settings.postgresUsers()));
        System.out.printf("persistent  warm-up %d s; %,d single sends timed; %d s each: 1 producer, %d producers,"
                + " transactions of %d%n", settings.persistentWarmupSeconds(), settings.latencyMessages(),
                settings.sendSeconds(), settings.producers(), settings.batchMessages());
        System.out.printf("artemis     Netty acceptor, CORE protocol, JDBC store with jdbc-journal-sync-period %d ms%n",
                settings.artemisSyncPeriod());
        System.out.println();
    }
}
