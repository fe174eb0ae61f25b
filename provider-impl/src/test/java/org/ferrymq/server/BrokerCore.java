package org.ferrymq.server;

import org.ferrymq.broker.Broker;

/** The broker core inside an {@link EmbeddedBroker}, for tests that look at the broker's own state. */
public final class BrokerCore {

    private BrokerCore() {
    }

    public static Broker of(EmbeddedBroker embedded) {
        return embedded.broker();
    }
}
