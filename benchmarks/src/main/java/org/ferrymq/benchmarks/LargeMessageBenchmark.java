package org.ferrymq.benchmarks;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.ferrymq.api.LargeMessages;

/**
 * One large persistent BytesMessage (100 MiB by default) sent and received through streams,
 * FerryMQ beside ActiveMQ Artemis, each embedded with its store in a database of its own (an H2
 * file database, then PostgreSQL): FerryMQ's JDBC journal, Artemis's JDBC store (whose
 * large-message table takes the body). The producer gives the body as an InputStream that
 * generates it ({@code JMS_FerryMQ_InputStream}, {@code JMS_AMQ_InputStream}); the send is timed
 * until it returns (both providers then have it stored). The consumer is created, receives the
 * message, saves its body into an OutputStream that compares every byte with what was generated
 * ({@code JMS_FerryMQ_SaveStream}, {@code JMS_AMQ_SaveStream}) and acknowledges it
 * ({@code CLIENT_ACKNOWLEDGE}); the receive is timed from the consumer's creation until
 * {@code acknowledge()} returns. The benchmark never holds the body in an array.
 *
 * <p>Broker and client share a JVM when embedded, so the heap figures are the whole JVM's. To make
 * them mean something, each provider runs in a JVM of its own, started by this one with a small
 * heap ({@code -Xmx256m} by default: a body held whole once by the client and once by the broker
 * would not fit), and the heap is watched with {@link HeapWatch}, from a full collection before the
 * send, and again before the receive: the peak heap in use (garbage included, so it follows the
 * collector's sizing more than the provider) and the most still in use just after a collection (a
 * bound of the live data from above: after a young collection the old generation's garbage still
 * counts). A body held whole would show as 100 MiB in the latter. On H2 the database runs in the
 * same JVM, and its cache and buffers count too; PostgreSQL is a process of its own.
 *
 * <p>Settings are system properties {@code largebench.*} (see benchmarks/README.md).
 */
public final class LargeMessageBenchmark {

    private static final String QUEUE = "largebench";
    private static final String TRIAL = "TRIAL ";
    private static final long MIB = 1024 * 1024;
    private static final List<String> PROVIDERS = List.of("artemis", "ferrymq");
    private static final List<String> DATABASES = List.of("h2", "postgresql");
    private static final String POSTGRES_URL = "largebench.postgresql.url";
    private static final String POSTGRES_USER = "largebench.postgresql.user";
    private static final String POSTGRES_PASSWORD = "largebench.postgresql.password";
    private static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private LargeMessageBenchmark() {
    }

    public static void main(String[] args) {
        try {
            if (args.length == 3 && args[0].equals("provider")) {
                runProvider(args[1], args[2]);
            } else {
                RunEnvironment.print();
                runAll();
            }
        } catch (Exception e) {
            RunEnvironment.exitFailed(e);
        }
        // A provider may leave non-daemon threads behind; the run is over either way.
        System.exit(0);
    }

    // ---- the run: one JVM per provider and database, then the comparison

