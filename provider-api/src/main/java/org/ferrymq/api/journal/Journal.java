package org.ferrymq.api.journal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a broker keeps every state change that must survive it: destinations,
 * subscriptions, persistent messages and the queue references to them.
 *
 * <p>The broker hands the journal batches of records; each batch is atomic, and its future
 * completes only once the batch is durable. Implementations are free to merge batches from
 * many callers into one storage transaction (group commit), as long as every caller's future
 * completes after its own records are durable. On start the broker replays the journal
 * through {@link #load(JournalReplay)} to rebuild its state.
 */
public interface Journal extends AutoCloseable {

    /** Replays what the journal holds, destinations and subscriptions first, then messages and references in order. */
    void load(JournalReplay replay) throws JournalException;

    /** Appends one atomic batch; the future completes when it is durable, or exceptionally with a JournalException. */
    CompletableFuture<Void> append(List<JournalRecord> batch);

    @Override
    void close();
}
