package org.ferrymq.api.journal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a broker keeps every state change that must survive it: destinations,
 * subscriptions, persistent messages, the queue references to them and prepared XA branches.
 *
 * <p>The broker hands the journal batches of records; each batch is atomic, and its future
 * completes only once the batch is durable. Batches become durable in the order they were
 * appended. Implementations are free to merge batches from many callers into one storage
 * transaction (group commit), as long as every caller's future completes after its own
 * records are durable.
 *
 * <p>On start the broker replays the journal through {@link #load(JournalReplay)}, then reads
 * queue contents page by page with {@link #readQueue}, and delayed messages as they come due
 * with {@link #readDelayed}, so a backlog never has to fit in memory at once.
 */
public interface Journal extends AutoCloseable {

    /**
     * Replays destinations, then subscriptions, then the state of every queue that holds
     * references, then the prepared XA branches, then the highest message number.
     */
    void load(JournalReplay replay) throws JournalException;

    /**
     * Up to {@code max} references of a queue with places in {@code (afterSeq, uptoSeq]}, in
     * place order, each with its message; only references added without a delivery time
     * (see {@link #readDelayed} for the others). A message that cannot be read back is
     * reported and left out, so that the rest of the queue is still delivered.
     */
    List<StoredReference> readQueue(String queue, long afterSeq, long uptoSeq, int max) throws JournalException;

    /**
     * Up to {@code max} references of a queue that were added with a delivery time (above 0),
     * ordered by (delivery time, place), those after {@code (afterTime, afterSeq)} in that order
     * whose delivery time is at most {@code dueBy}; each with its message. This keeps delayed
     * messages in the journal until they are due: the broker reads them back when their time
     * comes, a page at a time. Damaged messages are left out as by {@link #readQueue}.
     */
    List<StoredReference> readDelayed(String queue, long afterTime, long afterSeq, long dueBy, int max)
            throws JournalException;

    /** Appends one atomic batch; the future completes when it is durable, or exceptionally with a JournalException. */
    CompletableFuture<Void> append(List<JournalRecord> batch);

    @Override
    void close();
}
