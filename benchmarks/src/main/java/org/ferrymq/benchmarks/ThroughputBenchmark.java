package org.ferrymq.benchmarks;

import jakarta.jms.ConnectionFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Point-to-point throughput of FerryMQ beside ActiveMQ Artemis, each embedded in this JVM:
 * one producer thread, one consumer thread, one queue, non-persistent BytesMessages,
 * AUTO_ACKNOWLEDGE. Each provider runs its warm-up trials, then its measured trials, then
 * is stopped before the next one starts; the table reports the median and the spread.
 *
 * <p>Settings are system properties; see {@link BenchmarkSettings} and benchmarks/README.md.
 */
public final class ThroughputBenchmark {

    private static final String QUEUE = "bench.throughput";

    /** The providers by their -Dbench.providers key, in the order the help text lists them. */
    private static final Map<String, Supplier<BrokerUnderTest>> BROKERS = new LinkedHashMap<>();

    static {
        BROKERS.put("artemis", EmbeddedArtemis::new);
        BROKERS.put("ferrymq", EmbeddedFerryMq::new);
    }

    private ThroughputBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkSettings settings;
        try {
            settings = BenchmarkSettings.fromSystemProperties(BROKERS.keySet());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        RunEnvironment.print();
        printParameters(settings);
        try {
            List<ThroughputResult> results = new ArrayList<>();
            for (String key : settings.providers()) {
                results.add(measure(BROKERS.get(key).get(), settings));
            }
            printTable(results);
        } catch (Exception e) {
            RunEnvironment.exitFailed(e);
        }
        // A provider may leave non-daemon threads behind; the benchmark is over either way.
        System.exit(0);
    }

    private static ThroughputResult measure(BrokerUnderTest broker, BenchmarkSettings settings) throws Exception {
        byte[] body = new byte[settings.bodyBytes()];
        new Random(42).nextBytes(body);
        try {
            ConnectionFactory factory = broker.start();
            String version = RunEnvironment.providerVersion(factory);
            warmUp(broker.key(), factory, settings, body);
            List<Double> measured = new ArrayList<>();
            for (int i = 1; i <= settings.trials(); i++) {
                measured.add(runTrial(broker.key(), "trial", i, settings.trials(), factory, settings.messages(), body));
            }
            return new ThroughputResult(broker.key(), version, measured);
        } finally {
            broker.stop();
        }
    }

    /**
     * Runs the warm-up trials, and more until the warm-up has lasted its minimum time: the JIT
     * compiles by invocation counts but finishes in wall-clock time, so a fast provider is not
     * warm after the same number of messages as a slow one.
     */
    static void warmUp(String provider, ConnectionFactory factory, BenchmarkSettings settings, byte[] body)
            throws Exception {
        long started = System.nanoTime();
        long minimum = settings.warmupSeconds() * 1_000_000_000L;
        int extra = 0;
        double lastRate = 0;
        for (int i = 1; i <= settings.warmupTrials() || System.nanoTime() - started < minimum; i++) {
            if (i <= settings.warmupTrials()) {
                runTrial(provider, "warm-up", i, settings.warmupTrials(), factory, settings.warmupMessages(), body);
            } else {
                lastRate = runTrial(factory, settings.warmupMessages(), body).rate();
                extra++;
            }
        }
        if (extra > 0) {
            System.out.printf("%-8s warm-up +%d trials to reach %d s, the last at %,.0f msg/s%n",
                    provider, extra, settings.warmupSeconds(), lastRate);
        }
    }

    static double runTrial(String provider, String kind, int index, int count, ConnectionFactory factory,
                                   int messages, byte[] body) throws Exception {
        TrialFigures figures = runTrial(factory, messages, body);
        // The send time shows which side limits the rate: a producer far ahead of the consumer left a backlog.
        System.out.printf("%-8s %-7s %d/%d  %,11d msgs  %7.3f s  %,11.0f msg/s  (sends done at %.3f s)%n",
                provider, kind, index, count, messages, figures.seconds(), figures.rate(), figures.sendingSeconds());
        return figures.rate();
    }

    private record TrialFigures(double seconds, double sendingSeconds, double rate) {
    }

    private static TrialFigures runTrial(ConnectionFactory factory, int messages, byte[] body) throws Exception {
        // Start each trial with a clean heap, so that one trial does not pay for the last one's garbage.
        System.gc();
        ProducerConsumerTrial.Timing timing = new ProducerConsumerTrial(factory, QUEUE, messages, body).run();
        double seconds = timing.elapsedNanos() / 1e9;
        return new TrialFigures(seconds, timing.sendingNanos() / 1e9, messages / seconds);
    }

    private static void printParameters(BenchmarkSettings settings) {
        System.out.println("== Parameters");
        System.out.printf("providers   %s%n", String.join(", ", settings.providers()));
        System.out.printf("workload    1 producer thread, 1 consumer thread, queue '%s', %,d-byte BytesMessage,%n",
                QUEUE, settings.bodyBytes());
        System.out.println("            NON_PERSISTENT, AUTO_ACKNOWLEDGE, one connection per thread");
        System.out.printf("warm-up     %d x %,d messages per provider, more until it has lasted %d s%n",
                settings.warmupTrials(), settings.warmupMessages(), settings.warmupSeconds());
        System.out.printf("measured    %d x %,d messages per provider (time from first send to last receive)%n",
                settings.trials(), settings.messages());
        System.out.println();
    }

    private static void printTable(List<ThroughputResult> results) {
        System.out.println();
        System.out.println("== Throughput (msg/s)");
        int versionWidth = Math.max("version".length(),
                results.stream().mapToInt(r -> r.version().length()).max().orElse(0));
        String row = "%-9s %-" + versionWidth + "s  %12s  %12s  %12s  %6s%n";
        System.out.printf(row, "provider", "version", "median", "min", "max", "trials");
        for (ThroughputResult r : results) {
            System.out.printf(row, r.provider(), r.version(), format(r.median()), format(r.min()), format(r.max()),
                    r.messagesPerSecond().size());
        }
        ThroughputResult ferry = find(results, "ferrymq");
        ThroughputResult artemis = find(results, "artemis");
        if (ferry != null && artemis != null) {
            System.out.printf("%nratio FerryMQ/Artemis (medians): %.2f%n", ferry.median() / artemis.median());
        }
    }

    private static ThroughputResult find(List<ThroughputResult> results, String provider) {
        return results.stream().filter(r -> r.provider().equals(provider)).findFirst().orElse(null);
    }

    private static String format(double messagesPerSecond) {
        return String.format("%,.0f", messagesPerSecond);
    }
}