    private static void runAll() throws Exception {
        long bodyBytes = Long.getLong("largebench.mib", 100) * MIB;
        int trials = Integer.getInteger("largebench.trials", 3);
        int warmups = Integer.getInteger("largebench.warmup.trials", 1);
        List<String> jvmOptions = List.of(System.getProperty("largebench.jvm", "-Xms256m -Xmx256m -XX:+UseG1GC")
                .trim().split("\\s+"));
        List<String> providers = keys("largebench.providers", PROVIDERS);
        List<String> databases = keys("largebench.databases", DATABASES);
        System.out.printf("== One persistent BytesMessage of %,d MiB, streamed in and out%n", bodyBytes / MIB);
        System.out.printf("%d warm-up trial(s), %d measured; each provider and database in a JVM of its own: %s%n%n",
                warmups, trials, String.join(" ", jvmOptions));

        boolean ferryMqFailed = false;
        Map<String, Map<String, List<Trial>>> results = new LinkedHashMap<>();
        for (String database : databases) {
            Map<String, List<Trial>> byProvider = new LinkedHashMap<>();
            results.put(database, byProvider);
            for (String provider : providers) {
                System.out.println("-- " + provider + " on " + database);
                List<Trial> measured = fork(provider, database, jvmOptions, bodyBytes, trials, warmups);
                if (measured != null) {
                    byProvider.put(provider, measured);
                } else {
                    ferryMqFailed |= provider.equals("ferrymq");
                }
                System.out.println();
            }
        }

        System.out.printf("== Medians of %d trials of %,d MiB; heap (%s): the highest of the trials' peak in use "
                + "(garbage included) and of the heap in use after a collection (live data at most)%n", trials,
                bodyBytes / MIB, String.join(" ", jvmOptions));
        System.out.printf("%-10s %-8s %9s %9s %9s %7s %10s %10s%n", "database", "provider", "send s", "receive s",
                "total s", "MiB/s", "heap peak", "after GC");
        // "-" after GC: no collection ran during any trial's send or receive
        for (Map.Entry<String, Map<String, List<Trial>>> database : results.entrySet()) {
            for (String provider : providers) {
                List<Trial> t = database.getValue().get(provider);
                if (t == null) {
                    System.out.printf("%-10s %-8s %s%n", database.getKey(), provider, "failed");
                    continue;
                }
                double total = median(t, Trial::totalSeconds);
                double live = max(t, trial -> trial.liveBytes() / (double) MIB);
                System.out.printf("%-10s %-8s %9.2f %9.2f %9.2f %7.1f %6.0f MiB %10s%n", database.getKey(),
                        provider, median(t, Trial::sendSeconds), median(t, Trial::receiveSeconds), total,
                        bodyBytes / (double) MIB / total, max(t, trial -> trial.peakBytes() / (double) MIB),
                        live < 0 ? "-" : String.format("%.0f MiB", live));
            }
            List<Trial> ferry = database.getValue().get("ferrymq");
            List<Trial> artemis = database.getValue().get("artemis");
            if (ferry != null && artemis != null) {
                System.out.printf("%-10s FerryMQ time / Artemis time: send %.2f, receive %.2f, total %.2f%n",
                        database.getKey(),
                        median(ferry, Trial::sendSeconds) / median(artemis, Trial::sendSeconds),
                        median(ferry, Trial::receiveSeconds) / median(artemis, Trial::receiveSeconds),
                        median(ferry, Trial::totalSeconds) / median(artemis, Trial::totalSeconds));
            }
        }
        if (ferryMqFailed) {
            // Artemis failing is a finding about the reference (its JDBC large-message store on H2); FerryMQ failing is not.
            System.exit(1);
        }
    }

    private static List<String> keys(String property, List<String> known) {
        List<String> keys = new ArrayList<>();
        for (String part : System.getProperty(property, String.join(",", known)).split(",")) {
            String key = part.trim().toLowerCase(Locale.ROOT);
            if (!known.contains(key)) {
                throw new IllegalArgumentException("Unknown value '" + part + "' in " + property + "; use "
                        + String.join(", ", known));
            }
            keys.add(key);
        }
        return keys;
    }

