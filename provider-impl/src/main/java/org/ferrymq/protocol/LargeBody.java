package org.ferrymq.protocol;

/**
 * The body of a large message in a {@link MessageData}: a BytesMessage body above the
 * client's {@code largeMessageThreshold}, which travels and is stored in chunks and is never
 * held whole by the broker. The snapshot carries only where the chunks are and how many bytes
 * they hold.
 *
 * <p>{@code bodyId} names the chunks: in a client's {@link Command.Send}, the id it opened the
 * transfer with ({@link Command.BeginLargeBody}); at the broker and in a {@link Delivery}, the
 * number of the message the journal stores them under. A consumer reads them with
 * {@link Command.ReadLargeBody}.
 *
 * @param bodyId where the chunks are, as above
 * @param size the body's length in bytes
 */
public record LargeBody(long bodyId, long size) {

    /** The most bytes one chunk carries from a client; the broker refuses larger ones. */
    public static final int MAX_CHUNK = 1024 * 1024;

    /** The chunk size FerryMQ clients send and the broker stores: small enough for any frame limit in use. */
    public static final int CHUNK_SIZE = 256 * 1024;

    public LargeBody {
        if (size < 0) {
            throw new IllegalArgumentException("a body cannot have " + size + " bytes");
        }
    }
}
