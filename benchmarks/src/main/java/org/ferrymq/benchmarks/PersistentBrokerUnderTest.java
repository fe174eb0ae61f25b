package org.ferrymq.benchmarks;

import jakarta.jms.ConnectionFactory;

/**
 * A messaging provider embedded in this JVM with its persistent store in a JDBC database.
 * {@link #start} after {@link #stop} on the same database is a restart: the broker must recover
 * the messages it had stored.
 */
interface PersistentBrokerUnderTest {

    /** The key used in {@code -Djdbcbench.providers}. */
    String key();

    /**
     * How the run names this broker in its output and its scratch database: the key, and the
     * setting that tells it apart from other runs of the same provider, if any (e.g.
     * {@code artemis_sync1ms}). Lower-case letters, digits and underscores.
     */
    default String name() {
        return key();
    }

    /**
     * Returns a factory for the broker keeping its store in {@code database}, started by now or
     * by the factory's first connection (the restart time counts both).
     */
    ConnectionFactory start(ScratchDatabase database) throws Exception;

    /**
     * Stops the broker and lets go of its database connections. Called after {@link #start},
     * also when the start failed half-way.
     */
    void stop() throws Exception;

    /** Deletes whatever the broker kept outside the database; called once, after the last {@link #stop()}. */
    void deleteLocalFiles() throws Exception;
}