    /** Runs {@link #runProvider} in a fresh JVM and collects its measured trials from its output; null when it failed. */
    private static List<Trial> fork(String provider, String database, List<String> jvmOptions, long bodyBytes,
                                    int trials, int warmups) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlargebench.bytes=" + bodyBytes);
        command.add("-Dlargebench.trials=" + trials);
        command.add("-Dlargebench.warmup.trials=" + warmups);
        for (String setting : List.of(POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD)) {
            command.add("-D" + setting + "=" + System.getProperty(setting, ""));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LargeMessageBenchmark.class.getName());
        command.add("provider");
        command.add(provider);
        command.add(database);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        List<Trial> measured = new ArrayList<>();
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null) {
                if (line.startsWith(TRIAL)) {
                    measured.add(Trial.parse(line.substring(TRIAL.length())));
                } else {
                    System.out.println("   " + line);
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || measured.size() != trials) {
            System.out.printf("   %s on %s FAILED (exit %d) after %d of %d measured trials; its output above says why%n",
                    provider, database, exit, measured.size(), trials);
            return null;
        }
        return measured;
    }

    /** The median of one figure of the trials (ThroughputResult's, though the figure may be seconds). */
    private static double median(List<Trial> trials, ToDoubleFunction<Trial> figure) {
        return new ThroughputResult("", "", trials.stream().map(figure::applyAsDouble).toList()).median();
    }

    /** The highest of one figure of the trials. */
    private static double max(List<Trial> trials, ToDoubleFunction<Trial> figure) {
        return new ThroughputResult("", "", trials.stream().map(figure::applyAsDouble).toList()).max();
    }

    // ---- one provider, in its own JVM

    private static void runProvider(String provider, String databaseKey) throws Exception {
        long bodyBytes = Long.getLong("largebench.bytes", 100 * MIB);
        int trials = Integer.getInteger("largebench.trials", 3);
        int warmups = Integer.getInteger("largebench.warmup.trials", 1);
        DatabaseUnderTest databases = switch (databaseKey) {
            case "h2" -> new H2FileDatabase();
            case "postgresql" -> {
                String user = System.getProperty(POSTGRES_USER, "");
                yield new PostgresDatabase(System.getProperty(POSTGRES_URL, "").isEmpty()
                        ? DEFAULT_POSTGRES_URL : System.getProperty(POSTGRES_URL),
                        user.isEmpty() ? List.of("postgres", "root") : List.of(user),
                        System.getProperty(POSTGRES_PASSWORD, ""));
            }
            default -> throw new IllegalArgumentException("Unknown database '" + databaseKey + "'");
        };
        databases.connect();
        // Named apart from the other benchmarks' scratch databases: test_large_artemis, test_large_ferrymq.
        ScratchDatabase database = databases.create("large_" + provider);
        PersistentBrokerUnderTest broker = switch (provider) {
            // Artemis's default journal sync period; the large body does not go through that journal.
            // Its chunk is the client's minLargeMessageSize: Artemis's default (100 KiB) unless
            // -Dlargebench.artemis.chunk (in largebench.jvm) sets it, to try Artemis with FerryMQ's 256 KiB.
            case "artemis" -> new EmbeddedArtemisOnJdbc(5, "vm://0?minLargeMessageSize="
                    + Integer.getInteger("largebench.artemis.chunk", 100 * 1024));
            case "ferrymq" -> new EmbeddedFerryMqOnJdbc();
            default -> throw new IllegalArgumentException("Unknown provider '" + provider + "'");
        };
        String inputStream = provider.equals("artemis") ? "JMS_AMQ_InputStream" : LargeMessages.INPUT_STREAM;
        String saveStream = provider.equals("artemis") ? "JMS_AMQ_SaveStream" : LargeMessages.SAVE_STREAM;
        try (HeapWatch heap = new HeapWatch()) {
            ConnectionFactory factory = broker.start(database);
            System.out.println(RunEnvironment.providerVersion(factory) + ", heap " + Runtime.getRuntime().maxMemory() / MIB
                    + " MiB max, " + databases.description());
            try (Connection producing = factory.createConnection(); Connection consuming = factory.createConnection()) {
                consuming.start();
                Session sender = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue queue = sender.createQueue(QUEUE);
                MessageProducer producer = sender.createProducer(queue);
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                Session receiver = consuming.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                for (int n = 1; n <= warmups + trials; n++) {
                    long baseline = heap.start();
                    long start = System.nanoTime();
                    BytesMessage out = sender.createBytesMessage();
                    out.setObjectProperty(inputStream, new GeneratedBody(bodyBytes));
                    producer.send(out);
                    long sendNanos = System.nanoTime() - start;
                    HeapWatch.Usage sendUsage = heap.stop();

                    heap.start();
                    start = System.nanoTime();
                    try (MessageConsumer consumer = receiver.createConsumer(queue)) {
                        Message in = consumer.receive(600_000);
                        if (in == null) {
                            throw new IllegalStateException("The large message did not arrive within 10 minutes");
                        }
                        CheckingSink sink = new CheckingSink();
                        in.setObjectProperty(saveStream, sink);
                        sink.checkComplete(bodyBytes);
                        in.acknowledge();
                    }
                    long receiveNanos = System.nanoTime() - start;
                    HeapWatch.Usage receiveUsage = heap.stop();

                    Trial trial = new Trial(sendNanos / 1e9, receiveNanos / 1e9, sendUsage, receiveUsage, baseline);
                    boolean warmup = n <= warmups;
                    System.out.println((warmup ? "warm-up " : "trial " + (n - warmups) + " ") + trial.describe(bodyBytes));
                    if (!warmup) {
                        System.out.println(TRIAL + trial.format());
                    }
                    System.out.flush();
                }
            }
        } finally {
            broker.stop();
            broker.deleteLocalFiles();
            databases.drop(database);
        }
    }

    /** One send and receive: their times, what each used of the heap, and the heap in use after a collection before each. */
    private record Trial(double sendSeconds, double receiveSeconds, HeapWatch.Usage send, HeapWatch.Usage receive,
                         long baselineBytes) {

        double totalSeconds() {
            return sendSeconds + receiveSeconds;
        }

        long peakBytes() {
            return Math.max(send.peakBytes(), receive.peakBytes());
        }

        long liveBytes() {
            return Math.max(send.liveBytes(), receive.liveBytes());
        }

        String format() {
            return sendSeconds + " " + receiveSeconds + " " + send.peakBytes() + " " + send.liveBytes() + " "
                    + send.collections() + " " + receive.peakBytes() + " " + receive.liveBytes() + " "
                    + receive.collections() + " " + baselineBytes;
        }

        static Trial parse(String line) {
            String[] f = line.trim().split(" ");
            return new Trial(Double.parseDouble(f[0]), Double.parseDouble(f[1]),
                    new HeapWatch.Usage(Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])),
                    new HeapWatch.Usage(Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7])),
                    Long.parseLong(f[8]));
        }

        String describe(long bodyBytes) {
            return String.format("send %.2f s, receive %.2f s, total %.2f s, %.1f MiB/s; heap in use after a full GC "
                            + "before it %.1f MiB; send: %s; receive: %s", sendSeconds, receiveSeconds, totalSeconds(),
                    bodyBytes / (double) MIB / totalSeconds(), baselineBytes / (double) MIB, describe(send),
                    describe(receive));
        }

        private static String describe(HeapWatch.Usage usage) {
            return String.format("peak %.1f MiB, ", usage.peakBytes() / (double) MIB) + (usage.collections() == 0
                    ? "no GC" : String.format("after GC at most %.1f MiB (%d GCs)", usage.liveBytes() / (double) MIB,
                    usage.collections()));
        }
    }

    /**
     * The body's bytes, a function of their position only, so that the sink can check each one
     * without a copy: every 8 bytes are a mix of their index (SplitMix64's finaliser).
     */
    static void fill(long position, byte[] buffer, int offset, int length) {
        long word = mix(position >>> 3);
        for (int i = 0; i < length; i++) {
            long p = position + i;
            if ((p & 7) == 0) {
                word = mix(p >>> 3);
            }
            buffer[offset + i] = (byte) (word >>> ((p & 7) * 8));
        }
    }

    private static long mix(long index) {
        long z = index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A body of {@code length} generated bytes, made as they are read. */
    private static final class GeneratedBody extends InputStream {

        private final long length;
        private long position;

        GeneratedBody(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (count == 0) {
                return 0;
            }
            if (position == length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            fill(position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    /** Takes the saved body and compares each byte with the generated one; keeps only a count. */
    private static final class CheckingSink extends OutputStream {

        private byte[] expected = new byte[64 * 1024];
        private long position;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int count) throws IOException {
            if (expected.length < count) {
                expected = new byte[count];
            }
            fill(position, expected, 0, count);
            int mismatch = Arrays.mismatch(buffer, offset, offset + count, expected, 0, count);
            if (mismatch >= 0) {
                throw new IOException("The received body differs from the sent one at byte " + (position + mismatch));
            }
            position += count;
        }

        void checkComplete(long length) {
            if (position != length) {
                throw new IllegalStateException("The received body has " + position + " bytes; " + length + " were sent");
            }
        }
    }
}
