package org.ferrymq.appserver;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ferrymq.client.FerryConnectionFactory;

/**
 * A FerryMQ standalone server as an operator runs one: the distribution the server module
 * built ({@code ferrymq-VERSION.tar.gz}, system property {@code ferrymq.distribution}) unpacked
 * into a directory of its own, listening on a free port of 127.0.0.1, run in the foreground
 * with {@code bin/ferrymq run}. {@link #kill} is {@code kill -9}; {@link #start} after it runs
 * the same installation again, on the same port and journal ({@code data/}).
 */
public final class StandaloneServer implements AutoCloseable {

    private static final Duration START_WAIT = Duration.ofSeconds(90);

    private final Path home;
    private final int port;
    private Process process;
    private int starts;

    private StandaloneServer(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    /** A port of 127.0.0.1 that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** Unpacks the built distribution afresh into {@code directory}, to listen on {@code port}; starts nothing. */
    public static StandaloneServer unpack(Path where, int port) throws IOException, InterruptedException {
        Path directory = where.toAbsolutePath();
        String archive = System.getProperty("ferrymq.distribution");
        if (archive == null || !Files.isRegularFile(Path.of(archive))) {
            throw new IllegalStateException("No FerryMQ distribution at '" + archive + "' (system property "
                    + "ferrymq.distribution): build the server module first (package), e.g. with -am");
        }
        delete(directory);
        Files.createDirectories(directory);
        Process tar = new ProcessBuilder("tar", "xzf", archive, "-C", directory.toString()).inheritIO().start();
        if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new IllegalStateException("tar could not unpack " + archive + " into " + directory);
        }
        Path home;
        try (Stream<Path> entries = Files.list(directory)) {
            home = entries.filter(p -> p.getFileName().toString().startsWith("ferrymq-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(archive + " holds no ferrymq-VERSION directory"));
        }
        Files.writeString(home.resolve("etc/broker.properties"), "\nlisten=tcp://127.0.0.1:" + port + "\n",
                StandardOpenOption.APPEND);
        return new StandaloneServer(home, port);
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public Path home() {
        return home;
    }

    /** Runs {@code bin/ferrymq run} and returns once the server takes connections. */
    public void start() throws IOException, InterruptedException {
        starts++;
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/ferrymq").toString(), "run")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("log/run-" + starts + ".out").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", "-Xmx256m");
        process = builder.start();
        awaitListening();
    }

    /** SIGKILL, as {@code kill -9}: no clean shutdown, the journal as the crash left it. */
    public void kill() throws InterruptedException {
        ProcessHandle server = process.toHandle(); // bin/ferrymq execs java: this is the broker's JVM
        server.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("FerryMQ server (pid " + server.pid() + ") still runs 30 s after SIGKILL");
        }
    }

    private void awaitListening() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        FerryConnectionFactory factory = new FerryConnectionFactory(url());
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The FerryMQ server exited with " + process.exitValue() + ": "
                        + Files.readString(home.resolve("log/run-" + starts + ".out")));
            }
            try (JMSContext context = factory.createContext()) {
                return;
            } catch (JMSRuntimeException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("The FerryMQ server did not take a connection on " + url() + " within "
                + START_WAIT.toSeconds() + " s", last);
    }

    /** Kills the server if it still runs (a test that failed half-way). */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
