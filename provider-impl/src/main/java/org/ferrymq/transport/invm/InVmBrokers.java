package org.ferrymq.transport.invm;

import jakarta.jms.JMSException;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.server.EmbeddedBroker;

/**
 * How the in-VM transport finds the broker a {@code vm://NAME} URL names. The brokers of this
 * JVM, their settings and their life cycle are {@link EmbeddedBroker}'s.
 */
public final class InVmBrokers {

    private InVmBrokers() {
    }

    /** The broker a {@code vm://} URL names, started now with the URL's settings if it is not running. */
    public static EmbeddedBroker brokerFor(ConnectionUrl url) throws JMSException {
        return EmbeddedBroker.forUrl(url);
    }
}
