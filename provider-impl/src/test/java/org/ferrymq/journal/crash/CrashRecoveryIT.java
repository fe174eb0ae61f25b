package org.ferrymq.journal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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

        Tally tally = Tally.read(logs, KILLS + 1);
        System.out.printf("CRASH %s: %d kills, %,d sends returned, %,d acknowledged, %,d delivered again after a "
                        + "crash (%d unflagged), %d lost, %d acknowledged and delivered again%n", db.name(), KILLS,
                tally.sent.size(), tally.acked.size(), tally.redeliveredAfterCrash, tally.unflagged.size(),
                tally.lost.size(), tally.ackedThenDelivered.size());
        assertTrue(tally.sent.size() > KILLS * 10, "the load hardly ran: " + tally.sent.size() + " sends");
        assertEquals(List.of(), first(tally.lost), "sends that returned but were never delivered");
        assertEquals(List.of(), first(tally.ackedThenDelivered), "acknowledged messages delivered again");
        assertEquals(List.of(), first(tally.unflagged), "delivered again after a crash without "
                + "JMSRedelivered=true and JMSXDeliveryCount > 1");
    }

    private static List<String> first(Set<String> cids) {
        return cids.stream().sorted().limit(20).toList();
    }

    private static ChildJvm start(String url, Path logs, int run, String mode) throws IOException {
        return ChildJvm.start(CrashLoad.class, logs.resolve("run" + run + "-stdout.txt"), url, logs.toString(),
                String.valueOf(run), mode);
    }

    /** What the logs of all runs say. */
    private static final class Tally {
        final Set<String> sent = new HashSet<>();
        final Set<String> acked = new HashSet<>();
        final Set<String> lost = new HashSet<>();
        final Set<String> ackedThenDelivered = new HashSet<>();
        final Set<String> unflagged = new HashSet<>();
        int redeliveredAfterCrash;

        static Tally read(Path logs, int runs) throws IOException {
            Tally t = new Tally();
            Map<String, Integer> ackedInRun = new HashMap<>();
            Map<String, Long> ackedAt = new HashMap<>();
            Map<String, Integer> lastReceivedRun = new HashMap<>();
            for (int run = 1; run <= runs; run++) {
                List<String[]> events = new ArrayList<>();
                try (Stream<Path> files = Files.list(logs)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                        if (file.getFileName().toString().startsWith("run" + run + "-")) {
                            for (String line : Files.readAllLines(file)) {
                                String[] parts = line.split(" ");
                                if (parts.length >= 3) { // a line cut short by the kill has no event
                                    events.add(parts);
                                }
                            }
                        }
                    }
                }
                events.sort((a, b) -> Long.compare(Long.parseLong(a[0]), Long.parseLong(b[0])));
                for (String[] e : events) {
                    String cid = e[2];
                    switch (e[1]) {
                        case "SENT" -> t.sent.add(cid);
                        case "ACKED" -> {
                            t.acked.add(cid);
                            ackedInRun.putIfAbsent(cid, run);
                            ackedAt.putIfAbsent(cid, Long.parseLong(e[0]));
                        }
                        case "RECEIVED" -> {
                            if (e.length < 5) {
                                continue;
                            }
                            Integer ackRun = ackedInRun.get(cid);
                            if (ackRun != null && (ackRun < run || ackedAt.get(cid) < Long.parseLong(e[0]))) {
                                t.ackedThenDelivered.add(cid);
                            }
                            Integer before = lastReceivedRun.put(cid, run);
                            if (before != null && before < run) {
                                t.redeliveredAfterCrash++;
                                if (!Boolean.parseBoolean(e[3]) || Integer.parseInt(e[4]) <= 1) {
                                    t.unflagged.add(cid);
                                }
                            }
                        }
                        default -> { }
                    }
                }
            }
            // lost: a send that returned and was never delivered (an acknowledgement that committed
            // just before the kill may be missing from the log, so delivery is the test, not ACKED)
            for (String cid : t.sent) {
                if (!lastReceivedRun.containsKey(cid)) {
                    t.lost.add(cid);
                }
            }
            return t;
        }
    }
}
