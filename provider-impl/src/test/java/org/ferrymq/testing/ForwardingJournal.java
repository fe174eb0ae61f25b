package org.ferrymq.testing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.JournalReplay;
import org.ferrymq.api.journal.StoredReference;

/**
 * A journal that hands every call to another one: a test overrides the calls it wants to hold
 * back, refuse, fail or record, and the rest behave as the real journal does.
 */
public abstract class ForwardingJournal implements Journal {

    protected final Journal inner;

    protected ForwardingJournal(Journal inner) {
        this.inner = inner;
    }

    @Override
    public void load(JournalReplay replay) throws JournalException {
        inner.load(replay);
    }

    @Override
    public List<StoredReference> readQueue(long queueId, long afterSeq, long uptoSeq, int max) throws JournalException {
        return inner.readQueue(queueId, afterSeq, uptoSeq, max);
    }

    @Override
    public List<StoredReference> readDelayed(long queueId, long afterTime, long afterSeq, long dueBy, int max)
            throws JournalException {
        return inner.readDelayed(queueId, afterTime, afterSeq, dueBy, max);
    }

    @Override
    public List<StoredReference> readExpired(long queueId, long afterSeq, long now, int max) throws JournalException {
        return inner.readExpired(queueId, afterSeq, now, max);
    }

    @Override
    public byte[] readBodyChunk(long messageNo, int chunkNo) throws JournalException {
        return inner.readBodyChunk(messageNo, chunkNo);
    }

    @Override
    public CompletableFuture<Void> append(List<JournalRecord> batch) {
        return inner.append(batch);
    }

    @Override
    public void onFailure(Consumer<JournalException> listener) {
        inner.onFailure(listener);
    }

    @Override
    public void close() {
        inner.close();
    }
}
