package org.ferrymq.benchmarks;

import jakarta.jms.ConnectionFactory;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;

/**
 * FerryMQ with its embedded broker: the first connection to {@code vm://bench} starts it
 * with default settings (in-memory journal, destinations created on first use).
 */
final class EmbeddedFerryMq implements BrokerUnderTest {

    private static final String BROKER_NAME = "bench";

    @Override
    public String key() {
        return "ferrymq";
    }

    @Override
    public ConnectionFactory start() {
        return new FerryConnectionFactory("vm://" + BROKER_NAME);
    }

    @Override
    public void stop() {
        EmbeddedBroker.stop(BROKER_NAME);
    }
}
