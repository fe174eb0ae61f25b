package org.ferrymq.broker;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Duplicate detection: for each queue and topic, the window of duplicate IDs
 * ({@link DestinationPolicy#DUPLICATE_ID_PROPERTY}) it accepted, and the IDs held by sends on
 * their way into it. A topic has one window for all its subscriptions.
 *
 * <p>A send carrying an ID claims it on its destination before anything of it is stored
 * ({@link #claim}). An ID in the window, or held for a prepared XA branch, makes the send a
 * duplicate: its session acknowledges it as if sent and stores nothing. Otherwise the send holds
 * the ID until its store settles: stored, the ID joins the window ({@link Claim#accepted});
 * not stored, it is free again ({@link Claim#released}). A send whose ID another send holds
 * meanwhile waits for that one to settle, at most the journal timeout, so that a send retried
 * while the first one is still being written is stored once whichever way the first one ends.
 * Invariant: an ID is held by one claim at most, and a message stored with an ID leaves that ID
 * in its destination's window until newer ones push it out.
 *
 * <p>The window of a destination is its IDs numbered among the last {@code duplicateIdWindow}
 * numbers it gave out (a number is given with each claim; one whose send was not stored stays
 * unused) and, with {@code duplicateIdWindowTime}, accepted within that many milliseconds; the
 * destination's policy is read at every use, so a changed setting applies at once, and a window
 * of 0 turns detection off there. Local transactions claim their IDs at commit; XA branches at
 * prepare (or a one-phase commit), and a prepared branch's IDs make other sends duplicates
 * until it ends.
 *
 * <p>A send that writes to the journal writes its ID there in the same batch
 * ({@link Claim#journal}) as a window entry numbered across all destinations, with the entries
 * that left the window meanwhile, so the message and its ID are durable together and the
 * journal keeps about one window per destination (up to a sixteenth more, at most
 * {@link #FORGET_RUN} entries: it forgets them in runs); the windows are read back on start, and
 * the entries read back outside their windows are forgotten with the next runs. A send the
 * journal does not hold (a non-persistent message, a
 * temporary destination, a topic without durable subscriptions) keeps its ID in memory only,
 * forgotten by a restart as its message is. A prepared branch's IDs are in its messages, which
 * the journal holds, and are held again when it is recovered.
 */
final class DuplicateIds {

    private static final Logger LOG = LoggerFactory.getLogger(DuplicateIds.class);
    static final String PROPERTY = DestinationPolicy.DUPLICATE_ID_PROPERTY;
    /** The most IDs that leave a window by its count before the journal is told to forget them. */
    static final int FORGET_RUN = 256;

    /** IDs a window of {@code policy} lets go by its count before the journal forgets them, in one statement. */
    private static long forgetRun(DestinationPolicy policy) {
        return Math.max(1, Math.min(FORGET_RUN, policy.duplicateIdWindow() / 16));
    }

    private final BrokerConfig config;
    private final Policies policies;
    private final Map<DestinationName, Window> windows = new ConcurrentHashMap<>();
    /** The last window entry number given out, for every destination. */
    private final AtomicLong entries = new AtomicLong();

    DuplicateIds(BrokerConfig config, Policies policies) {
        this.config = config;
        this.policies = policies;
    }

    /** An accepted ID's number, when it was accepted, and its journal entry (0 for none). */
    private record Accepted(long seq, long seenAt, long entry) {}

    /** An ID a claim holds; {@code decided} completes once the hold is prepared or gone. */
    private static final class Hold {
        final CompletableFuture<Void> decided = new CompletableFuture<>();
        boolean prepared;
    }

    /** One destination's window and holds; guarded by its own monitor. */
    private static final class Window {
        /** Where the window's journal entries get their numbers: shared by every destination. */
        final AtomicLong entries;
        /** The accepted IDs by number, oldest first, and each one's number and time. */
        final TreeMap<Long, String> bySeq = new TreeMap<>();
        final Map<String, Accepted> accepted = new HashMap<>();
        final Map<String, Hold> held = new HashMap<>();
        /** The journal entries of the IDs that left the window, which the journal still holds. */
        final List<Long> unforgotten = new ArrayList<>();
        /** Whether one of them left by its time: forgotten with the next write, not in a run. */
        boolean timedOut;
        /** The last number given out. */
        long lastSeq;
        /** Sends dropped as duplicates. */
        long dropped;

        Window(AtomicLong entries) {
            this.entries = entries;
        }

        /** Drops the accepted IDs outside the window: numbered too long ago, or accepted too long ago. */
        void trim(DestinationPolicy policy, long now) {
            long lastOut = lastSeq - policy.duplicateIdWindow();
            long time = policy.duplicateIdWindowTime();
            while (!bySeq.isEmpty()) {
                Map.Entry<Long, String> oldest = bySeq.firstEntry();
                Accepted a = accepted.get(oldest.getValue());
                if (oldest.getKey() > lastOut && (time == 0 || now - a.seenAt() <= time)) {
                    return;
                }
                bySeq.pollFirstEntry();
                accepted.remove(oldest.getValue());
                left(a, oldest.getKey() > lastOut);
            }
        }

        /** An accepted ID left the window (by its time, or not): its journal entry, if any, is to be forgotten. */
        void left(Accepted a, boolean byTime) {
            if (a.entry() > 0) {
                unforgotten.add(a.entry());
                timedOut |= byTime;
            }
        }
    }

    /**
     * A duplicate ID held for one send until its store settles; or one of {@link #NONE},
     * {@link #DUPLICATE} and {@link #BUSY}, which hold nothing.
     */
    static final class Claim {
        /** The send carries no ID, or its destination does not detect duplicates: it goes on as any send. */
        static final Claim NONE = new Claim();
        /** The send is a duplicate: acknowledge it, store nothing. */
        static final Claim DUPLICATE = new Claim();
        /** Another send holds the ID and the caller may not wait for it: try again where it may. */
        static final Claim BUSY = new Claim();

        private final Window window;
        private final Hold hold;
        private final DestinationName destination;
        private final String id;
        private final long seq;
        private final DestinationPolicy policy;
        private long seenAt;
        /** The journal entry of the ID, once {@link #journal} wrote it; 0 while it has none. */
        private long entry;

        private Claim() {
            this(null, null, null, null, 0, null, 0);
        }

        private Claim(Window window, Hold hold, DestinationName destination, String id, long seq,
                DestinationPolicy policy, long seenAt) {
            this.window = window;
            this.hold = hold;
            this.destination = destination;
            this.id = id;
            this.seq = seq;
            this.policy = policy;
            this.seenAt = seenAt;
        }

        boolean isDuplicate() {
            return this == DUPLICATE;
        }

        /** Whether this claim holds an ID, to be settled. */
        boolean holds() {
            return window != null;
        }

        /**
         * Adds the ID to {@code records}, the batch that stores the message it admits, as a new
         * window entry, with a run of the entries that left the window. Only for a send whose
         * message the batch stores.
         */
        void journal(List<JournalRecord> records) {
            if (window == null || destination.kind().isTemporary()) {
                return;
            }
            String kind = destination.kind().isQueue() ? "queue" : "topic";
            List<Long> forget = List.of();
            synchronized (window) {
                seenAt = Math.max(seenAt, System.currentTimeMillis()); // an XA branch's: its commit
                entry = window.entries.incrementAndGet();
                window.trim(policy, seenAt);
                // those pushed out by the count are forgotten in runs, not one row per write (the journal
                // keeps up to a run more than the window, trimmed when read back); those that timed out,
                // at once. A run lost with a batch that failed stays in the journal, read back outside
                // the window after a restart and forgotten then
                if (window.timedOut || window.unforgotten.size() >= forgetRun(policy)) {
                    forget = new ArrayList<>(window.unforgotten);
                    window.unforgotten.clear();
                    window.timedOut = false;
                }
            }
            records.add(new JournalRecord.DuplicateIdAdded(entry, kind, destination.name(), seq, id, seenAt));
            if (!forget.isEmpty()) {
                records.add(new JournalRecord.DuplicateIdsForgotten(forget));
            }
        }

        /** The send is stored: its ID joins the window. */
        void accepted() {
            if (window == null) {
                return;
            }
            synchronized (window) {
                if (window.held.remove(id, hold)) {
                    Accepted old = window.accepted.put(id, new Accepted(seq, seenAt, entry));
                    if (old != null) {
                        window.bySeq.remove(old.seq());
                        window.left(old, false);
                    }
                    window.bySeq.put(seq, id);
                    window.trim(policy, System.currentTimeMillis());
                }
            }
            hold.decided.complete(null);
        }

        /** The send is not stored: its ID is free for another. */
        void released() {
            if (window == null) {
                return;
            }
            synchronized (window) {
                window.held.remove(id, hold);
            }
            hold.decided.complete(null);
        }

        /** As the late outcome of a store that did not settle in time: {@code stored} or not. */
        void settled(boolean stored) {
            if (stored) {
                accepted();
            } else {
                released();
            }
        }

        /** The XA branch of the send is prepared: until it ends, a send of the same ID is a duplicate. */
        void prepared() {
            if (window == null) {
                return;
            }
            synchronized (window) {
                hold.prepared = true;
            }
            hold.decided.complete(null); // waiting sends look again, and find a duplicate
        }
    }

    private DestinationPolicy policy(DestinationName destination) {
        return policies.of(destination.name());
    }

    /**
     * The duplicate ID {@code message} carries, when its destination detects duplicates; null
     * when it carries none or detection is off there.
     *
     * @throws MessageFormatException if the ID is not a String of 1 to 255 characters the journal can keep
     */
    String idOf(MessageData message) throws MessageFormatException {
        Object value = message.properties().get(PROPERTY);
        if (value == null || policy(message.destination()).duplicateIdWindow() == 0) {
            return null;
        }
        if (!(value instanceof String id)) {
            throw new MessageFormatException("Property " + PROPERTY + " holds a " + value.getClass().getSimpleName()
                    + "; a duplicate ID is a String (set it with setStringProperty), so the message was not sent");
        }
        int max = Journal.MAX_DUPLICATE_ID_LENGTH;
        String problem = id.isEmpty() ? "is empty"
                : id.length() > max ? "is " + id.length() + " characters long, more than the " + max + " the broker keeps"
                : Storage.unstorable(id);
        if (problem != null) {
            throw new MessageFormatException("The duplicate ID in property " + PROPERTY + " " + problem
                    + ", so the message was not sent; use an ID of 1 to " + max + " characters, such as the message ID"
                    + " or a UUID");
        }
        return id;
    }

    /**
     * Claims the duplicate ID of {@code message} on its destination, for a send about to be
     * stored; {@code earlier} are the claims of the same transaction, of which a second send of
     * one ID is a duplicate. Answers {@link Claim#NONE} when there is nothing to detect,
     * {@link Claim#DUPLICATE} when the ID is in the window or held for a prepared XA branch, or
     * a claim holding the ID, which the caller settles. While another send holds the ID, waits
     * for it to settle, or answers {@link Claim#BUSY} at once when {@code mayWait} is false.
     *
     * @throws JMSException if the ID is not one the broker keeps ({@link #idOf}), or another send
     *     still holds it after the journal timeout (its outcome is unknown: this one is refused,
     *     storing nothing, rather than risk storing the message twice or not at all)
     */
    Claim claim(MessageData message, boolean mayWait, Collection<Claim> earlier) throws JMSException {
        String id = idOf(message);
        if (id == null) {
            return Claim.NONE;
        }
        DestinationName destination = message.destination();
        for (Claim c : earlier) {
            if (c.holds() && c.destination.equals(destination) && c.id.equals(id)) {
                return dropped(c.window, destination, id);
            }
        }
        Window window = windows.computeIfAbsent(destination, d -> new Window(entries));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.journalTimeoutMillis());
        while (true) {
            DestinationPolicy policy = policy(destination);
            CompletableFuture<Void> settled;
            synchronized (window) {
                long now = System.currentTimeMillis();
                window.trim(policy, now);
                Hold hold = window.held.get(id);
                if (window.accepted.containsKey(id) || hold != null && hold.prepared) {
                    return dropped(window, destination, id);
                }
                if (hold == null) {
                    hold = new Hold();
                    window.held.put(id, hold);
                    return new Claim(window, hold, destination, id, ++window.lastSeq, policy, now);
                }
                settled = hold.decided;
            }
            if (!mayWait) {
                return Claim.BUSY;
            }
            awaitOther(settled, deadline, destination, id);
        }
    }

    private void awaitOther(CompletableFuture<Void> settled, long deadline, DestinationName destination, String id)
            throws JMSException {
        try {
            settled.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new JMSException("Another send to " + shown(destination) + " with duplicate ID '" + Storage.shown(id)
                    + "' is still being stored after " + config.journalTimeoutMillis() + " ms (setting "
                    + BrokerConfig.JOURNAL_TIMEOUT + "), so whether that message is stored is not known yet; this send "
                    + "stored nothing. Send it again later: it is dropped then if the other one was stored");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("Interrupted while waiting for another send to " + shown(destination)
                    + " with the same duplicate ID; this send stored nothing");
        } catch (ExecutionException e) {
            // never completed exceptionally
        }
    }

    private Claim dropped(Window window, DestinationName destination, String id) {
        synchronized (window) {
            window.dropped++;
        }
        LOG.debug("Broker '{}' dropped a send to {}: its duplicate ID '{}' was accepted there already", config.name(),
                shown(destination), id);
        return Claim.DUPLICATE;
    }

    private static String shown(DestinationName destination) {
        return (destination.kind().isQueue() ? "queue '" : "topic '") + Storage.shown(destination.name()) + "'";
    }

    // ---- recovery ----

    /** An ID the journal holds, read back at start; kept while it is in its window. */
    void recovered(JournalRecord.DuplicateIdAdded id) {
        DestinationName destination = id.kind().equals("queue") ? DestinationName.queue(id.destination())
                : DestinationName.topic(id.destination());
        Window window = windows.computeIfAbsent(destination, d -> new Window(entries));
        entries.accumulateAndGet(id.entry(), Math::max); // new entries come after every one read back
        synchronized (window) {
            window.lastSeq = Math.max(window.lastSeq, id.seq()); // new numbers come after every row
            Accepted old = window.accepted.put(id.duplicateId(), new Accepted(id.seq(), id.seenAt(), id.entry()));
            if (old != null) {
                window.bySeq.remove(old.seq());
                window.left(old, false);
            }
            window.bySeq.put(id.seq(), id.duplicateId());
            window.trim(policy(destination), System.currentTimeMillis()); // never more than a window in memory
        }
    }

    /**
     * Holds the ID of a send of a prepared XA branch recovered from the journal, as its prepare
     * held it; {@link Claim#NONE} when it carries none (or one its destination no longer takes).
     */
    Claim recoveredHold(MessageData message) {
        String id;
        try {
            id = idOf(message);
        } catch (MessageFormatException e) {
            return Claim.NONE;
        }
        if (id == null) {
            return Claim.NONE;
        }
        DestinationName destination = message.destination();
        Window window = windows.computeIfAbsent(destination, d -> new Window(entries));
        synchronized (window) {
            Hold hold = new Hold();
            hold.prepared = true;
            hold.decided.complete(null);
            window.held.put(id, hold);
            return new Claim(window, hold, destination, id, ++window.lastSeq, policy(destination),
                    System.currentTimeMillis());
        }
    }

    // ---- destinations ----

    /** The window of a temporary destination goes with it. */
    void forget(DestinationName destination) {
        windows.remove(destination);
    }

    /** How many sends to {@code destination} were dropped as duplicates, for its statistics. */
    long dropped(DestinationName destination) {
        Window window = windows.get(destination);
        if (window == null) {
            return 0;
        }
        synchronized (window) {
            return window.dropped;
        }
    }
}
