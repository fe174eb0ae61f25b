package org.ferrymq.api.journal;

/**
 * One state change. A message is stored once ({@link MessageStored}) and referenced by every
 * durable queue that must deliver it ({@link ReferenceAdded}); a reference is named by its
 * queue and its position on that queue ({@code seq}, increasing per queue). A message whose
 * last reference is removed is no longer needed.
 */
public sealed interface JournalRecord {

    /** A queue or topic, {@code kind} being "queue" or "topic". */
    record DestinationCreated(String kind, String name) implements JournalRecord {}

    record DestinationDeleted(String kind, String name) implements JournalRecord {}

    /** A durable subscription; {@code queue} is the name of the queue that holds its messages. */
    record SubscriptionCreated(String queue, String topic, String clientId, String name,
            String selector, boolean noLocal, boolean shared) implements JournalRecord {}

    /** A durable subscription is gone, and with it every reference its queue held. */
    record SubscriptionDeleted(String queue) implements JournalRecord {}

    /** A persistent message, stored before any of its {@link StoredMessage#references()} references. */
    record MessageStored(StoredMessage message) implements JournalRecord {}

    /**
     * A message takes place {@code seq} on a queue. {@code deliveryCount} above zero records
     * that it may be handed to a consumer before the journal hears of it again.
     * {@code deliveryTime} above zero is the time the reference waits for, a delivery delay
     * not yet over when the message was routed; such references are read back with
     * {@link Journal#readDelayed}, the others (0) with {@link Journal#readQueue}.
     */
    record ReferenceAdded(String queue, long seq, long messageNo, int deliveryCount, long deliveryTime)
            implements JournalRecord {}

    /** The message was acknowledged (or expired) on that queue; the message goes with its last reference. */
    record ReferenceRemoved(String queue, long seq, StoredMessage message) implements JournalRecord {}

    /**
     * A reference moves to another queue (to the dead-letter queue), its delivery count starting
     * over; it was delivered already, so it waits for no delivery time there.
     */
    record ReferenceMoved(String fromQueue, long fromSeq, String toQueue, long toSeq) implements JournalRecord {}

    /**
     * The references at places {@code firstSeq..lastSeq} of a queue are about to be delivered
     * for the {@code deliveryCount}th time: after a crash they come back marked as redelivered.
     * One record covers a whole dispatch window, so delivering costs no write per message.
     */
    record DeliveriesCounted(String queue, long firstSeq, long lastSeq, int deliveryCount) implements JournalRecord {}

    /**
     * An XA branch is prepared: its messages are stored (each once, whatever the number of
     * its sends), its acknowledged places locked. Neither takes effect until it ends.
     */
    record TransactionPrepared(PreparedTransaction transaction) implements JournalRecord {}

    /**
     * A prepared branch ends. Committed: the broker adds the references of its sends
     * ({@link ReferenceAdded}) and removes its acknowledged places ({@link ReferenceRemoved})
     * in the same batch, before this record. Rolled back: the messages it stored are dropped
     * and its places unlocked.
     */
    record TransactionEnded(long txNo, boolean committed) implements JournalRecord {}
}
