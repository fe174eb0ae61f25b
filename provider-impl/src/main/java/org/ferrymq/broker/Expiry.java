package org.ferrymq.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.StoredReference;
import org.ferrymq.protocol.DeadLetterAnnotations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of messages whose time to live has passed: a queue that finds one (dispatching,
 * or when the broker scans it) takes it off and hands it here, and it goes to the expiry queue
 * of its destination's policy ({@code expiryQueue}, {@code autoCreateExpiryQueue}) as an
 * annotated copy (see {@link DeadLettering}), or, without one, is dropped. The messages of
 * dead-letter and expiry queues are dropped too: they never move again. Each is counted on its
 * queue ({@link MessageQueue#expiredCount}) once it is gone from there.
 *
 * <p>Queues hand entries over under their monitor, so nothing here waits on that path: a drop
 * is journaled without waiting, moves are carried out on a thread of the broker's timers. A move
 * that cannot be stored puts its entries back on their queues a little later, to expire again.
 *
 * <p>Expired messages that no consumer reaches are found by a scan every
 * {@code expiryScanPeriod}: in memory (those waiting, not those delivered and unacknowledged:
 * the consumer has them) and in the journal (what a queue holds there only: a paging queue's
 * backlog, delayed messages not yet due, a restarted queue's unread pages). An entry found in
 * the journal is held by its queue, so that no page read brings it back while it is removed or
 * moved; the scan waits for each of its writes.
 */
final class Expiry {

    private static final Logger LOG = LoggerFactory.getLogger(Expiry.class);

    /** How long entries whose move failed wait before they go back to their queues. */
    private static final long RETRY_MILLIS = 5000;

    private final Timers timers;
    private final Storage storage;
    private final DeadLettering deadLettering;
    /** Entries waiting to be moved to an expiry queue, in the order their queues gave them up. */
    private final ConcurrentLinkedQueue<QueueEntry> toMove = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean moving = new AtomicBoolean();
    /** One scan at a time. */
    private final Object scanning = new Object();

    Expiry(Timers timers, Storage storage, DeadLettering deadLettering) {
        this.timers = timers;
        this.storage = storage;
        this.deadLettering = deadLettering;
    }

    /** Takes an expired entry its queue gave up; called under the queue's monitor, so it never waits. */
    void expired(QueueEntry entry) {
        if (target(entry) == null) {
            storage.discard(entry);
            return;
        }
        toMove.add(entry);
        if (moving.compareAndSet(false, true)
                && timers.scheduleJournalWork(0, this::moveWaiting) == null) {
            moving.set(false); // the broker is closing: the journal keeps the persistent ones for the next start
        }
    }

    /** The expiry queue an expired entry goes to, or null when it is dropped. */
    private String target(QueueEntry entry) {
        MessageQueue queue = entry.queue;
        String target = queue.policy().expiryQueueFor(queue.destination);
        if (target == null || target.equals(queue.name) || deadLettering.isDeadLetterOrExpiryQueue(queue)) {
            return null;
        }
        return target;
    }

    /** Moves what is waiting, one journal write per expiry queue, until nothing is. */
    private void moveWaiting() {
        while (true) {
            Map<String, List<QueueEntry>> byTarget = new LinkedHashMap<>();
            QueueEntry entry;
            while ((entry = toMove.poll()) != null) {
                if (entry.queue.isDeleted()) {
                    storage.removed(List.of(entry)); // its queue took its journal references along
                    continue;
                }
                String target = target(entry);
                if (target == null) { // the policy changed meanwhile
                    storage.discard(entry);
                    continue;
                }
                byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(entry);
            }
            byTarget.forEach(this::move);
            moving.set(false);
            if (toMove.isEmpty() || !moving.compareAndSet(false, true)) {
                return; // done, or another call took over what came meanwhile
            }
        }
    }

    private void move(String target, List<QueueEntry> entries) {
        deadLettering.move(entries, target, DeadLetterAnnotations.EXPIRED, () -> gone(entries, false),
                () -> putBack(entries, false));
    }

    // ---- the scan ----

    /** Scans {@code queues} every {@code periodMillis} from now on (never for 0), until the broker closes. */
    void scanEvery(long periodMillis, Supplier<List<MessageQueue>> queues) {
        if (periodMillis > 0) {
            timers.scheduleJournalWork(periodMillis, () -> {
                try {
                    scan(queues.get());
                } finally {
                    scanEvery(periodMillis, queues);
                }
            });
        }
    }

    /** Takes the expired messages nobody consumes off {@code queues}; answers how many it took. */
    int scan(List<MessageQueue> queues) {
        synchronized (scanning) {
            int taken = 0;
            for (MessageQueue queue : queues) {
                long now = System.currentTimeMillis();
                try {
                    List<QueueEntry> waiting = queue.takeExpired(now);
                    settle(waiting, false);
                    taken += waiting.size() + scanJournal(queue, now);
                } catch (JournalException | RuntimeException e) {
                    LOG.warn("Queue '{}': the expiry scan could not read the journal; the next scan tries again: {}",
                            queue.name, e.toString());
                }
            }
            return taken;
        }
    }

    /** Takes the expired entries the queue holds in the journal only, a page at a time. */
    private int scanJournal(MessageQueue queue, long now) throws JournalException {
        long after = queue.journalOnlyAfter();
        int taken = 0;
        while (after >= 0) {
            List<StoredReference> expired = storage.journal().readExpired(queue.id, after, now, MessageQueue.PAGE_SIZE);
            List<QueueEntry> held = queue.holdExpiredInJournal(expired);
            settle(held, true);
            taken += held.size();
            if (expired.size() < MessageQueue.PAGE_SIZE) {
                break;
            }
            after = expired.get(expired.size() - 1).seq();
        }
        return taken;
    }

    /**
     * Drops or moves entries the scan took, waiting for the journal: those going nowhere in one
     * write, the others one write per expiry queue. {@code held}: they were found in the journal
     * only, and their queue holds them until this ends.
     */
    private void settle(List<QueueEntry> entries, boolean held) {
        if (entries.isEmpty()) {
            return;
        }
        Map<String, List<QueueEntry>> byTarget = new LinkedHashMap<>();
        List<QueueEntry> dropped = new ArrayList<>();
        for (QueueEntry entry : entries) {
            if (entry.queue.isDeleted()) { // its queue took its journal references along
                if (held) {
                    entry.queue.unlock(entry, false);
                }
                storage.removed(List.of(entry));
                continue;
            }
            String target = target(entry);
            if (target == null) {
                dropped.add(entry);
            } else {
                byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(entry);
            }
        }
        if (!dropped.isEmpty()) {
            List<JournalRecord> records = new ArrayList<>(dropped.size());
            dropped.forEach(entry -> storage.removal(entry, records));
            deadLettering.write(records, "the removal of " + dropped.size() + " expired message(s)",
                    () -> gone(dropped, held), () -> putBack(dropped, held));
        }
        byTarget.forEach((target, moved) -> deadLettering.move(moved, target, DeadLetterAnnotations.EXPIRED,
                () -> gone(moved, held), () -> putBack(moved, held)));
    }

    /** Expired entries are removed or moved for good: counted, and their memory is free. */
    private void gone(List<QueueEntry> entries, boolean held) {
        if (held) {
            entries.forEach(entry -> entry.queue.unlock(entry, false));
        }
        storage.removed(entries);
        entries.forEach(entry -> entry.queue.countExpired(1));
    }

    /**
     * Expired entries could not be removed or moved: they go back where they were, those from
     * memory a little later (to expire again then, not at once in a loop).
     */
    private void putBack(List<QueueEntry> entries, boolean held) {
        if (held) {
            for (QueueEntry entry : entries) {
                if (entry.queue.unlock(entry, true)) {
                    entry.queue.enqueueNow(List.of(entry));
                }
            }
            return;
        }
        timers.scheduleCancellable(RETRY_MILLIS, () -> entries.forEach(entry -> entry.queue.enqueueNow(List.of(entry))));
    }
}
