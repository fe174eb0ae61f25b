package org.ferrymq.protocol;

import jakarta.jms.JMSException;

/**
 * What the broker pushes to a connected client. Implementations must not block and must
 * not call back into the broker: the broker calls them while dispatching.
 */
public interface ClientChannel {

    void deliver(Delivery delivery);

    /** The broker can no longer serve this connection. */
    void connectionFailed(JMSException cause);
}
