package org.ferrymq.api.journal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where a broker keeps every state change that must survive it: destinations,
 * subscriptions, persistent messages, the queue references to them and prepared XA branches.
 *
 * <p>The broker hands the journal batches of records; each batch is atomic, and its future
 * completes only once the batch is durable. Batches become durable in the order they were
 * appended, but for one exception: a batch of nothing but {@link JournalRecord.DestinationCreated}
 * and {@link JournalRecord.SubscriptionCreated} records may be written apart from the others,
 * so that a creation waiting for the database holds up no message. That is safe because the
 * broker appends nothing about a queue before its creation is durable. Implementations are
 * free to merge batches from many callers into one storage transaction (group commit), as
 * long as every caller's future completes after its own records are durable.
 *
 * <p>On start the broker replays the journal through {@link #load(JournalReplay)}, then reads
 * queue contents page by page with {@link #readQueue}, and delayed messages as they come due
 * with {@link #readDelayed}, so a backlog never has to fit in memory at once; expired messages
 * that no consumer reaches are found with {@link #readExpired}.
 */
public interface Journal extends AutoCloseable {

    /**
     * The longest name of a destination, client ID or subscription (in Java {@code char}s) a
     * journal must keep; the broker refuses longer ones before they reach it.
     */
    int MAX_NAME_LENGTH = 255;

    /** The longest duplicate ID (in Java {@code char}s) a journal must keep; the broker refuses longer ones. */
    int MAX_DUPLICATE_ID_LENGTH = 255;

    /**
     * Replays destinations, then subscriptions, then the state of every queue that holds
     * references, then the duplicate IDs of each destination's window, then the prepared XA
     * branches, then the highest number in use.
     */
    void load(JournalReplay replay) throws JournalException;

    /**
     * Up to {@code max} references of queue {@code queueId} with places in
     * {@code (afterSeq, uptoSeq]}, in place order, each with its message; only references
     * without a delivery time (see {@link #readDelayed} for the others). A message that
     * cannot be read back is reported and left out, so that the rest of the queue is still
     * delivered.
     */
    List<StoredReference> readQueue(long queueId, long afterSeq, long uptoSeq, int max) throws JournalException;

    /**
     * Up to {@code max} references of queue {@code queueId} that have a delivery time (above
     * 0: added with one, or given one by {@link JournalRecord.RedeliveryScheduled}), ordered by
     * (delivery time, place), those after {@code (afterTime, afterSeq)} in that order whose
     * delivery time is at most {@code dueBy}; each with its message and delivery count. This
     * keeps delayed messages, and messages waiting for their redelivery, in the journal until
     * they are due: the broker reads them back when their time comes, a page at a time. Damaged
     * messages are left out as by {@link #readQueue}.
     */
    List<StoredReference> readDelayed(long queueId, long afterTime, long afterSeq, long dueBy, int max)
            throws JournalException;

    /**
     * Up to {@code max} references of queue {@code queueId} with places after {@code afterSeq},
     * in place order, whose message has expired by {@code now} (an expiration above 0 and at most
     * {@code now}), with or without a delivery time; each with its message. The broker's expiry
     * scan finds with it the expired messages it does not hold in memory. Damaged messages are
     * left out as by {@link #readQueue}.
     */
    List<StoredReference> readExpired(long queueId, long afterSeq, long now, int max) throws JournalException;

    /**
     * Chunk {@code chunkNo} of the body of large message {@code messageNo}, as a
     * {@link JournalRecord.BodyChunkAdded} stored it, or null when there is no such chunk (the
     * message is gone, or the body has fewer chunks). Bodies are read a chunk at a time, so a
     * large body never has to fit in memory at once.
     */
    default byte[] readBodyChunk(long messageNo, int chunkNo) throws JournalException {
        throw new JournalException("This journal (" + getClass().getName() + ") does not store large message bodies");
    }

    /**
     * Appends one atomic batch. The future completes when the batch is durable; exceptionally
     * with a {@link JournalException} when nothing of it is, or with a
     * {@link JournalOutcomeUnknownException} when the journal cannot tell (the database failed
     * while committing it).
     */
    CompletableFuture<Void> append(List<JournalRecord> batch);

    /**
     * Registers what to do when the journal fails beyond repair (its writer died, say): the
     * listener is called once, on a thread of the journal's own, with the reason, and every
     * append is refused from then on. The broker stops. A journal that cannot fail so never
     * calls it.
     */
    default void onFailure(Consumer<JournalException> listener) {
    }

    @Override
    void close();
}
