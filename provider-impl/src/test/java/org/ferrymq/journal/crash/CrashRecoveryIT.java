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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety, proven by crashing: a broker JVM under load ({@link CrashLoad}) is killed with
 * {@code kill -9} at random moments, restarted each time, and finally drained. From what the
 * load logged as returned: no acknowledged send is lost, no acknowledged message is delivered
 * again, and every message delivered again after a crash carries {@code JMSRedelivered=true}
 * and a {@code JMSXDeliveryCount} above 1. Runs in the {@code crash} profile
 * ({@code ./mvnw -pl provider-impl verify -Pcrash}); {@code -Dcrash.kills=N} sets the kills
 * per database (default 20).
 */
class CrashRecoveryIT {

    private static final int KILLS = Integer.getInteger("crash.kills", 20);
    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());

    static Stream<JournalDatabase> databases() {
        return JournalDatabase.all();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void killedBrokersLoseNothingAcknowledgedAndFlagEveryRedelivery(JournalDatabase database, @TempDir Path logs)
            throws Exception {
        assumeTrue(database.enabled(), database.whyDisabled());
        JournalDatabase db = database.emptied();
        String url = db.brokerUrl("crash");
        Random random = new Random(SEED);
        System.out.printf("CRASH %s: %d kills, seed %d (-Dcrash.seed to repeat)%n", db.name(), KILLS, SEED);
        for (int run = 1; run <= KILLS; run++) {
            ChildJvm child = start(url, logs, run, "load");
            child.awaitLine("READY");
            Thread.sleep(300 + random.nextInt(1700));
            child.kill();
        }
        ChildJvm drain = start(url, logs, KILLS + 1, "drain");
        drain.awaitLine("DRAINED");
        assertEquals(0, drain.awaitExit(60), "the draining broker JVM failed");

        CrashHistory tally = CrashHistory.read(logs, KILLS + 1);
        System.out.printf("CRASH %s: %d kills, %,d sends returned, %,d acknowledged, %,d delivered again after a "
                        + "crash (%d unflagged), %d lost, %d acknowledged and delivered again%n", db.name(), KILLS,
                tally.sent.size(), tally.acked.size(), tally.redeliveredAfterCrash, tally.unflagged.size(),
                tally.lost.size(), tally.ackedThenDelivered.size());
        assertTrue(tally.sent.size() > KILLS * 10, "the load hardly ran: " + tally.sent.size() + " sends");
        assertEquals(List.of(), tally.violations(), "broken guarantees");
    }

    private static ChildJvm start(String url, Path logs, int run, String mode) throws IOException {
        return ChildJvm.start(CrashLoad.class, logs.resolve("run" + run + "-stdout.txt"), url, logs.toString(),
                String.valueOf(run), mode);
    }
}
