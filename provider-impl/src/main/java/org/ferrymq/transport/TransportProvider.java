package org.ferrymq.transport;

import jakarta.jms.JMSException;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.protocol.Transport;

/**
 * Makes the transports of one URL scheme ({@code vm}, later {@code tcp}). An implementation
 * is public, has a public no-argument constructor and is named in {@link TransportFactory};
 * it is loaded on first use of its scheme, so a scheme nobody uses costs nothing.
 */
public interface TransportProvider {

    /**
     * A new transport to the broker or server {@code url} names, not yet connected: the
     * connection it serves sets its client channel and then sends its first command.
     */
    Transport create(ConnectionUrl url) throws JMSException;
}
