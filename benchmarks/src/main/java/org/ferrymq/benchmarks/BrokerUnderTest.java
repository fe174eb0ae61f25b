package org.ferrymq.benchmarks;

import jakarta.jms.ConnectionFactory;

/**
 * A messaging provider embedded in this JVM for the length of its trials. The benchmark
 * sees only the {@link ConnectionFactory}, so both providers run the same measuring code.
 */
interface BrokerUnderTest {

    /** The key used in {@code -Dbench.providers}. */
    String key();

    /** Starts the embedded broker, if the provider needs an explicit start, and returns a factory for it. */
    ConnectionFactory start() throws Exception;

    /**
     * Stops the broker so that its threads do not compete with the next provider's trials.
     * Called after {@link #start()}, also when the start failed half-way.
     */
    void stop() throws Exception;
}
