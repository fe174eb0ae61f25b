package org.ferrymq.journal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.ferrymq.journal.JournalDatabase;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety over the network: the broker runs in a JVM of its own ({@link CrashServer}, TCP
 * on a fixed port), the load ({@link CrashLoad}) in a producer JVM and a consumer JVM connected
 * through a failover URL. The broker JVM is killed with {@code kill -9} under load and started
 * again on the same port and journal, {@code crash.kills} times (default 20); the client JVMs
 * are never restarted: after every restart each of their five roles must carry on by itself.
 * Then the clients are killed, the queue drained, the broker restarted and drained again (empty).
 * {@link CrashHistory} judges the logs as for the in-VM crash test, each broker kill ending an
 * epoch within the clients' run: the test writes {@code SERVER-KILLED k} once the broker JVM is
 * gone, timed by {@link System#nanoTime()} like the clients' lines (on Linux the same monotonic
 * clock in every process). Runs in the {@code crash} profile
 * ({@code ./mvnw -pl provider-impl -am verify -Pcrash -Dit.test=TcpCrashRecoveryIT}).
 */
class TcpCrashRecoveryIT {

    private static final int KILLS = Integer.getInteger("crash.kills", 20);
    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
    private static final int HEARTBEAT_MILLIS = 1000;
    /** Reconnecting for longer than a broker restart takes (a JVM start and a journal recovery). */
    private static final String FAILOVER = "heartbeat=" + HEARTBEAT_MILLIS
            + "&reconnectAttempts=600&reconnectDelay=100&maxReconnectDelay=1000";
    private static final long PROGRESS_SECONDS = 120;
    /** Per role, the log lines that show it got a call through. */
    private static final Map<String, List<String>> PROGRESS = Map.of(
            "sync-producer", List.of(" SENT "),
            "tx-producer", List.of(" COMMITTED ", " ROLLED-BACK "),
            "auto-ack-consumer", List.of(" RECEIVED "),
            "client-ack-consumer", List.of(" ACKED ", " RECOVERED "),
            "tx-consumer", List.of(" COMMITTED ", " ROLLED-BACK "));

    private final List<ChildJvm> started = new ArrayList<>();

