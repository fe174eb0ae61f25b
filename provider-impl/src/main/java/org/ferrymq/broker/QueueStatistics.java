package org.ferrymq.broker;

import java.util.concurrent.atomic.LongAdder;

/**
 * What happened on one queue (a queue destination, or the queue of a subscription) since the
 * broker started, counted where it happens: a {@link LongAdder} increment each, no lock and no
 * allocation on the way of a message. Its depth is counted as well, not looked up: a paging
 * queue holds only part of its messages in memory. Every message on a queue came there once,
 * either while this broker ran ({@link #added}) or before it started ({@link #recovered}), and
 * leaves it once ({@link #removed}: acknowledged, expired, dead-lettered); so the depth is
 * exact, and so is what was acknowledged: every removal that is neither of the others.
 */
final class QueueStatistics {

    /** One queue's figures at one moment. */
    record Snapshot(long messages, long added, long acknowledged, long redelivered, long expired, long deadLettered,
            int consumers) {}

    private final LongAdder recovered = new LongAdder();
    private final LongAdder added = new LongAdder();
    private final LongAdder removed = new LongAdder();
    private final LongAdder redelivered = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();

    /** The journal held {@code messages} on the queue when the broker started. */
    void recovered(long messages) {
        recovered.add(messages);
    }

    /** A message was stored on the queue (sent, routed from a topic, moved there, committed by an XA branch). */
    void added() {
        added.increment();
    }

    /** A message left the queue for good, whatever the reason. */
    void removed(int messages) {
        removed.add(messages);
    }

    /** A message went out again, flagged redelivered. */
    void redelivered() {
        redelivered.increment();
    }

    /** Messages expired on the queue: dropped, or moved to an expiry queue (they are {@link #removed} too). */
    void expired(int messages) {
        expired.add(messages);
    }

    /** Messages moved to a dead-letter queue, their delivery attempts used up (they are {@link #removed} too). */
    void deadLettered(int messages) {
        deadLettered.add(messages);
    }

    /** Messages on the queue now; read what is gone before what came, so a message counted as gone is counted as come. */
    long messages() {
        long gone = removed.sum();
        return Math.max(0, recovered.sum() + added.sum() - gone);
    }

    /** Messages added since the broker started. */
    long addedTotal() {
        return added.sum();
    }

    /** Every removal that was neither an expiry nor a dead-lettering. */
    long acknowledged() {
        long gone = removed.sum();
        return Math.max(0, gone - expired.sum() - deadLettered.sum());
    }

    /** Redeliveries since the broker started. */
    long redeliveredTotal() {
        return redelivered.sum();
    }

    long expired() {
        return expired.sum();
    }

    long deadLettered() {
        return deadLettered.sum();
    }

    Snapshot snapshot(int consumers) {
        return new Snapshot(messages(), addedTotal(), acknowledged(), redeliveredTotal(), expired(), deadLettered(),
                consumers);
    }
}
