package org.ferrymq.broker;

import jakarta.jms.JMSException;
import jakarta.jms.ResourceAllocationException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.LargeBody;

/**
 * The body of a large message on its way in from a client: each chunk is handed to the journal
 * as it arrives and forgotten, so the broker never holds the body, only the last few chunks
 * until they are stored ({@link #WINDOW}), which is also what slows a sender down to the
 * journal's pace. The message itself is stored only when the client's Send ends the transfer,
 * after every chunk is durable: a message is whole or absent, never torn. Chunks of a transfer
 * that never ends (the client went away, the broker was killed) belong to no message, and the
 * journal deletes them (at once when the transfer is given up, else at the next start).
 *
 * <p>A transfer's commands come from its session, one at a time; the methods are synchronized
 * all the same, as a failure may end the transfer from the session's close.
 */
final class LargeBodyTransfer {

    /** Chunks handed to the journal and not yet known to be stored, beyond which a chunk waits. */
    static final int WINDOW = 4;

    private final Storage storage;
    final long bodyId;
    final long messageNo;
    final DestinationName destination;
    private final ArrayDeque<CompletableFuture<Void>> unconfirmed = new ArrayDeque<>();
    private int chunks;
    private long size;
    /** Why the transfer failed, once it has: every later command of it fails with this. */
    private JMSException failure;
    private boolean ended;

    LargeBodyTransfer(Storage storage, long bodyId, DestinationName destination) {
        this.storage = storage;
        this.bodyId = bodyId;
        this.messageNo = storage.nextNumber();
        this.destination = destination;
    }

    /** Stores the next chunk; with {@code confirm}, waits until it and every earlier one are stored. */
    synchronized void chunk(byte[] data, boolean confirm) throws JMSException {
        checkUsable();
        if (data.length == 0 || data.length > LargeBody.MAX_CHUNK) {
            fail(new ResourceAllocationException("A chunk of " + data.length + " bytes of large message body "
                    + bodyId + " is refused: chunks carry 1 to " + LargeBody.MAX_CHUNK + " bytes"));
        }
        unconfirmed.add(storage.append(List.of(new JournalRecord.BodyChunkAdded(messageNo, chunks, data))));
        chunks++;
        size += data.length;
        while (unconfirmed.size() > WINDOW) {
            await(unconfirmed.poll());
        }
        if (confirm) {
            awaitAll();
        }
    }

    /**
     * Ends the transfer for the Send of its message: waits until every chunk is stored and
     * answers the body as the broker keeps it, under the message's number. The caller stores the
     * message, or {@link #abandon}s the body if it cannot.
     */
    synchronized LargeBody finish(LargeBody sent) throws JMSException {
        checkUsable();
        awaitAll();
        if (sent.size() != size) {
            fail(new JMSException("Large message body " + bodyId + " was sent as " + size + " bytes in " + chunks
                    + " chunks, but its message says " + sent.size() + "; nothing of it is kept"));
        }
        ended = true;
        return new LargeBody(messageNo, size);
    }

    /** The transfer is given up (by its client, or its session closes): the journal deletes what it stored of it. */
    synchronized void abandon() {
        if (!ended) {
            ended = true;
            // after the chunks in the journal's order, so it finds them all
            storage.awaitRelease(storage.releaseBodies(List.of(messageNo)));
        }
    }

    private void checkUsable() throws JMSException {
        if (failure != null) {
            throw copy(failure);
        }
        if (ended) {
            throw new JMSException("Large message body " + bodyId + " is no longer open");
        }
    }

    private void awaitAll() throws JMSException {
        while (!unconfirmed.isEmpty()) {
            await(unconfirmed.poll());
        }
    }

    private void await(CompletableFuture<Void> written) throws JMSException {
        try {
            storage.await(written);
        } catch (JMSException e) {
            fail(e);
        }
    }

    /** Fails the transfer for good: nothing of it is kept, and its later commands fail with {@code e}. */
    private void fail(JMSException e) throws JMSException {
        failure = e;
        abandon();
        throw e;
    }

    private static JMSException copy(JMSException failure) {
        JMSException e = failure instanceof ResourceAllocationException
                ? new ResourceAllocationException(failure.getMessage()) : new JMSException(failure.getMessage());
        e.initCause(failure);
        e.setLinkedException(failure);
        return e;
    }
}
