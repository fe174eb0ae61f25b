package org.ferrymq.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ferrymq.protocol.DeadLetterAnnotations;

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
 */
final class Expiry {

    /** How long entries whose move failed wait before they go back to their queues. */
    private static final long RETRY_MILLIS = 5000;

    private final Timers timers;
    private final Storage storage;
    private final DeadLettering deadLettering;
    /** Entries waiting to be moved to an expiry queue, in the order their queues gave them up. */
    private final ConcurrentLinkedQueue<QueueEntry> toMove = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean moving = new AtomicBoolean();

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
        deadLettering.move(entries, target, DeadLetterAnnotations.EXPIRED, () -> {
            storage.removed(entries);
            entries.forEach(entry -> entry.queue.countExpired(1));
        }, () -> timers.scheduleCancellable(RETRY_MILLIS,
                () -> entries.forEach(entry -> entry.queue.enqueueNow(List.of(entry)))));
    }
}
