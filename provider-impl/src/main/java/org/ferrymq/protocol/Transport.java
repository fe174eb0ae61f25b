package org.ferrymq.protocol;

import jakarta.jms.JMSException;

/**
 * The client's only way to the broker. In-VM and TCP are two implementations; the client
 * code above this interface is the same for both.
 */
public interface Transport extends AutoCloseable {

    /** Sends a command and waits for its answer; broker-side failures come back as the JMSException the broker raised. */
    <R> R request(Command<R> command) throws JMSException;

    /** Where deliveries and connection failures go; set once, before the connection is opened. */
    void setClientChannel(ClientChannel channel);

    /**
     * Whether the connection ended without {@link #close()} (the server went away or stopped
     * answering): every request fails from now on. A request that failed on a lost transport
     * may or may not have reached the broker, unless the transport refused it before writing.
     */
    default boolean isLost() {
        return false;
    }

    @Override
    void close();
}
