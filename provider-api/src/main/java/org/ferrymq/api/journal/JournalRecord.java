package org.ferrymq.api.journal;

import java.util.List;

/**
 * One state change. A message is stored once ({@link MessageStored}) and referenced by every
 * durable queue that must deliver it ({@link ReferenceAdded}); a reference is named by its
 * queue's id and its position on that queue ({@code seq}, increasing per queue). A message
 * whose last reference is removed is no longer needed.
 *
 * <p>Every journaled queue (a queue destination, or the queue of a durable subscription) has a
 * {@code queueId} that the broker gives it when it creates it, unique in the journal and never
 * reused: records about a queue's contents name the queue by that id alone, so no name can
 * ever stand for two things.
 */
public sealed interface JournalRecord {

    /**
     * A queue or topic, {@code kind} being "queue" or "topic"; {@code queueId} is a queue's id,
     * 0 for a topic (whose messages live in its subscriptions' queues).
     */
    record DestinationCreated(long queueId, String kind, String name) implements JournalRecord {}

    /**
     * A destination is gone; a queue takes every reference it held with it, and a queue or topic
     * its duplicate IDs ({@link DuplicateIdAdded}).
     */
    record DestinationDeleted(long queueId, String kind, String name) implements JournalRecord {}

    /**
     * A durable subscription, known by its client ID (null for none) and name, and the queue
     * {@code queueId} that holds its messages.
     */
    record SubscriptionCreated(long queueId, String clientId, String name, String topic, String selector,
            boolean noLocal, boolean shared) implements JournalRecord {}

    /** A durable subscription is gone, and with it every reference its queue held. */
    record SubscriptionDeleted(long queueId) implements JournalRecord {}

    /** A persistent message, stored before any of its {@link StoredMessage#references()} references. */
    record MessageStored(StoredMessage message) implements JournalRecord {}

    /**
     * One piece of the body of large message {@code messageNo} ({@link ChunkedBody}), written as
     * it arrives and before the message itself: chunk {@code chunkNo} (from 0) of the body's
     * bytes, in order. Until a {@link MessageStored} of that number is durable, its chunks
     * belong to no message; a journal deletes such chunks when it starts, so that a send that
     * never finished leaves nothing behind.
     */
    record BodyChunkAdded(long messageNo, int chunkNo, byte[] data) implements JournalRecord {}

    /**
     * The broker no longer needs the chunks of large message {@code messageNo}: the journal
     * deletes them unless the message itself is still stored (some durable queue still
     * references it). Appended after the last reference's removal, and when a large send is
     * abandoned or the last memory-only copy of a large message goes.
     */
    record LargeBodyReleased(long messageNo) implements JournalRecord {}

    /**
     * The chunks of large message {@code fromMessageNo} are copied under {@code toMessageNo}, a
     * new message with the same body (a dead-letter or expiry copy of it), in the same batch as
     * that message and before any release of the original's: each message owns its chunks, so
     * the original's going never takes the copy's body along.
     */
    record LargeBodyCopied(long fromMessageNo, long toMessageNo) implements JournalRecord {}

    /**
     * A message takes place {@code seq} on a queue. {@code deliveryCount} above zero records
     * that it may be handed to a consumer before the journal hears of it again.
     * {@code deliveryTime} above zero is the time the reference waits for, a delivery delay
     * not yet over when the message was routed; such references are read back with
     * {@link Journal#readDelayed}, the others (0) with {@link Journal#readQueue}.
     */
    record ReferenceAdded(long queueId, long seq, long messageNo, int deliveryCount, long deliveryTime)
            implements JournalRecord {}

    /** The message was acknowledged (or expired) on that queue; the message goes with its last reference. */
    record ReferenceRemoved(long queueId, long seq, StoredMessage message) implements JournalRecord {}

    /**
     * A reference moves to another queue (to the dead-letter queue), its delivery count starting
     * over; it was delivered already, so it waits for no delivery time there.
     */
    record ReferenceMoved(long fromQueueId, long fromSeq, long toQueueId, long toSeq) implements JournalRecord {}

    /**
     * The references at places {@code firstSeq..lastSeq} of a queue are about to be delivered
     * for the {@code deliveryCount}th time: after a crash they come back marked as redelivered.
     * One record covers a whole dispatch window, so delivering costs no write per message.
     */
    record DeliveriesCounted(long queueId, long firstSeq, long lastSeq, int deliveryCount) implements JournalRecord {}

    /**
     * The message at place {@code seq} of a queue came back from its consumer (rolled back,
     * recovered) and waits for its redelivery until {@code deliveryTime}: the reference takes
     * that delivery time, keeping its delivery count, and is read back with
     * {@link Journal#readDelayed} when due, like a message sent with a delivery delay. A
     * reference with a delivery count above 0 whose delivery time is ahead waits so.
     */
    record RedeliveryScheduled(long queueId, long seq, long deliveryTime) implements JournalRecord {}

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

    /**
     * A send carrying the duplicate ID {@code duplicateId} was accepted on the queue or topic
     * {@code kind} ("queue" or "topic") {@code destination}, at {@code seenAt} (milliseconds since
     * the epoch): a later send with the same ID there is a duplicate while the ID stays in the
     * destination's window. {@code seq} numbers the IDs of one destination in the order the broker
     * took them, from 1. {@code entry} names this record among all the journal's window entries
     * (of every destination): unique, given in increasing order, and what
     * {@link DuplicateIdsForgotten} names it by. Written in the batch that stores the message the
     * ID admitted, so the two are durable together or not at all.
     */
    record DuplicateIdAdded(long entry, String kind, String destination, long seq, String duplicateId, long seenAt)
            implements JournalRecord {}

    /**
     * The window entries {@code entries} ({@link DuplicateIdAdded#entry}) left their windows (newer
     * IDs took their places, or their time ran out): the journal may forget them. Written in the
     * batch of a send that pushed them out; a journal that forgets them later, or never, loses
     * nothing, as the broker drops what has left a window when it loads it (and names those
     * entries again in a later record).
     */
    record DuplicateIdsForgotten(List<Long> entries) implements JournalRecord {

        public DuplicateIdsForgotten {
            entries = List.copyOf(entries);
        }
    }
}
