package org.ferrymq.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.api.journal.JournalRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages of one queue that wait for their redelivery. A message that comes back after
 * the application saw it (a rollback, {@code Session.recover}, a listener that failed, a session
 * closed with it unacknowledged, a rolled-back XA branch) is delivered again only once its
 * destination's redelivery delay has passed, counted from its return
 * ({@link DestinationPolicy#redeliveryDelayAfter}, growing with its deliveries). Prefetched
 * deliveries given back unseen do not wait, nor do messages that used up their attempts: those
 * go to the dead-letter queue at once.
 *
 * <p>Where a message waits: a journaled entry's reference takes its redelivery time in the
 * journal ({@link JournalRecord.RedeliveryScheduled}); then the entry leaves memory and the
 * queue reads it back when due, as it reads a message sent with a delivery delay, so the wait
 * costs no heap and outlives a restart. While the time is being written, reads of due entries
 * leave the place alone ({@link #beingJournaled}); if the journal has been read past that time
 * by the end of the write, the entry waits in memory instead. Every other entry (memory-only:
 * non-persistent, on a temporary queue or a non-durable subscription) waits in memory, on a
 * timer. A write that fails is tried again; meanwhile the entry waits in memory, in neither
 * place a read could find it.
 *
 * <p>Strict order ({@link DestinationPolicy#strictOrder}): while any message of the queue
 * waits for its redelivery, the queue delivers nothing at all; once every one is back, delivery
 * goes on in the usual order (priority, then arrival), so a waiting message goes before every
 * message of its priority that arrived after it. A message waiting in the journal is back once
 * the queue has read its journal past the message's (time, place), its due horizon. After a
 * restart the queue holds until it has read past the latest redelivery time the journal held
 * ({@link #recovered}). The same goes for message groups: without strict order a group's later
 * messages go on while one of its messages waits for its redelivery, which then rejoins the
 * group's head ({@link MessageGroups}).
 *
 * <p>Guarded by the queue's monitor; a journal write completes on the journal's thread, which
 * takes that monitor.
 */
final class RedeliverySchedule {

    private static final Logger LOG = LoggerFactory.getLogger(RedeliverySchedule.class);
    private static final long RETRY_MILLIS = 1000;

    private record Waiting(QueueEntry entry, long until) {}

    /** A redelivery time and place, in the order the queue reads its journal's delayed entries. */
    private record Due(long time, long seq) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }

    private final MessageQueue queue;
    private final Timers timers;
    private final Storage storage;

    /** The waiting entries held in memory (on a timer, or while their time is being written), by place. */
    private final Map<Long, QueueEntry> held = new HashMap<>();
    /**
     * The waiting entries left in the journal, until the queue has read past them; after a
     * restart, (the latest redelivery time the journal held, Long.MAX_VALUE) stands for those.
     */
    private final TreeSet<Due> inJournal = new TreeSet<>();
    /** Places whose redelivery time is being written to the journal. */
    private final Set<Long> journaling = new HashSet<>();
    /** Entries {@link #waits} took, whose wait {@link #start} begins. */
    private final List<Waiting> taken = new ArrayList<>();

    RedeliverySchedule(MessageQueue queue, Timers timers, Storage storage) {
        this.queue = queue;
        this.timers = timers;
        this.storage = storage;
    }

    /**
     * Whether an entry given back seen must wait for its redelivery; if so it is taken here,
     * and its wait begins with {@link #start}.
     */
    boolean waits(QueueEntry entry) {
        long delay = queue.policy().redeliveryDelayAfter(entry.deliveryCount);
        if (delay <= 0) {
            return false;
        }
        held.put(entry.sequence, entry);
        taken.add(new Waiting(entry, System.currentTimeMillis() + delay));
        return true;
    }

    /** Begins the waits of the entries taken: the journaled ones' times are written in one batch. */
    void start() {
        if (taken.isEmpty()) {
            return;
        }
        List<Waiting> toJournal = new ArrayList<>();
        for (Waiting w : taken) {
            if (w.entry.journaled()) {
                journaling.add(w.entry.sequence);
                toJournal.add(w);
            } else {
                wakeAt(w.entry, w.until);
            }
        }
        taken.clear();
        if (!toJournal.isEmpty()) {
            journal(toJournal);
        }
    }

    private void journal(List<Waiting> batch) {
        List<JournalRecord> records = new ArrayList<>(batch.size());
        for (Waiting w : batch) {
            records.add(new JournalRecord.RedeliveryScheduled(queue.id, w.entry.sequence, w.until));
        }
        storage.append(records).whenComplete((ok, failure) -> journaled(batch, failure));
    }

    /**
     * The write of redelivery times ended. Stored: each entry leaves memory for the journal, or
     * waits in memory if the journal has been read past its time meanwhile. Failed (its outcome
     * perhaps unknown): written again a little later, the entries still held.
     */
    private void journaled(List<Waiting> batch, Throwable failure) {
        synchronized (queue) {
            if (failure != null && !queue.isDeleted()) {
                LOG.warn("Queue '{}': could not journal the redelivery time of {} message(s), trying again in {} ms: {}",
                        queue.name, batch.size(), RETRY_MILLIS, failure.toString());
                timers.scheduleCancellable(RETRY_MILLIS, () -> journal(batch));
                return;
            }
            for (Waiting w : batch) {
                long seq = w.entry.sequence;
                journaling.remove(seq);
                if (!held.containsKey(seq)) {
                    continue; // dropped with its queue
                }
                if (queue.redeliveryJournaled(w.entry, w.until)) {
                    held.remove(seq); // a read of due entries brings it back
                    inJournal.add(new Due(w.until, seq));
                } else {
                    wakeAt(w.entry, w.until);
                }
            }
        }
    }

    /** An entry held in memory is given back to its queue at {@code until}. */
    private void wakeAt(QueueEntry entry, long until) {
        timers.scheduleCancellable(Math.max(0, until - System.currentTimeMillis()), () -> queue.redeliveryDue(entry));
    }

    /** Claims a held entry whose time has come: answers whether it was still here (not dropped with its queue). */
    boolean due(QueueEntry entry) {
        return held.remove(entry.sequence) != null;
    }

    /** Whether the redelivery time of the entry at {@code seq} is being written: reads of due entries leave it alone. */
    boolean beingJournaled(long seq) {
        return journaling.contains(seq);
    }

    /** After a restart: the journal held messages waiting for their redelivery, the last until {@code until}. */
    void recovered(long until) {
        if (until > System.currentTimeMillis()) {
            inJournal.add(new Due(until, Long.MAX_VALUE));
        }
    }

    /**
     * The queue has read its journal's delayed entries up to its due horizon ({@code horizonTime},
     * {@code horizonSeq}): those waiting up to it are back (or gone). {@code nextDue} is the
     * earliest delivery time the queue knows to be left in the journal; Long.MAX_VALUE when none
     * is, and then none waits there.
     */
    void readUpTo(long horizonTime, long horizonSeq, long nextDue) {
        if (nextDue == Long.MAX_VALUE) {
            inJournal.clear();
        } else {
            inJournal.headSet(new Due(horizonTime, horizonSeq), true).clear();
        }
    }

    /** Whether the queue delivers nothing now: it keeps strict order and a message waits for its redelivery. */
    boolean holdsBack() {
        return (!held.isEmpty() || !inJournal.isEmpty()) && queue.policy().strictOrder();
    }

    /** The queue is deleted: answers the waiting entries held in memory, which wait no more. */
    List<QueueEntry> drop() {
        List<QueueEntry> dropped = new ArrayList<>(held.values());
        held.clear();
        inJournal.clear();
        return dropped;
    }
}
