package org.ferrymq.protocol;

import jakarta.jms.JMSException;

/**
 * What the broker pushes to a connected client. Implementations must not block and must
 * not call back into the broker: the broker calls them while dispatching.
 */
public interface ClientChannel {

    void deliver(Delivery delivery);

    /**
     * {@code deliveries} deliveries that session {@code sessionId} acknowledged with
     * {@link Command.AcknowledgeAsync} are settled: their removal is stored, or ({@code failure}
     * not null) it failed or did not finish within the journal timeout, and the messages will be
     * redelivered, flagged, unless a late write stores the removal after all. Every
     * AcknowledgeAsync the broker accepted is reported exactly once; a client that never sends
     * one may ignore this.
     */
    default void acknowledgementsSettled(long sessionId, int deliveries, JMSException failure) {
    }

    /**
     * The name in the certificate the client proved over mutual TLS (its subject's CN), or
     * null: none was asked for, or the transport has no certificates (in-VM). The user a
     * broker may take such a client to be when it gives no user name.
     */
    default String certificateSubject() {
        return null;
    }

    /** The {@link #remoteAddress} of a client in the broker's own JVM. */
    String IN_VM = "in-VM";

    /** Where the client connects from, for the log (a failed login, say): a host's address, or {@link #IN_VM}. */
    default String remoteAddress() {
        return IN_VM;
    }

    /** The broker can no longer serve this connection. */
    void connectionFailed(JMSException cause);
}
