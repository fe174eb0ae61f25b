package org.ferrymq.journal.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** What the logs of all runs of {@link CrashLoad} say, and what in them breaks a guarantee. */
final class CrashHistory {
    final Set<String> sent = new HashSet<>();
    final Set<String> acked = new HashSet<>();
    final Set<String> lost = new HashSet<>();
    final Set<String> ackedThenDelivered = new HashSet<>();
    final Set<String> unflagged = new HashSet<>();
    int redeliveredAfterCrash;

    /** The broken guarantees, one line each with the first messages concerned; empty if none. */
    List<String> violations() {
        List<String> violations = new ArrayList<>();
        add(violations, lost, "sends that returned but were never delivered");
        add(violations, ackedThenDelivered, "acknowledged messages delivered again");
        add(violations, unflagged, "delivered again after a crash without JMSRedelivered=true and JMSXDeliveryCount > 1");
        return violations;
    }

    private static void add(List<String> violations, Set<String> cids, String what) {
        if (!cids.isEmpty()) {
            violations.add(cids.size() + " " + what + ": " + cids.stream().sorted().limit(20).toList());
        }
    }

    static CrashHistory read(Path logs, int runs) throws IOException {
        CrashHistory t = new CrashHistory();
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
