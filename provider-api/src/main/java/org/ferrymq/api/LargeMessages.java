package org.ferrymq.api;

/**
 * Large messages: a {@link jakarta.jms.BytesMessage} whose body is longer than the connection
 * URL's {@code largeMessageThreshold} (bytes, default 1 MiB) travels, is stored and is
 * delivered in chunks, so the broker never holds it whole, and no frame size limits it.
 * Applications that have the body as a stream, or want it as one, use two message
 * properties, with nothing but the JMS API on their compile path:
 *
 * <pre>{@code
 * BytesMessage out = session.createBytesMessage();
 * out.setObjectProperty("JMS_FerryMQ_InputStream", new FileInputStream(file)); // read chunk by chunk on send
 * producer.send(out);
 *
 * BytesMessage in = (BytesMessage) consumer.receive();
 * in.setObjectProperty("JMS_FerryMQ_SaveStream", new FileOutputStream(copy));  // returns once all is written
 * }</pre>
 *
 * A message sent with an input stream is large whatever its length, and the stream is its
 * whole body. Neither stream is closed by FerryMQ. A received large message's body is read
 * from the broker when the application first asks for it (a read method, {@code getBody},
 * or the save stream), so it must be asked for before the message is acknowledged: in
 * AUTO_ACKNOWLEDGE before the next receive, or within {@code onMessage}. A body above
 * 2 GiB can only be read through the save stream. A {@link jakarta.jms.QueueBrowser} shows
 * a large message's headers, properties and body length, but not its body.
 */
public final class LargeMessages {

    /** Set on a BytesMessage before sending: a {@link java.io.InputStream} that is its body. */
    public static final String INPUT_STREAM = "JMS_FerryMQ_InputStream";

    /**
     * Set on a received BytesMessage: a {@link java.io.OutputStream} its body is written to;
     * the call returns once the whole body is written.
     */
    public static final String SAVE_STREAM = "JMS_FerryMQ_SaveStream";

    private LargeMessages() {
    }
}
