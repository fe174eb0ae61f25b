package org.ferrymq.api.journal;

/**
 * The body of a large message in a {@link MessageContent}: not the bytes, which the journal
 * keeps apart as {@link JournalRecord.BodyChunkAdded chunks} under the message's number and
 * gives back one at a time ({@link Journal#readBodyChunk}), but how many there are.
 *
 * @param messageNo the number of the message the chunks are stored under
 * @param size the body's length in bytes
 */
public record ChunkedBody(long messageNo, long size) {

    public ChunkedBody {
        if (size < 0) {
            throw new IllegalArgumentException("a body cannot have " + size + " bytes");
        }
    }
}
