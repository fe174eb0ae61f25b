package org.ferrymq.protocol;

import jakarta.jms.JMSException;

/**
 * A client channel that can be rebuilt on a new transport: what a reconnecting transport
 * (failover) needs of the client above it. The transport calls, in this order and from one
 * thread of its own: {@link #connectionInterrupted} once when it loses its server, then
 * {@link #rebuild} for each new connection it makes until one succeeds, then
 * {@link #connectionResumed}; or, when it gives up, {@link ClientChannel#connectionFailed}.
 */
public interface RecoverableChannel extends ClientChannel {

    /** The transport lost its server and is reconnecting; the application's requests wait meanwhile. */
    void connectionInterrupted(JMSException cause);

    /**
     * Opens on {@code fresh}, with its requests, everything this client has open (connection,
     * client ID, sessions, consumers and their credit), before any other request goes there.
     * Deliveries made on the lost connection are stale from now on. A failure fails this
     * attempt to reconnect; the transport tries again.
     */
    void rebuild(Transport fresh) throws JMSException;

    /** The rebuilt connection to {@code server} serves requests from now on. */
    void connectionResumed(String server);
}
