package org.ferrymq.journal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ferrymq.journal.JournalDatabase;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety, proven by crashing: a broker JVM under load ({@link CrashLoad}) is killed with
 * {@code kill -9} at random moments, restarted each time, and finally drained, twice. The load
 * logs what it is about to do and what returned; {@link CrashHistory} judges the logs: nothing
 * arrives that was not sent, every send that returned arrives, a transaction in flight at a kill
 * lands whole or not at all, nothing is received twice in one run unless given back, what was
 * received and not acknowledged at a kill comes again, nothing acknowledged comes again, and
 * every repeat carries {@code JMSRedelivered=true} and a higher {@code JMSXDeliveryCount}. Runs in
 * the {@code crash} profile ({@code ./mvnw -pl provider-impl verify -Pcrash});
 * {@code -Dcrash.kills=N} sets the kills per database (default 20; a handful may not give every
 * role time to finish a batch, and then the test says so).
 */
class CrashRecoveryIT {

    private static final int KILLS = Integer.getInteger("crash.kills", 20);
    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
    private static final List<String> LOAD_ROLES = List.of("sync-producer", "tx-producer", "auto-ack-consumer",
            "client-ack-consumer", "tx-consumer");

    static Stream<JournalDatabase> databases() {
        return JournalDatabase.all();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void killedBrokersLoseNothingDuplicateNothingAndFlagEveryRedelivery(JournalDatabase database,
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path logs) throws Exception {
        assumeTrue(database.enabled(), database.whyDisabled());
        JournalDatabase db = database.emptied();
        // no dead-letter queue: a message given back any number of times must come again here
        String url = db.brokerUrl("crash", "maxDeliveryAttempts=0");
        Random random = new Random(SEED);
        System.out.printf("CRASH %s: %d kills, seed %d (-Dcrash.seed to repeat)%n", db.name(), KILLS, SEED);
        long started = System.nanoTime();
        for (int run = 1; run <= KILLS; run++) {
            ChildJvm child = start(url, logs, run, "load");
            child.awaitLine("READY");
            Thread.sleep(300 + random.nextInt(1700));
            child.kill(); // fails if the load stopped by itself
            if (child.lines().stream().anyMatch(line -> line.startsWith("ROLE FAILED"))) {
                throw new AssertionError("a role of the load failed in run " + run + "; " + child.lastOutput());
            }
        }
        int drained = drain(url, logs, KILLS + 1);
        // a clean restart after the drain: nothing acknowledged comes back, nothing is left
        assertEquals(0, drain(url, logs, KILLS + 2), "messages left after the drain, or acknowledged by it, "
                + "came after a clean restart; see " + logs);
        long seconds = (System.nanoTime() - started) / 1_000_000_000;

        CrashHistory history = CrashHistory.read(logs, KILLS + 2);
        System.out.printf("CRASH %s: %d kills in %d s: %s%n", db.name(), KILLS, seconds, history.summary());
        assertEquals(List.of(), history.violations(), "broken guarantees; the logs are in " + logs);
        assertTrue(history.sendsReturned() > KILLS * 10, "the load hardly ran: " + history.summary());
        for (String role : LOAD_ROLES) {
            assertTrue(history.progress().getOrDefault(role, 0) > 0, role + " never saw a send or acknowledgement "
                    + "of its own return, so its path was not tested: " + history.progress());
        }
        assertTrue(history.inFlightAtKills() > 0, "no kill hit a received, unacknowledged message, so nothing was "
                + "proven about work in flight: " + history.summary());
        assertTrue(history.redeliveredAfterKill() > 0, "nothing came again after a kill: " + history.summary());
        assertTrue(history.redeliveredAfterGiveBack() > 0, "nothing given back by rollback or recover came again: "
                + history.summary());
        assertEquals(history.received(), history.acknowledged(), "every message that arrived is acknowledged in "
                + "the end: " + history.summary());
        assertEquals(drained, history.progress().getOrDefault("drain", 0), "the drain printed one count and "
                + "logged another");
    }

    /** Starts a broker JVM that receives until the queue stays empty, and returns how many it got. */
    private static int drain(String url, Path logs, int run) throws Exception {
        ChildJvm drain = start(url, logs, run, "drain");
        String line = drain.awaitLine("DRAINED");
        assertEquals(0, drain.awaitExit(60), "the draining broker JVM failed; see " + drain.output());
        return Integer.parseInt(line.substring("DRAINED ".length()));
    }

    private static ChildJvm start(String url, Path logs, int run, String mode) throws IOException {
        return ChildJvm.start(CrashLoad.class, logs.resolve("run" + run + "-stdout.txt"), url, logs.toString(),
                String.valueOf(run), mode);
    }
}
