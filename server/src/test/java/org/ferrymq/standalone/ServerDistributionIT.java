package org.ferrymq.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator gets it: {@code ferrymq-VERSION.tar.gz} unpacked, started and
 * stopped with {@code bin/ferrymq}, reached by a client over {@code tcp://}. Runs after
 * {@code package} built the archive (failsafe).
 */
class ServerDistributionIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path unpacked;

    private Path home;
    private int port;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void unpack() throws Exception {
        String archive = System.getProperty("ferrymq.distribution");
        assertNotNull(archive, "the build passes the archive's path as ferrymq.distribution");
        assertEquals(0, run(unpacked, "tar", "xzf", archive).exitValue, "tar could not unpack " + archive);
        try (var entries = Files.list(unpacked)) {
            home = entries.filter(p -> p.getFileName().toString().startsWith("ferrymq-")).findFirst().orElseThrow();
        }
        for (String part : List.of("bin/ferrymq", "etc/broker.properties", "etc/logback.xml", "log")) {
            assertTrue(Files.exists(home.resolve(part)), "the distribution has no " + part);
        }
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.writeString(home.resolve("etc/broker.properties"), "\nlisten=tcp://127.0.0.1:" + port + "\n",
                StandardOpenOption.APPEND);
    }

    @AfterEach
    void stopWhatWeStarted() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Path pid = home == null ? null : home.resolve("log/ferrymq.pid");
        if (pid != null && Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void startedAndStoppedWithTheScriptItKeepsPersistentMessagesAcrossTheRestart() throws Exception {
        Result start = run(home, "bin/ferrymq", "start");
        assertEquals(0, start.exitValue, "bin/ferrymq start: " + start.output);
        awaitListening();
        try (JMSContext context = factory().createContext()) {
            Queue orders = context.createQueue("orders");
            for (int i = 1; i <= 3; i++) {
                context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(orders, "order " + i);
            }
            assertEquals("order 1", context.createConsumer(orders).receiveBody(String.class, 10_000));
        }

        Result stop = run(home, "bin/ferrymq", "stop");
        assertEquals(0, stop.exitValue, "bin/ferrymq stop: " + stop.output);
        assertTrue(stop.output.contains("FerryMQ stopped"), stop.output);
        assertTrue(!Files.exists(home.resolve("log/ferrymq.pid")), "the pid file outlived the server");
        String log = Files.readString(home.resolve("log/ferrymq.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("started: broker 'ferrymq', listening on tcp://127.0.0.1:" + port + " (plain TCP), "
                + "journal H2 file " + home.resolve("data/ferrymq.mv.db")), log);
        assertTrue(log.contains("FerryMQ stopped: broker 'ferrymq'"), log);
        // a clean stop settles its journal writes and releases the lease before the database closes
        assertFalse(log.contains(" WARN ") || log.contains(" ERROR "), log);

        // The second start runs in the foreground; SIGTERM stops it as cleanly as bin/ferrymq stop.
        Process foreground = runInForeground();
        try (JMSContext context = factory().createContext()) {
            Queue orders = context.createQueue("orders");
            var consumer = context.createConsumer(orders);
            assertEquals("order 2", consumer.receiveBody(String.class, 10_000));
            assertEquals("order 3", consumer.receiveBody(String.class, 10_000));
            assertNull(consumer.receiveBody(String.class, 200), "a message came twice");
        }
        String out = stopWithSigterm(foreground);
        assertFalse(out.contains(" WARN ") || out.contains(" ERROR "), out);
    }

    @Test
    void aServerOnAnH2JournalUrlOfItsOwnStopsCleanlyOnSigterm() throws Exception {
        Path journal = home.resolve("data/own-journal");
        Files.writeString(home.resolve("etc/broker.properties"), "\njournalUrl=jdbc:h2:file:" + journal
                + ";WRITE_DELAY=0\n", StandardOpenOption.APPEND);
        Process foreground = runInForeground();
        try (JMSContext context = factory().createContext()) {
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(context.createQueue("orders"), "kept");
        }
        String out = stopWithSigterm(foreground); // its shutdown hook stops the broker, which closes the database
        assertTrue(Files.exists(home.resolve("data/own-journal.mv.db")), "the journal is not where its URL says");
        // H2's own shutdown hook must not close the database under the stopping broker
        assertFalse(out.contains(" WARN ") || out.contains(" ERROR "), out);
    }

    @Test
    void aMistakeInTheSettingsStopsTheStartWithItsName() throws Exception {
        Files.writeString(home.resolve("etc/broker.properties"), "\nmaxDeliveryAttemps=3\n", StandardOpenOption.APPEND);
        Result run = run(home, "bin/ferrymq", "run");
        assertEquals(FerryServer.CANNOT_START, run.exitValue, run.output);
        assertTrue(run.output.contains("Unknown setting 'maxDeliveryAttemps'"), run.output);
    }

    /** Starts {@code bin/ferrymq run} (the foreground start), output to log/foreground.out, and waits until it listens. */
    private Process runInForeground() throws Exception {
        Process foreground = new ProcessBuilder(home.resolve("bin/ferrymq").toString(), "run")
                .directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("log/foreground.out").toFile()).start();
        started.add(foreground);
        awaitListening();
        return foreground;
    }

    /** Stops a foreground server with SIGTERM; answers its output, which says it stopped. */
    private String stopWithSigterm(Process foreground) throws Exception {
        foreground.destroy(); // SIGTERM
        assertTrue(foreground.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the server did not stop on SIGTERM");
        String out = Files.readString(home.resolve("log/foreground.out"), StandardCharsets.UTF_8);
        assertTrue(out.contains("FerryMQ stopped: broker 'ferrymq'"), out);
        return out;
    }

    private FerryConnectionFactory factory() {
        return new FerryConnectionFactory("tcp://127.0.0.1:" + port);
    }

    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try (JMSContext context = factory().createContext()) {
                context.createQueue("probe");
                return;
            } catch (JMSRuntimeException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        fail("the server did not take a connection on port " + port + " within " + DEADLINE, last);
    }

    private record Result(int exitValue, String output) {
    }

    private static Result run(Path directory, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + DEADLINE + ": " + output);
        }
        return new Result(p.exitValue(), output);
    }

}
