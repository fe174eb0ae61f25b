package org.ferrymq.broker;

import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.ferrymq.selector.Selector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of one consumer: which queue it reads, its selector, its remaining credit,
 * and how many of the messages dispatched to it its session has not settled.
 *
 * <p>Invariant: the queue dispatches to a consumer only while it has credit and fewer than
 * {@code maxUnacknowledged} unsettled messages, whatever credit its client claims; so a
 * consumer whose session never acknowledges holds at most that many messages of its queue.
 */
final class BrokerConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerConsumer.class);

    final long id;
    final BrokerSession session;
    final MessageQueue queue;
    final Selector selector;
    /** The subscription this consumer reads, or null for a queue consumer. */
    final Subscription subscription;
    /** Messages the broker may still push; guarded by the queue's monitor. */
    int credit;
    /** The broker's bound on {@link #unsettled}. */
    final int maxUnacknowledged;
    /**
     * Messages dispatched to this consumer and still in its session's hands: not acknowledged,
     * committed, taken into an XA branch, or given back. Raised under the queue's monitor,
     * lowered by the session without it.
     */
    private final AtomicInteger unsettled = new AtomicInteger();
    private boolean limitReported;
    /**
     * With a selector: the entries waiting on the queue that it matches, in delivery order;
     * kept by the queue, under its monitor. Null without a selector (it takes any entry).
     */
    final TreeSet<QueueEntry> matching;
    /**
     * The heads of the message groups pinned to this consumer, which only it takes; kept by the
     * queue's {@link MessageGroups}, under the queue's monitor. Null until a group is pinned to it.
     */
    TreeSet<QueueEntry> groupHeads;

    BrokerConsumer(long id, BrokerSession session, MessageQueue queue, Selector selector, Subscription subscription,
            int maxUnacknowledged) {
        this.id = id;
        this.session = session;
        this.queue = queue;
        this.selector = selector;
        this.subscription = subscription;
        this.maxUnacknowledged = maxUnacknowledged;
        this.matching = selector == null ? null : new TreeSet<>(QueueEntry.DELIVERY_ORDER);
    }

    /** Whether the queue may dispatch one more message to this consumer; under the queue's monitor. */
    boolean mayTake() {
        return credit > 0 && unsettled.get() < maxUnacknowledged;
    }

    /** The queue dispatched a message to this consumer; under the queue's monitor. */
    void dispatched() {
        credit--;
        if (unsettled.incrementAndGet() == maxUnacknowledged && !limitReported) {
            limitReported = true;
            LOG.warn("Consumer {} on '{}' holds {} messages its session has not acknowledged, committed, recovered "
                    + "or rolled back (maxUnacknowledged); it gets no more until its session settles some", id,
                    queue, maxUnacknowledged);
        }
    }

    /**
     * {@code count} messages dispatched to this consumer left its session's hands. A consumer
     * that was at its limit may take messages again, so its queue dispatches. Never called
     * under the session's monitor (the queue takes its own, then the session's).
     */
    void settled(int count) {
        if (count > 0 && unsettled.getAndAdd(-count) >= maxUnacknowledged) {
            queue.dispatch();
        }
    }
}