    static Stream<JournalDatabase> databases() {
        return JournalDatabase.all();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void killedServersLoseNothingDuplicateNothingAndFlagEveryRedeliveryToClientsThatFailOver(JournalDatabase database,
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path logs) throws Exception {
        assumeTrue(database.enabled(), database.whyDisabled());
        JournalDatabase db = database.emptied();
        int port = freePort();
        // no dead-letter queue: a message given back any number of times must come again here
        List<String> settings = List.of("journalUrl=" + db.jdbcUrl(), "journalUser=" + db.user(),
                "journalPassword=" + db.password(), "maxDeliveryAttempts=0");
        String url = "tcp://127.0.0.1:" + port + "?" + FAILOVER;
        Random random = new Random(SEED);
        System.out.printf("CRASH tcp %s: %d kills, seed %d (-Dcrash.seed to repeat), %s%n", db.name(), KILLS, SEED,
                url);
        long begun = System.nanoTime();
        CrashLoad.EventLog kills = new CrashLoad.EventLog(logs.resolve("run1-server.log"));
        try {
            ChildJvm server = startServer(logs, 0, port, settings);
            ChildJvm producers = start(CrashLoad.class, logs.resolve("producers-stdout.txt"), url, logs.toString(), "1",
                    "producers");
            ChildJvm consumers = start(CrashLoad.class, logs.resolve("consumers-stdout.txt"), url, logs.toString(), "1",
                    "consumers");
            producers.awaitLine("READY");
            consumers.awaitLine("READY");
            Map<String, Long> seen = new HashMap<>();
            for (int kill = 1; kill <= KILLS; kill++) {
                awaitProgress(logs, seen, kill - 1, producers, consumers);
                Thread.sleep(300 + random.nextInt(1700));
                server.kill(); // fails if it stopped by itself
                kills.write("SERVER-KILLED " + kill);
                server = startServer(logs, kill, port, settings);
            }
            awaitProgress(logs, seen, KILLS, producers, consumers);
            Thread.sleep(300 + random.nextInt(1700));
            producers.kill();
            consumers.kill();
            for (ChildJvm client : List.of(producers, consumers)) {
                if (client.lines().stream().anyMatch(line -> line.startsWith("ROLE FAILED"))) {
                    throw new AssertionError("a role of the load failed; " + client.lastOutput());
                }
            }
            int drained = drain(url, logs, 2);
            server.kill();
            server = startServer(logs, KILLS + 1, port, settings);
            // a restart after the drain: nothing acknowledged comes back, nothing is left
            assertEquals(0, drain(url, logs, 3), "messages left after the drain, or acknowledged by it, "
                    + "came after a restart; see " + logs);
            server.kill();
            long seconds = (System.nanoTime() - begun) / 1_000_000_000;

            CrashHistory history = CrashHistory.read(logs, 3);
            System.out.printf("CRASH tcp %s: %d kills in %d s: %s%n", db.name(), KILLS, seconds, history.summary());
            System.out.printf("CRASH tcp %s: calls that failed over a kill, by role, call and exception: %s%n",
                    db.name(), history.failures());
            assertEquals(List.of(), history.violations(), "broken guarantees; the logs are in " + logs);
            assertEquals(KILLS, history.serverKills());
            assertTrue(history.sendsReturned() > KILLS * 10, "the load hardly ran: " + history.summary());
            for (String role : PROGRESS.keySet()) {
                assertTrue(history.progress().getOrDefault(role, 0) > 0, role + " never saw a send or "
                        + "acknowledgement of its own return: " + history.progress());
            }
            assertTrue(history.inFlightAtKills() > 0, "no kill hit a received, unacknowledged message, so nothing "
                    + "was proven about work in flight: " + history.summary());
            assertTrue(history.redeliveredAfterKill() > 0, "nothing came again after a kill: " + history.summary());
            assertTrue(history.redeliveredAfterGiveBack() > 0, "nothing given back by rollback or recover came "
                    + "again: " + history.summary());
            assertEquals(history.received(), history.acknowledged(), "every message that arrived is acknowledged "
                    + "in the end: " + history.summary());
            assertEquals(drained, history.progress().getOrDefault("drain", 0), "the drain printed one count and "
                    + "logged another");
        } finally {
            for (ChildJvm child : started) {
                ProcessHandle.of(child.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private ChildJvm startServer(Path logs, int restart, int port, List<String> settings) throws Exception {
        List<String> args = new ArrayList<>(List.of(String.valueOf(port), String.valueOf(HEARTBEAT_MILLIS)));
        args.addAll(settings);
        ChildJvm server = start(CrashServer.class, logs.resolve("server" + restart + "-stdout.txt"),
                args.toArray(String[]::new));
        server.awaitLine("LISTENING", java.time.Duration.ofMinutes(2));
        return server;
    }

    /**
     * Waits until every role of the clients logged a call that returned since the last look:
     * the clients got through to the broker started after kill {@code kill} by themselves.
     */
    private static void awaitProgress(Path logs, Map<String, Long> seen, int kill, ChildJvm... clients)
            throws Exception {
        long deadline = System.nanoTime() + PROGRESS_SECONDS * 1_000_000_000L;
        List<String> waiting = new ArrayList<>(PROGRESS.keySet());
        while (!waiting.isEmpty()) {
            for (ChildJvm client : clients) {
                if (!ProcessHandle.of(client.pid()).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new AssertionError("a client JVM stopped after broker kill " + kill + "; "
                            + client.lastOutput());
                }
            }
            waiting.removeIf(role -> progressed(logs.resolve("run1-" + role + ".log"), seen, PROGRESS.get(role)));
            if (waiting.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder outputs = new StringBuilder();
                for (ChildJvm client : clients) {
                    outputs.append('\n').append(client.lastOutput());
                }
                throw new AssertionError("after broker kill " + kill + " and its restart, " + waiting + " got no call "
                        + "through within " + PROGRESS_SECONDS + " s; logs in " + logs + outputs);
            }
            Thread.sleep(50);
        }
    }

    /** Whether {@code log} got one of {@code lines} past where the last look ended; moves that mark. */
    private static boolean progressed(Path log, Map<String, Long> seen, List<String> lines) {
        try {
            if (!Files.exists(log)) {
                return false;
            }
            byte[] all = Files.readAllBytes(log);
            long from = seen.getOrDefault(log.toString(), 0L);
            String fresh = new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
            if (lines.stream().anyMatch(fresh::contains)) {
                seen.put(log.toString(), (long) all.length);
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a client JVM that receives until the queue stays empty, and returns how many it got. */
    private int drain(String url, Path logs, int run) throws Exception {
        ChildJvm drain = start(CrashLoad.class, logs.resolve("run" + run + "-stdout.txt"), url, logs.toString(),
                String.valueOf(run), "drain");
        String line = drain.awaitLine("DRAINED", java.time.Duration.ofMinutes(5));
        assertEquals(0, drain.awaitExit(60), "the draining client JVM failed; see " + drain.output());
        return Integer.parseInt(line.substring("DRAINED ".length()));
    }

    private ChildJvm start(Class<?> main, Path output, String... args) throws IOException {
        ChildJvm child = ChildJvm.start(main, output, args);
        started.add(child);
        return child;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
