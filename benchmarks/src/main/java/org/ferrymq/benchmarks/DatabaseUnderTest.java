package org.ferrymq.benchmarks;

import java.io.IOException;
import java.sql.SQLException;

/**
 * A database system the benchmark measures on. It hands out empty {@link ScratchDatabase}s, one
 * per part of the run, and drops them afterwards, so every provider starts on an empty database.
 */
interface DatabaseUnderTest {

    /** The key used in {@code -Djdbcbench.databases}. */
    String key();

    /**
     * Connects once to learn what the database is; a database that cannot be reached is skipped
     * with the exception's message.
     *
     * @throws DatabaseUnavailableException when the database cannot be reached
     */
    void connect() throws DatabaseUnavailableException;

    /** Product, version, location and the settings that decide what a commit costs; known after {@link #connect()}. */
    String description();

    /** The column type for a variable-length binary value of about a kilobyte. */
    String binaryColumnType();

    /** Creates an empty database for one part of the run; {@code purpose} is a short lower-case word. */
    ScratchDatabase create(String purpose) throws SQLException, IOException;

    /** Drops a database made by {@link #create(String)}, also when a provider still holds connections to it. */
    void drop(ScratchDatabase database) throws SQLException, IOException;

    /** Why a database is skipped: the message says what was tried and what to do. */
    final class DatabaseUnavailableException extends Exception {

        DatabaseUnavailableException(String message) {
            super(message);
        }
    }
}
