package org.ferrymq.journal.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The judge of the crash test: replays what every run of {@link CrashLoad} logged and names
 * each broken guarantee, with the history of the messages concerned.
 *
 * <p>The logs are one file per run and role, {@code run<N>-<role>.log}, a line per event:
 * {@code <System.nanoTime()> <event> <arguments>}. The files of a run come from one JVM, so the
 * times order them; the runs follow each other. A line the kill cut short has no newline and is
 * ignored: its event never happened. The events:
 * <pre>
 * SEND cid                        before a non-transacted send     SENT cid       after it returned
 * COMMIT-SENDS b cid...           before committing sent batch b   COMMITTED b    after commit returned
 * ROLLBACK-SENDS b cid...         before rolling sent batch b back ROLLED-BACK b  after rollback returned
 * RECEIVED cid redelivered count mode   after a receive returned (mode: auto, client or transacted)
 * ACK b cid...                    before acknowledge()             ACKED b        after it returned
 * COMMIT-RECEIPTS b cid...        before committing what b holds   COMMITTED b    after commit returned
 * RECOVER b cid...                before recover()                 RECOVERED b
 * ROLLBACK-RECEIPTS b cid...      before rollback()                ROLLED-BACK b
 * FAILED b|cid exception          the call announced last threw (the client survived a broker kill)
 * SERVER-KILLED k                 (role "server", written by the test) broker JVM k died just before
 * INTERRUPTED n                   the role's connection lost its broker  RESUMED n   and was rebuilt
 * </pre>
 * A batch whose intent is logged but not its confirmation was in flight at the kill: either
 * outcome is allowed, but for the whole batch. A confirmed one must have landed.
 *
 * <p>Over TCP the clients outlive the broker: each {@code SERVER-KILLED} ends an epoch inside
 * the run, as the end of a run does, except that the calls in flight go on and end with their
 * confirmation or {@code FAILED}. A commit that failed with {@code TransactionRolledBackException}
 * rolled back: its sends must never arrive, its receipts must come again. Any other failure
 * leaves the outcome unknown: a send may arrive (once) or not, an acknowledgement may land or not,
 * for the whole batch. A message received before a kill and acknowledged after it (in the same
 * acknowledgement or commit as messages received since) is covered by that acknowledgement if it
 * returned: it must not come again; if it failed, it must. What a role received while its
 * connection was interrupted came from the lost connection (its consumer's prefetched messages):
 * it is given back when the connection resumes, and counted apart ({@link #staleDeliveries()}).
 *
 * <p>The guarantees, per message: it arrives only if it was sent (and its transaction committed);
 * it arrives if its send or commit returned; once received it is not received again in the same
 * run unless rollback or recover gave it back; what a consumer received and had not acknowledged
 * when the broker was killed, or gave back, comes again; an acknowledged message never comes
 * again; every second delivery is flagged {@code JMSRedelivered} with a higher
 * {@code JMSXDeliveryCount}. An AUTO_ACKNOWLEDGE receipt counts as acknowledged, but its
 * acknowledgement may still be on its way at a kill (FerryMQ may write them in batches): then it
 * may come again, flagged, provided the acknowledgements landed in order, so that what comes
 * again is the tail of what that consumer received.
 */
final class CrashHistory {

    private static final int EXAMPLES = 5;

    /** Where a message stands with its consumers. */
    private enum Holding {
        NOT_RECEIVED, HELD, AUTO_ACKNOWLEDGED, ACKNOWLEDGING, ACKNOWLEDGED, GIVEN_BACK
    }

    private enum BatchKind {
        SEND, ROLLBACK_SENDS, ACKNOWLEDGE, GIVE_BACK
    }

    /** What one intent line announced, and what became of it. */
    private static final class Batch {
        final BatchKind kind;
        final String id;
        final int run;
        final int epoch;
        /** Whether it is a transaction's commit or rollback (COMMIT-SENDS, COMMIT-RECEIPTS, ...), not a single call. */
        final boolean transaction;
        final String where;
        final List<String> cids;
        /** Of an acknowledgement's cids, those held when it began (the others a broker kill gave back before). */
        final List<String> live = new ArrayList<>();
        /** Of an acknowledgement's cids, those a broker kill gave back before it began and nobody received since. */
        final List<String> stale = new ArrayList<>();
        boolean confirmed;
        /** The call threw: with rolledBack, the spec's TransactionRolledBackException; otherwise outcome unknown. */
        boolean failed;
        boolean rolledBack;
        final Set<String> cameAgain = new LinkedHashSet<>();

        Batch(BatchKind kind, String id, int run, int epoch, String role, String event, List<String> cids) {
            this.kind = kind;
            this.id = id;
            this.run = run;
            this.epoch = epoch;
            this.transaction = event.startsWith("COMMIT-") || event.startsWith("ROLLBACK-");
            this.where = "run " + run + " " + role + " " + event + " " + id;
            this.cids = cids;
        }
    }

    /** The messages one AUTO_ACKNOWLEDGE consumer received in one run, in order. */
    private static final class AutoReceipts {
        final String where;
        final List<String> cids = new ArrayList<>();
        final Set<String> cameAgain = new LinkedHashSet<>();

        AutoReceipts(String where) {
            this.where = where;
        }
    }

    private static final class Message {
        final String cid;
        Batch sentIn;
        boolean sendRolledBack;
        Holding holding = Holding.NOT_RECEIVED;
        int heldInRun;
        /** The epoch of its last reception: runs and broker kills inside a run each begin a new one. */
        int heldInEpoch;
        String heldBy;
        final Set<String> receivedBy = new LinkedHashSet<>();
        boolean givenBackByKill;
        Batch acknowledgedIn;
        AutoReceipts autoReceipts;
        int receptions;
        int lastDeliveryCount;
        final List<String> history = new ArrayList<>();

        Message(String cid) {
            this.cid = cid;
        }

        void note(String event) {
            if (history.size() < 20) {
                history.add(event);
            }
        }

        @Override
        public String toString() {
            return cid + " " + history;
        }
    }

    private final Map<String, Message> messages = new LinkedHashMap<>();
    private final List<Batch> batches = new ArrayList<>();
    private final List<AutoReceipts> autoReceipts = new ArrayList<>();
    private final Map<String, Batch> openBatch = new HashMap<>();
    private final Map<String, List<String>> violations = new LinkedHashMap<>();
    private final Map<String, Integer> progress = new TreeMap<>();

    /** Starts at each run and at each broker kill within a run (over TCP the clients survive those). */
    private int epoch;
    private int serverKills;
    private final Map<String, Integer> failures = new TreeMap<>();
    /** The runs and roles whose connection is interrupted. */
    private final Set<String> interrupted = new HashSet<>();
    private int staleDeliveries;
    private int receptions;
    private int redelivered;
    private int redeliveredAfterKill;
    private int autoReceiptsAgain;
    private int redeliveredAfterGiveBack;
    private int inFlightAtKills;
    private int batchesInDoubt;

    private CrashHistory() {
        for (String guarantee : List.of(RECEIVED_NEVER_SENT, LOST_SENDS, PARTIAL_SEND_TRANSACTIONS, LOST_IN_FLIGHT,
                PARTIAL_ACKNOWLEDGEMENTS, DUPLICATES_IN_ONE_RUN, ACKNOWLEDGED_DELIVERED_AGAIN, UNFLAGGED,
                AUTO_OUT_OF_ORDER, INCONSISTENT_LOG)) {
            violations.put(guarantee, new ArrayList<>());
        }
    }

    static final String RECEIVED_NEVER_SENT = "received, never sent";
    static final String LOST_SENDS = "lost sends";
    static final String PARTIAL_SEND_TRANSACTIONS = "partial send transactions";
    static final String LOST_IN_FLIGHT = "lost in flight";
    static final String PARTIAL_ACKNOWLEDGEMENTS = "partial acknowledgements";
    static final String DUPLICATES_IN_ONE_RUN = "duplicates in one run";
    static final String ACKNOWLEDGED_DELIVERED_AGAIN = "acknowledged, delivered again";
    static final String UNFLAGGED = "unflagged redeliveries";
    static final String AUTO_OUT_OF_ORDER = "AUTO_ACKNOWLEDGE out of order";
    static final String INCONSISTENT_LOG = "inconsistent log";

    private static final Map<String, String> EXPLAINED = Map.of(
            RECEIVED_NEVER_SENT, "received, but no send of it was logged, or its transaction never committed",
            LOST_SENDS, "their send or its commit returned, but they never arrived",
            PARTIAL_SEND_TRANSACTIONS, "a transaction of sends in flight at a kill arrived in part",
            LOST_IN_FLIGHT, "received and not acknowledged at a kill, or given back by rollback/recover, "
                    + "and never delivered again",
            PARTIAL_ACKNOWLEDGEMENTS, "an acknowledgement or commit in flight at a kill landed for part of its "
                    + "messages",
            DUPLICATES_IN_ONE_RUN, "received twice in one run without a rollback or recover between",
            ACKNOWLEDGED_DELIVERED_AGAIN, "delivered again after (or while) their acknowledgement was confirmed",
            UNFLAGGED, "delivered again without JMSRedelivered=true and a higher JMSXDeliveryCount",
            AUTO_OUT_OF_ORDER, "an AUTO_ACKNOWLEDGE receipt came again after the kill while a later one of the "
                    + "same consumer did not",
            INCONSISTENT_LOG, "the load logged an intent for messages it did not hold (a bug of the load)");

    /** Reads and judges the logs of runs 1 to {@code runs} in {@code logs}. */
    static CrashHistory read(Path logs, int runs) throws IOException {
        CrashHistory history = new CrashHistory();
        for (int run = 1; run <= runs; run++) {
            history.epoch++;
            history.replay(run, events(logs, run));
            history.endOfRun(run);
        }
        history.judgeOutcomes();
        return history;
    }

    private record Event(long time, String role, String[] words) {
    }

    private static List<Event> events(Path logs, int run) throws IOException {
        List<Event> events = new ArrayList<>();
        String prefix = "run" + run + "-";
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.startsWith(prefix) || !name.endsWith(".log")) {
                    continue;
                }
                String role = name.substring(prefix.length(), name.length() - ".log".length());
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n'); // past it, a line the kill cut short
                for (String line : text.substring(0, end + 1).split("\n")) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    String[] words = line.split(" ");
                    if (words.length < 3) {
                        throw new IllegalStateException(file + " has a line with no event: '" + line + "'");
                    }
                    events.add(new Event(Long.parseLong(words[0]), role, words));
                }
            }
        }
        events.sort(Comparator.comparingLong(Event::time));
        return events;
    }

    private void replay(int run, List<Event> events) {
        for (Event e : events) {
            String[] w = e.words();
            String event = w[1];
            String fileKey = run + " " + e.role();
            switch (event) {
                case "SEND" -> sent(intent(BatchKind.SEND, run, e, w[2], List.of(w[2])));
                case "SENT" -> confirm(fileKey, w[2], e);
                case "COMMIT-SENDS" -> sent(intent(BatchKind.SEND, run, e, w[2], rest(w)));
                case "ROLLBACK-SENDS" -> {
                    Batch batch = intent(BatchKind.ROLLBACK_SENDS, run, e, w[2], rest(w));
                    for (String cid : batch.cids) {
                        message(cid).sendRolledBack = true;
                        message(cid).note(batch.where);
                    }
                }
                case "RECEIVED" -> {
                    received(run, e.role(), w[2], Boolean.parseBoolean(w[3]), Integer.parseInt(w[4]), w[5]);
                    if (interrupted.contains(fileKey)) {
                        fromLostConnection(run, e.role(), w[2]);
                    }
                }
                case "ACK", "COMMIT-RECEIPTS" -> acknowledging(intent(BatchKind.ACKNOWLEDGE, run, e, w[2], rest(w)),
                        e.role());
                case "RECOVER", "ROLLBACK-RECEIPTS" -> givingBack(intent(BatchKind.GIVE_BACK, run, e, w[2], rest(w)),
                        e.role());
                case "COMMITTED", "ACKED", "ROLLED-BACK", "RECOVERED" -> confirm(fileKey, w[2], e);
                case "FAILED" -> failed(run, fileKey, w[2], w.length > 3 ? w[3] : "?", e);
                case "SERVER-KILLED" -> serverKilled(run, w[2]);
                case "INTERRUPTED" -> interrupted.add(fileKey);
                case "RESUMED" -> interrupted.remove(fileKey);
                default -> throw new IllegalStateException("run " + run + " " + e.role() + " logged an unknown event: "
                        + String.join(" ", w));
            }
        }
    }

    private static List<String> rest(String[] words) {
        return Arrays.asList(words).subList(3, words.length);
    }

    private Batch intent(BatchKind kind, int run, Event e, String id, List<String> cids) {
        Batch batch = new Batch(kind, id, run, epoch, e.role(), e.words()[1], cids);
        batches.add(batch);
        openBatch.put(run + " " + e.role(), batch);
        return batch;
    }

    private void confirm(String fileKey, String id, Event e) {
        Batch batch = openBatch.remove(fileKey);
        if (batch == null || !batch.id.equals(id)) {
            throw new IllegalStateException("run " + fileKey + " confirmed " + String.join(" ", e.words())
                    + " without its intent line before it");
        }
        batch.confirmed = true;
        if (batch.kind == BatchKind.SEND || batch.kind == BatchKind.ACKNOWLEDGE) {
            progress.merge(e.role(), batch.cids.size(), Integer::sum);
        }
        if (batch.kind == BatchKind.ACKNOWLEDGE) {
            for (String cid : batch.cids) {
                Message m = message(cid);
                m.note(batch.where + " confirmed");
                if (batch.cameAgain.contains(cid)) {
                    violation(ACKNOWLEDGED_DELIVERED_AGAIN, m); // came again before its acknowledgement returned
                } else if (m.holding == Holding.ACKNOWLEDGING && m.acknowledgedIn == batch) {
                    m.holding = Holding.ACKNOWLEDGED;
                } else if (batch.stale.contains(cid)) {
                    // received before a broker kill, acknowledged after it, and the acknowledgement returned
                    if (m.holding == Holding.GIVEN_BACK && m.acknowledgedIn == batch) {
                        m.holding = Holding.ACKNOWLEDGED;
                    } else {
                        violation(ACKNOWLEDGED_DELIVERED_AGAIN, m);
                    }
                }
            }
        }
    }

    /** The call of the open batch threw; the client goes on. */
    private void failed(int run, String fileKey, String id, String exception, Event e) {
        Batch batch = openBatch.remove(fileKey);
        if (batch == null || !batch.id.equals(id)) {
            throw new IllegalStateException("run " + fileKey + " logged " + String.join(" ", e.words())
                    + " without its intent line before it");
        }
        batch.failed = true;
        batch.rolledBack = exception.equals("TransactionRolledBackException");
        failures.merge(e.role() + " " + e.words()[1] + " " + exception, 1, Integer::sum);
        String what = batch.where + " failed: " + exception;
        switch (batch.kind) {
            case SEND -> {
                if (batch.rolledBack && batch.transaction) {
                    for (String cid : batch.cids) {
                        message(cid).sendRolledBack = true;
                        message(cid).note(what);
                    }
                } else {
                    batch.cids.forEach(cid -> message(cid).note(what));
                    batchesInDoubt++;
                }
            }
            case ACKNOWLEDGE -> {
                for (String cid : batch.cids) {
                    Message m = message(cid);
                    m.note(what);
                    if (batch.rolledBack && m.holding == Holding.ACKNOWLEDGING && m.acknowledgedIn == batch) {
                        m.holding = Holding.GIVEN_BACK;
                        m.givenBackByKill = batch.epoch != epoch;
                    }
                }
                if (!batch.rolledBack) {
                    batchesInDoubt++;
                }
            }
            case ROLLBACK_SENDS, GIVE_BACK -> batch.cids.forEach(cid -> message(cid).note(what));
        }
    }
    private void sent(Batch batch) {
        for (String cid : batch.cids) {
            Message m = message(cid);
            m.sentIn = batch;
            m.note(batch.where);
        }
    }

    private void received(int run, String role, String cid, boolean flagged, int deliveryCount, String mode) {
        Message m = message(cid);
        m.note("run " + run + " " + role + " RECEIVED " + flagged + " " + deliveryCount);
        receptions++;
        if (flagged) {
            redelivered++;
        }
        if (m.sentIn == null || m.sendRolledBack) {
            violation(RECEIVED_NEVER_SENT, m);
        }
        switch (m.holding) {
            case NOT_RECEIVED -> { }
            case HELD -> violation(DUPLICATES_IN_ONE_RUN, m);
            case AUTO_ACKNOWLEDGED -> {
                if (m.heldInEpoch == epoch) {
                    violation(DUPLICATES_IN_ONE_RUN, m);
                } else {
                    m.autoReceipts.cameAgain.add(cid);
                    redeliveredAfterKill++;
                    autoReceiptsAgain++;
                }
            }
            case ACKNOWLEDGING -> {
                Batch acknowledgement = m.acknowledgedIn;
                if (acknowledgement.epoch != epoch) {
                    acknowledgement.cameAgain.add(cid);
                    redeliveredAfterKill++;
                } else if (acknowledgement.failed || openBatch.containsValue(acknowledgement)) {
                    // its acknowledgement or commit failed, or is still on its way and may fail (a commit
                    // that will throw TransactionRolledBackException gives its receipts back first)
                    acknowledgement.cameAgain.add(cid);
                } else {
                    violation(ACKNOWLEDGED_DELIVERED_AGAIN, m);
                }
            }
            case ACKNOWLEDGED -> violation(ACKNOWLEDGED_DELIVERED_AGAIN, m);
            case GIVEN_BACK -> {
                if (m.givenBackByKill) {
                    redeliveredAfterKill++;
                } else {
                    redeliveredAfterGiveBack++;
                }
            }
        }
        if (m.receptions > 0 && !(flagged && deliveryCount > m.lastDeliveryCount)) {
            violation(UNFLAGGED, m);
        }
        m.receptions++;
        m.lastDeliveryCount = deliveryCount;
        m.heldInRun = run;
        m.heldInEpoch = epoch;
        m.heldBy = role;
        m.receivedBy.add(role);
        m.acknowledgedIn = null;
        if (mode.equals("auto")) {
            m.holding = Holding.AUTO_ACKNOWLEDGED;
            m.autoReceipts = autoReceipts(run, role);
            m.autoReceipts.cids.add(cid);
            progress.merge(role, 1, Integer::sum);
        } else {
            m.holding = Holding.HELD;
        }
    }

    private AutoReceipts autoReceipts(int run, String role) {
        String where = "run " + run + " " + role + (serverKills > 0 ? " epoch " + epoch : "");
        if (autoReceipts.isEmpty() || !autoReceipts.get(autoReceipts.size() - 1).where.equals(where)) {
            autoReceipts.add(new AutoReceipts(where));
        }
        return autoReceipts.get(autoReceipts.size() - 1);
    }

    private void acknowledging(Batch batch, String role) {
        // (after a kill a consumer may hold a message twice: from before the kill and again since)
        for (String cid : new LinkedHashSet<>(batch.cids)) {
            Message m = message(cid);
            m.note(batch.where);
            if (holds(m, role)) {
                batch.live.add(cid);
                m.holding = Holding.ACKNOWLEDGING;
                m.acknowledgedIn = batch;
            } else if (m.holding == Holding.GIVEN_BACK && m.givenBackByKill && role.equals(m.heldBy)
                    && m.heldInRun == batch.run) {
                // received before a broker kill that gave it back, and not received again since
                batch.stale.add(cid);
                m.acknowledgedIn = batch;
            } else if (!(m.receivedBy.contains(role) && !role.equals(m.heldBy))) {
                // (received before a kill and since by another consumer: this acknowledgement cannot cover it)
                violation(INCONSISTENT_LOG, m);
            }
        }
    }

    private void givingBack(Batch batch, String role) {
        for (String cid : new LinkedHashSet<>(batch.cids)) {
            Message m = message(cid);
            m.note(batch.where);
            if (holds(m, role)) {
                m.holding = Holding.GIVEN_BACK;
                m.givenBackByKill = false;
            } else if (!(m.receivedBy.contains(role) && (m.holding == Holding.GIVEN_BACK || !role.equals(m.heldBy)))) {
                // (a kill gave it back already, and maybe someone received it since)
                violation(INCONSISTENT_LOG, m);
            }
        }
    }

    private boolean holds(Message m, String role) {
        return m.holding == Holding.HELD && m.heldInEpoch == epoch && m.heldBy.equals(role);
    }

    /**
     * The role received a message while its connection was interrupted: a delivery of the
     * lost connection (prefetched before the loss), which the broker gives again as it gives
     * everything that connection held, so it is given back already.
     */
    private void fromLostConnection(int run, String role, String cid) {
        staleDeliveries++;
        Message m = message(cid);
        m.note("run " + run + " " + role + " received it from its lost connection");
        if (m.holding == Holding.HELD) {
            m.holding = Holding.GIVEN_BACK;
            m.givenBackByKill = true;
            inFlightAtKills++;
        } else if (m.holding == Holding.AUTO_ACKNOWLEDGED) {
            m.heldInEpoch = -1; // its acknowledgement went nowhere: it comes again, at any time
            m.autoReceipts.cids.remove(cid); // and not in the order of that consumer's receipts
        }
    }

    /** A broker JVM died while the clients lived on: what they held is given back, their calls go on. */
    private void serverKilled(int run, String kill) {
        serverKills++;
        endOfEpoch("run " + run + " server kill " + kill);
        epoch++;
    }

    /** The kill (or a drain's exit) gives back whatever was held; open batches stay in doubt. */
    private void endOfRun(int run) {
        endOfEpoch("run " + run + " ended");
        batchesInDoubt += (int) openBatch.values().stream().filter(b -> b.run == run).count();
        openBatch.keySet().removeIf(key -> key.startsWith(run + " "));
    }

    private void endOfEpoch(String how) {
        for (Message m : messages.values()) {
            if (m.holding == Holding.HELD) {
                m.holding = Holding.GIVEN_BACK;
                m.givenBackByKill = true;
                m.note(how + " while it was held");
                inFlightAtKills++;
            } else if (m.holding == Holding.ACKNOWLEDGING && m.acknowledgedIn.epoch == epoch
                    && !m.acknowledgedIn.confirmed) {
                inFlightAtKills++;
            } else if (m.holding == Holding.GIVEN_BACK && !m.givenBackByKill) {
                m.givenBackByKill = true; // from here on, it is the kill that will have given it back
            }
        }
    }

    private void judgeOutcomes() {
        for (Message m : messages.values()) {
            if (m.sentIn != null && m.sentIn.confirmed && m.receptions == 0) {
                violation(LOST_SENDS, m);
            }
            if (m.holding == Holding.GIVEN_BACK) {
                violation(LOST_IN_FLIGHT, m);
            }
        }
        for (Batch batch : batches) {
            if (batch.confirmed) {
                continue;
            }
            if (batch.kind == BatchKind.SEND && batch.rolledBack) {
                for (String cid : batch.cids) {
                    if (message(cid).receptions > 0) {
                        violation(RECEIVED_NEVER_SENT, message(cid)); // received before its commit threw
                    }
                }
            } else if (batch.kind == BatchKind.SEND) {
                long arrived = batch.cids.stream().filter(cid -> message(cid).receptions > 0).count();
                if (arrived != 0 && arrived != batch.cids.size()) {
                    violation(PARTIAL_SEND_TRANSACTIONS, batch.where + ": " + arrived + " of " + batch.cids.size()
                            + " arrived: " + batch.cids.stream().map(this::message).toList());
                }
            } else if (batch.kind == BatchKind.ACKNOWLEDGE && !batch.rolledBack) {
                long again = batch.live.stream().filter(batch.cameAgain::contains).count();
                if (again != 0 && again != batch.live.size()) {
                    violation(PARTIAL_ACKNOWLEDGEMENTS, batch.where + ": " + again + " of " + batch.live.size()
                            + " came again: " + batch.live.stream().map(this::message).toList());
                }
            }
        }
        for (AutoReceipts receipts : autoReceipts) {
            boolean tail = false;
            for (String cid : receipts.cids) {
                boolean again = receipts.cameAgain.contains(cid);
                if (tail && !again) {
                    violation(AUTO_OUT_OF_ORDER, receipts.where + ": " + receipts.cids.stream()
                            .map(c -> c + (receipts.cameAgain.contains(c) ? " (came again)" : "")).toList());
                    break;
                }
                tail |= again;
            }
        }
    }

    private Message message(String cid) {
        return messages.computeIfAbsent(cid, Message::new);
    }

    private void violation(String guarantee, Message m) {
        violation(guarantee, m.toString());
    }

    private void violation(String guarantee, String example) {
        violations.get(guarantee).add(example);
    }

    /**
     * The broken guarantees, one line each, {@code <guarantee>: <how many> <what it means>},
     * with the first examples and their histories; empty if every guarantee held.
     */
    List<String> violations() {
        List<String> lines = new ArrayList<>();
        violations.forEach((guarantee, examples) -> {
            if (!examples.isEmpty()) {
                lines.add(guarantee + ": " + examples.size() + ", " + EXPLAINED.get(guarantee) + "; first: "
                        + examples.stream().limit(EXAMPLES).toList());
            }
        });
        return lines;
    }

    /** Messages whose send (or its transaction's commit) returned. */
    int sendsReturned() {
        return (int) messages.values().stream().filter(m -> m.sentIn != null && m.sentIn.confirmed).count();
    }

    /** Distinct messages received at least once. */
    int received() {
        return (int) messages.values().stream().filter(m -> m.receptions > 0).count();
    }

    /** Every receive that returned a message, repeats included. */
    int receptions() {
        return receptions;
    }

    /**
     * Messages acknowledged in the end: by a confirmed acknowledgement or commit, by an
     * AUTO_ACKNOWLEDGE receipt that did not come again, or by one in flight at a kill that landed.
     */
    int acknowledged() {
        return (int) messages.values().stream().filter(m -> m.holding == Holding.ACKNOWLEDGED
                || m.holding == Holding.AUTO_ACKNOWLEDGED || m.holding == Holding.ACKNOWLEDGING).count();
    }

    /** Receptions flagged JMSRedelivered. */
    int redelivered() {
        return redelivered;
    }

    /** Receptions of a message a kill gave back (it was held, or its acknowledgement was in doubt). */
    int redeliveredAfterKill() {
        return redeliveredAfterKill;
    }

    /** Of those, receptions of a message an AUTO_ACKNOWLEDGE consumer had received before the kill. */
    int autoReceiptsAgain() {
        return autoReceiptsAgain;
    }

    /** Receptions of a message a rollback or recover gave back, in the same run. */
    int redeliveredAfterGiveBack() {
        return redeliveredAfterGiveBack;
    }

    /** Messages received and not (confirmed) acknowledged when a run ended. */
    int inFlightAtKills() {
        return inFlightAtKills;
    }

    /** Send and acknowledgement batches whose intent was logged but not their outcome. */
    int batchesInDoubt() {
        return batchesInDoubt;
    }

    /** Per role, the messages whose send or acknowledgement it saw confirmed (AUTO_ACKNOWLEDGE: received). */
    Map<String, Integer> progress() {
        return progress;
    }

    /** Broker kills the clients survived ({@code SERVER-KILLED} lines). */
    int serverKills() {
        return serverKills;
    }

    /** Receipts while the role's connection was interrupted (deliveries of the lost connection). */
    int staleDeliveries() {
        return staleDeliveries;
    }

    /** Calls that threw and the client went on, by {@code role event exception}. */
    Map<String, Integer> failures() {
        return failures;
    }

    String summary() {
        int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
        return String.format("%,d sends returned, %,d received (%,d receptions), %,d acknowledged, %,d redelivered "
                        + "(%,d after a kill, %,d of them AUTO_ACKNOWLEDGE receipts, %,d after rollback/recover), "
                        + "%,d in flight at kills, %,d batches in doubt",
                sendsReturned(), received(), receptions, acknowledged(), redelivered, redeliveredAfterKill,
                autoReceiptsAgain, redeliveredAfterGiveBack, inFlightAtKills, batchesInDoubt)
                + (serverKills > 0 || failed > 0 ? String.format(", %d broker kills survived by the clients, %,d calls "
                        + "failed over them, %,d messages received while a connection was interrupted", serverKills,
                        failed, staleDeliveries) : "");
    }
}
