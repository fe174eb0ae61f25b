package org.ferrymq.api.journal;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Map;

/**
 * What the JDBC journal needs to know about one database: the column types it writes and how
 * it limits a query. Everything else is plain SQL shared by every database, so supporting
 * another one is writing one of these and listing it in
 * {@code META-INF/services/org.ferrymq.api.journal.SqlDialect}.
 */
public interface SqlDialect {

    /** The name used in the {@code journalDialect} setting, e.g. {@code postgresql}. */
    String name();

    /** Whether a JDBC URL points at this dialect's database. */
    boolean accepts(String jdbcUrl);

    /** The JDBC driver and where to get it, for the error a missing driver gets. */
    String driverHint();

    /** A column type for text of any length (message bodies, property values). */
    String textType();

    /** A column type for bytes of any length. */
    String binaryType();

    /**
     * A column type for the chunks of large message bodies (up to a MiB each), written once,
     * read once and deleted: where the database handles large values in a type of their own
     * (H2's BLOB, which a delete does not copy), that type; by default {@link #binaryType()}.
     */
    default String chunkType() {
        return binaryType();
    }

    /**
     * A column type for names (of queues, topics, clients, subscriptions) of up to
     * {@code length} characters that compares them exactly: two names that differ in any
     * character, trailing blanks included, are two keys. {@code database} tells a dialect that
     * covers several servers which one it is creating the column on.
     */
    default String nameType(int length, DatabaseMetaData database) throws SQLException {
        return "VARCHAR(" + length + ")";
    }

    /** What follows the closing parenthesis of CREATE TABLE (a storage engine, a character set). */
    default String tableOptions() {
        return "";
    }

    /** {@code select} (which has an ORDER BY) limited to its first {@code ?} rows, the limit bound last. */
    default String limited(String select) {
        return select + " LIMIT ?";
    }

    /**
     * The ORDER BY list that reads rows of one queue in the order of {@code columns} along an
     * index on ({@code queueColumn}, columns...), without sorting them. Most databases see that
     * the queue column, compared with one value, leaves the rows in index order (MariaDB even
     * turns to another index when it is named); H2 sorts unless it is named first.
     */
    default String queueOrder(String queueColumn, String columns) {
        return columns;
    }

    /** Connection properties that make the driver fast at what the journal does (batched inserts). */
    default Map<String, String> connectionProperties() {
        return Map.of();
    }

    /** A sentence explaining a failure that only this database reports, or null. */
    default String explain(SQLException failure) {
        return null;
    }
}
