package org.ferrymq.broker;

import java.util.Comparator;

/**
 * One message's place on one queue. Its delivery state is guarded by the queue's lock.
 */
final class QueueEntry {

    /** Delivery order: higher priority first, then the order messages arrived in. */
    static final Comparator<QueueEntry> DELIVERY_ORDER = (a, b) -> {
        int byPriority = Integer.compare(b.priority, a.priority);
        return byPriority != 0 ? byPriority : Long.compare(a.sequence, b.sequence);
    };

    final MessageQueue queue;
    final ServerMessage message;
    /** The entry's place on its queue: increasing per queue, and the key of its journal reference. */
    final long sequence;
    final int priority;
    /**
     * For a journaled entry, the delivery time its reference waits for in the journal: the
     * message's, when its delivery delay was not over as it was routed here; 0 when it was due.
     */
    final long delayedUntil;
    /** Times dispatched to a consumer; prefetched deliveries returned unseen do not count. */
    int deliveryCount;
    /**
     * Times receiveBody could not return this message's body (AUTO_ACKNOWLEDGE, DUPS_OK): not
     * deliveries the application saw, so not in {@code deliveryCount}, but attempts against the
     * broker's maximum, so that such a message cannot block its queue for good. Not journaled.
     */
    int refusedAttempts;
    /** The delivery count the journal holds for this entry; a dispatch past it must be journaled first. */
    int journaledDeliveryCount;
    /**
     * Whether this memory-only entry counts against the broker's limits for memory-only
     * messages; guarded by Storage's room lock, not the queue's.
     */
    boolean roomCounted;
    /** Set while dispatched and not yet acknowledged. */
    BrokerConsumer consumer;
    /** The message group it belongs to on its queue ({@link MessageGroups}); null for none. */
    MessageGroups.Group group;

    QueueEntry(MessageQueue queue, ServerMessage message, long sequence, int deliveryCount, long delayedUntil) {
        this.queue = queue;
        this.message = message;
        this.sequence = sequence;
        this.priority = Math.max(0, Math.min(9, message.data.priority()));
        this.deliveryCount = deliveryCount;
        this.journaledDeliveryCount = deliveryCount;
        this.delayedUntil = delayedUntil;
    }

    /** Whether the journal keeps this entry: a persistent message on a durable queue. */
    boolean journaled() {
        return queue.durable && message.persistent();
    }
}
