package org.ferrymq.journal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.SqlDialect;
import org.ferrymq.protocol.codec.ValueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's tables, created on first start and migrated forward by FerryMQ itself. Every
 * migration applied is a row of {@code FMQ_SCHEMA_VERSION}; a database whose version is
 * newer than this FerryMQ knows is refused rather than misread. Identifiers stay within 30
 * characters and clear of reserved words, so every dialect takes them unquoted.
 *
 * <p>A new database runs every migration in order, so it ends up exactly like an upgraded one.
 * Migrations are never edited once released: a change is a new migration.
 *
 * <p>Duplicate detection (migration 5): {@code FMQ_DUPLICATE_ID} holds one row per duplicate ID a
 * queue or topic accepted: the destination as {@code FMQ_DESTINATION} names it
 * ({@code DEST_TYPE}, {@code DEST_NAME}; a topic's IDs are the topic's, whatever its
 * subscriptions), {@code SEQ_NO} numbering the destination's IDs in the order the broker took
 * them, the ID ({@code DUP_ID}) and when it was accepted ({@code SEEN_AT}, milliseconds since the
 * epoch). A row is inserted in the transaction that stores the message it admitted, and the rows
 * that left the window are deleted in the same group-commit transaction by one range of the
 * primary key per destination ({@code SEQ_NO} up to a number), so the table holds about one
 * window per destination and a send costs one batched insert. IDs are not unique in the table
 * (one that left the window may be accepted again before its old row goes); the broker reads the
 * rows back on start, in {@code SEQ_NO} order, and keeps those still in the window. The rows of a
 * deleted destination go with it.
 *
 * <p>Migration 7 gives {@code FMQ_MESSAGE} the column {@code DUPLICATE_ID}: a message's duplicate
 * ID is kept there rather than in a property row (see {@link MessageRows}), and the IDs of the
 * messages already stored move there from their property rows. It replaces
 * {@code FMQ_DUPLICATE_ID} by {@code FMQ_DUPLICATE_WINDOW}, the same columns and
 * {@code ENTRY_NO}, the primary key: a number the broker gives each row, increasing across all
 * destinations. One number as the key makes the table one tree (the rows in key order) where the
 * three-column key made it two, the rows and the key's index, each written at every commit; rows
 * that left the window are deleted by runs of their numbers, and the broker reads the rows back
 * in {@code ENTRY_NO} order.
 */
final class JournalSchema {

    private static final Logger LOG = LoggerFactory.getLogger(JournalSchema.class);

    /** One migration: what it does to the connection's schema, in the transaction {@link #ensure} commits. */
    interface Step {
        void apply(Connection connection) throws SQLException;
    }

    private record Migration(int version, String description, Step step) {}

    /**
     * What the monitoring views (migration 8) count per queue, over {@link #DEPTH_JOINS}: every
     * message stored on it ({@code MESSAGES}, as the README's depth query counts), those delivered
     * at least once ({@code DELIVERED}: they come again flagged redelivered), those waiting for
     * a delivery time or a redelivery delay ({@code SCHEDULED}), and the oldest one's
     * {@code JMSTimestamp} (milliseconds since the epoch; NULL when empty).
     */
    private static final String DEPTH_COLUMNS = "COUNT(r.SEQ_NO) AS MESSAGES, "
            + "SUM(CASE WHEN r.DELIVERY_COUNT > 0 THEN 1 ELSE 0 END) AS DELIVERED, "
            + "SUM(CASE WHEN r.DELIVERY_TIME > 0 THEN 1 ELSE 0 END) AS SCHEDULED, "
            + "MIN(m.JMS_TIMESTAMP) AS OLDEST_TIMESTAMP";
    /** A queue's references and their messages, for a destination or subscription {@code d}; none for an empty one. */
    private static final String DEPTH_JOINS = "LEFT JOIN FMQ_QUEUE_REF r ON r.QUEUE_ID = d.QUEUE_ID "
            + "LEFT JOIN FMQ_MESSAGE m ON m.MSG_NO = r.MSG_NO";

    /** The schema version this FerryMQ writes. */
    static final int CURRENT_VERSION = 8;

    /**
     * {@code FMQ_SUBSCRIPTION.CLIENT_ID} of a subscription without a client ID (a shared one):
     * the empty text, which no client ID can be. A NULL would not do: databases disagree on
     * whether two NULLs in a unique key are equal.
     */
    static final String NO_CLIENT_ID = "";

    private JournalSchema() {
    }

    static String clientIdColumn(String clientId) {
        return clientId == null ? NO_CLIENT_ID : clientId;
    }

    static String clientId(String column) {
        return column == null || column.equals(NO_CLIENT_ID) ? null : column;
    }

    private static Step statements(List<String> sql) {
        return connection -> {
            try (Statement statement = connection.createStatement()) {
                for (String s : sql) {
                    statement.execute(s);
                }
            }
        };
    }

    private static List<Migration> migrations(SqlDialect d, String database) {
        String text = d.textType();
        String bytes = d.binaryType();
        String options = d.tableOptions();
        return List.of(new Migration(1, "destinations, subscriptions, messages, queue references, lease", statements(List.of(
                "CREATE TABLE FMQ_LEASE (LEASE_ID INT NOT NULL PRIMARY KEY, HOLDER_BROKER VARCHAR(255), "
                        + "HOLDER_HOST VARCHAR(255), HOLDER_PID BIGINT, HOLDER_INSTANCE VARCHAR(64), "
                        + "ACQUIRED_AT BIGINT, EXPIRES_AT BIGINT)" + options,
                "INSERT INTO FMQ_LEASE (LEASE_ID) VALUES (1)",
                "CREATE TABLE FMQ_DESTINATION (DEST_TYPE VARCHAR(10) NOT NULL, DEST_NAME VARCHAR(255) NOT NULL, "
                        + "CREATED_AT BIGINT NOT NULL, PRIMARY KEY (DEST_TYPE, DEST_NAME))" + options,
                "CREATE TABLE FMQ_SUBSCRIPTION (QUEUE_NAME VARCHAR(512) NOT NULL PRIMARY KEY, "
                        + "TOPIC_NAME VARCHAR(255) NOT NULL, CLIENT_ID VARCHAR(255), SUB_NAME VARCHAR(255) NOT NULL, "
                        + "SELECTOR_TEXT " + text + ", NO_LOCAL SMALLINT NOT NULL, IS_SHARED SMALLINT NOT NULL, "
                        + "CREATED_AT BIGINT NOT NULL)" + options,
                "CREATE TABLE FMQ_MESSAGE (MSG_NO BIGINT NOT NULL PRIMARY KEY, REF_COUNT INT NOT NULL, "
                        + "JMS_MESSAGE_ID VARCHAR(255), DEST_TYPE VARCHAR(10) NOT NULL, "
                        + "DEST_NAME VARCHAR(255) NOT NULL, JMS_TIMESTAMP BIGINT NOT NULL, CORRELATION_ID " + text + ", "
                        + "CORRELATION_IS_BYTES SMALLINT NOT NULL, REPLY_TO_TYPE VARCHAR(10), "
                        + "REPLY_TO_NAME VARCHAR(255), JMS_TYPE " + text + ", PRIORITY SMALLINT NOT NULL, "
                        + "EXPIRATION BIGINT NOT NULL, DELIVERY_TIME BIGINT NOT NULL, BODY_TYPE VARCHAR(10) NOT NULL, "
                        + "BODY_TEXT " + text + ", BODY_BYTES " + bytes + ", PROPERTY_COUNT INT NOT NULL)" + options,
                "CREATE TABLE FMQ_MSG_PROPERTY (MSG_NO BIGINT NOT NULL, PROP_NAME VARCHAR(255) NOT NULL, "
                        + "PROP_TYPE VARCHAR(10) NOT NULL, PROP_VALUE " + text + ", PRIMARY KEY (MSG_NO, PROP_NAME))"
                        + options,
                "CREATE TABLE FMQ_QUEUE_REF (QUEUE_NAME VARCHAR(512) NOT NULL, SEQ_NO BIGINT NOT NULL, "
                        + "MSG_NO BIGINT NOT NULL, DELIVERY_COUNT INT NOT NULL, PRIMARY KEY (QUEUE_NAME, SEQ_NO))"
                        + options))),
                new Migration(2, "prepared XA transaction branches", statements(List.of(
                        "CREATE TABLE FMQ_XA_BRANCH (TX_NO BIGINT NOT NULL PRIMARY KEY, FORMAT_ID INT NOT NULL, "
                                + "GTRID VARCHAR(128) NOT NULL, BQUAL VARCHAR(128) NOT NULL, "
                                + "PREPARED_AT BIGINT NOT NULL)" + options,
                        "CREATE TABLE FMQ_XA_SEND (TX_NO BIGINT NOT NULL, QUEUE_NAME VARCHAR(512) NOT NULL, "
                                + "MSG_NO BIGINT NOT NULL, PRIMARY KEY (TX_NO, QUEUE_NAME, MSG_NO))" + options,
                        "CREATE TABLE FMQ_XA_ACK (TX_NO BIGINT NOT NULL, QUEUE_NAME VARCHAR(512) NOT NULL, "
                                + "SEQ_NO BIGINT NOT NULL, PRIMARY KEY (TX_NO, QUEUE_NAME, SEQ_NO))" + options))),
                new Migration(3, "queues keyed by id; subscriptions by client ID and name; names compared exactly",
                        connection -> new QueueIdMigration(connection, queueIdTables(d, connection), database).apply()),
                // a delayed message's reference carries its delivery time, so that it stays in the
                // database until it is due and is then found by an index on the queue and that time;
                // references already stored whose time is still ahead get it now, the rest 0 (due)
                new Migration(4, "delivery times of delayed queue references", statements(List.of(
                        "ALTER TABLE FMQ_QUEUE_REF ADD DELIVERY_TIME BIGINT DEFAULT 0 NOT NULL",
                        "UPDATE FMQ_QUEUE_REF SET DELIVERY_TIME = (SELECT m.DELIVERY_TIME FROM FMQ_MESSAGE m "
                                + "WHERE m.MSG_NO = FMQ_QUEUE_REF.MSG_NO) WHERE MSG_NO IN (SELECT MSG_NO FROM "
                                + "FMQ_MESSAGE WHERE DELIVERY_TIME > " + System.currentTimeMillis() + ")",
                        "CREATE INDEX FMQ_QUEUE_REF_DUE ON FMQ_QUEUE_REF (QUEUE_ID, DELIVERY_TIME, SEQ_NO)"))),
                new Migration(5, "duplicate ID windows of queues and topics",
                        connection -> statements(duplicateIdTable(d, connection)).apply(connection)),
                // a large message's body is stored apart, in chunks written as they arrive: the
                // message row says how long it is, its bytes are in FMQ_MSG_CHUNK under its number
                new Migration(6, "large message bodies in chunks", statements(List.of(
                        "ALTER TABLE FMQ_MESSAGE ADD LARGE_BODY_SIZE BIGINT",
                        "CREATE TABLE FMQ_MSG_CHUNK (MSG_NO BIGINT NOT NULL, CHUNK_NO INT NOT NULL, CHUNK_DATA " + d.chunkType()
                                + " NOT NULL, PRIMARY KEY (MSG_NO, CHUNK_NO))" + options))),
                // a send with a duplicate ID wrote a property row for it as well as the window's
                // row, and the window's table had an index beside its rows (a primary key of three
                // columns): two tables more in every such commit. The ID goes in a column of the
                // message, and the window's rows are keyed by one number, the table's own order
                new Migration(7, "duplicate IDs of messages in a column of their own; window entries by number",
                        connection -> {
                            duplicateIdColumn(d, connection);
                            duplicateWindowTable(d, connection);
                        }),
                // for DBAs who watch from the database side: read-only views over the tables above,
                // replaced (not created) so that a migration started over does not fail on them
                new Migration(8, "monitoring views: queue and durable subscription depths", statements(List.of(
                        "CREATE OR REPLACE VIEW FMQ_QUEUE_DEPTH AS SELECT d.DEST_NAME AS QUEUE_NAME, "
                                + DEPTH_COLUMNS + " FROM FMQ_DESTINATION d " + DEPTH_JOINS + " WHERE d.DEST_TYPE = 'queue' "
                                + "GROUP BY d.DEST_NAME",
                        "CREATE OR REPLACE VIEW FMQ_SUBSCRIPTION_DEPTH AS SELECT NULLIF(d.CLIENT_ID, '') AS CLIENT_ID, "
                                + "d.SUB_NAME, d.TOPIC_NAME, "
                                + DEPTH_COLUMNS + " FROM FMQ_SUBSCRIPTION d " + DEPTH_JOINS + " "
                                + "GROUP BY d.CLIENT_ID, d.SUB_NAME, d.TOPIC_NAME"))));
    }

    /**
     * Migration 7: {@code FMQ_MESSAGE.DUPLICATE_ID}, and the IDs stored so far moved there from
     * their property rows (those {@link MessageRows#duplicateIdColumn} would put there). Where DDL
     * commits by itself, a migration stopped after adding the column starts over without adding it.
     */
    private static void duplicateIdColumn(SqlDialect d, Connection connection) throws SQLException {
        if (!columnExists(connection, "FMQ_MESSAGE", "DUPLICATE_ID")) {
            try (Statement alter = connection.createStatement()) {
                alter.execute("ALTER TABLE FMQ_MESSAGE ADD DUPLICATE_ID "
                        + d.nameType(Journal.MAX_DUPLICATE_ID_LENGTH, connection.getMetaData()));
            }
        }
        String idRow = "PROP_NAME = ? AND PROP_TYPE = ? AND PROP_VALUE IS NOT NULL AND CHAR_LENGTH(PROP_VALUE) "
                + "BETWEEN 1 AND " + Journal.MAX_DUPLICATE_ID_LENGTH;
        try (PreparedStatement move = connection.prepareStatement("UPDATE FMQ_MESSAGE SET DUPLICATE_ID = (SELECT "
                + "p.PROP_VALUE FROM FMQ_MSG_PROPERTY p WHERE p.MSG_NO = FMQ_MESSAGE.MSG_NO AND p.PROP_NAME = ?), "
                + "PROPERTY_COUNT = PROPERTY_COUNT - 1 WHERE MSG_NO IN (SELECT MSG_NO FROM FMQ_MSG_PROPERTY WHERE "
                + idRow + ")");
                PreparedStatement delete = connection.prepareStatement("DELETE FROM FMQ_MSG_PROPERTY WHERE " + idRow)) {
            String name = DestinationPolicy.DUPLICATE_ID_PROPERTY;
            String type = ValueType.STRING.typeName();
            move.setString(1, name);
            move.setString(2, name);
            move.setString(3, type);
            move.executeUpdate();
            delete.setString(1, name);
            delete.setString(2, type);
            delete.executeUpdate();
        }
    }

    /**
     * Migration 7: {@code FMQ_DUPLICATE_WINDOW}, the window entries keyed by {@code ENTRY_NO}
     * alone, and the rows of {@code FMQ_DUPLICATE_ID} copied there, numbered in that table's key
     * order. The old table goes once the version row is committed ({@link #dropRetiredWindowTable}):
     * where DDL commits by itself, a migration stopped before that starts the copy over.
     */
    private static void duplicateWindowTable(SqlDialect d, Connection connection) throws SQLException {
        try (Statement ddl = connection.createStatement()) {
            if (!tableExists(connection, "FMQ_DUPLICATE_WINDOW")) {
                ddl.execute("CREATE TABLE FMQ_DUPLICATE_WINDOW (ENTRY_NO BIGINT NOT NULL PRIMARY KEY, "
                        + "DEST_TYPE VARCHAR(10) NOT NULL, DEST_NAME "
                        + d.nameType(Journal.MAX_NAME_LENGTH, connection.getMetaData()) + " NOT NULL, "
                        + "SEQ_NO BIGINT NOT NULL, DUP_ID "
                        + d.nameType(Journal.MAX_DUPLICATE_ID_LENGTH, connection.getMetaData()) + " NOT NULL, "
                        + "SEEN_AT BIGINT NOT NULL)" + d.tableOptions());
            }
            if (tableExists(connection, "FMQ_DUPLICATE_ID")) {
                ddl.execute("DELETE FROM FMQ_DUPLICATE_WINDOW");
                ddl.execute("INSERT INTO FMQ_DUPLICATE_WINDOW (ENTRY_NO, DEST_TYPE, DEST_NAME, SEQ_NO, DUP_ID, SEEN_AT) "
                        + "SELECT ROW_NUMBER() OVER (ORDER BY DEST_TYPE, DEST_NAME, SEQ_NO), DEST_TYPE, DEST_NAME, "
                        + "SEQ_NO, DUP_ID, SEEN_AT FROM FMQ_DUPLICATE_ID");
            }
        }
    }

    /** Drops the window table migration 7 replaced, once the migration is recorded. */
    private static void dropRetiredWindowTable(Connection connection) throws SQLException {
        if (tableExists(connection, "FMQ_DUPLICATE_WINDOW") && tableExists(connection, "FMQ_DUPLICATE_ID")) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE FMQ_DUPLICATE_ID");
            }
        }
    }

    /** Whether the connection's own schema has the column, however the database cases unquoted names. */
    private static boolean columnExists(Connection connection, String table, String column) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        for (String[] names : new String[][] {{table, column},
                {table.toLowerCase(Locale.ROOT), column.toLowerCase(Locale.ROOT)}}) {
            try (ResultSet rs = meta.getColumns(connection.getCatalog(), connection.getSchema(), names[0], names[1])) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Migration 5: the duplicate IDs each queue and topic accepted, the last ones only (see the class comment). */
    private static List<String> duplicateIdTable(SqlDialect d, Connection connection) throws SQLException {
        String name = d.nameType(Journal.MAX_NAME_LENGTH, connection.getMetaData());
        String id = d.nameType(Journal.MAX_DUPLICATE_ID_LENGTH, connection.getMetaData());
        return List.of("CREATE TABLE FMQ_DUPLICATE_ID (DEST_TYPE VARCHAR(10) NOT NULL, DEST_NAME " + name
                + " NOT NULL, SEQ_NO BIGINT NOT NULL, DUP_ID " + id + " NOT NULL, SEEN_AT BIGINT NOT NULL, "
                + "PRIMARY KEY (DEST_TYPE, DEST_NAME, SEQ_NO))" + d.tableOptions());
    }

    /**
     * The tables of migration 3 as it creates them: every reference to a queue is by
     * {@code QUEUE_ID}, a subscription is unique by client ID and name, and names compare
     * exactly (no collation that pads or folds them).
     */
    private static List<String> queueIdTables(SqlDialect d, Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String name = d.nameType(Journal.MAX_NAME_LENGTH, meta);
        String options = d.tableOptions();
        return List.of(
                "CREATE TABLE FMQ_DESTINATION (QUEUE_ID BIGINT, DEST_TYPE VARCHAR(10) NOT NULL, DEST_NAME " + name
                        + " NOT NULL, CREATED_AT BIGINT NOT NULL, PRIMARY KEY (DEST_TYPE, DEST_NAME), UNIQUE (QUEUE_ID))"
                        + options,
                "CREATE TABLE FMQ_SUBSCRIPTION (QUEUE_ID BIGINT NOT NULL PRIMARY KEY, CLIENT_ID " + name + " NOT NULL, "
                        + "SUB_NAME " + name + " NOT NULL, TOPIC_NAME " + name + " NOT NULL, SELECTOR_TEXT "
                        + d.textType() + ", NO_LOCAL SMALLINT NOT NULL, IS_SHARED SMALLINT NOT NULL, "
                        + "CREATED_AT BIGINT NOT NULL, UNIQUE (CLIENT_ID, SUB_NAME))" + options,
                "CREATE TABLE FMQ_QUEUE_REF (QUEUE_ID BIGINT NOT NULL, SEQ_NO BIGINT NOT NULL, MSG_NO BIGINT NOT NULL, "
                        + "DELIVERY_COUNT INT NOT NULL, PRIMARY KEY (QUEUE_ID, SEQ_NO))" + options,
                "CREATE TABLE FMQ_XA_SEND (TX_NO BIGINT NOT NULL, QUEUE_ID BIGINT NOT NULL, MSG_NO BIGINT NOT NULL, "
                        + "PRIMARY KEY (TX_NO, QUEUE_ID, MSG_NO))" + options,
                "CREATE TABLE FMQ_XA_ACK (TX_NO BIGINT NOT NULL, QUEUE_ID BIGINT NOT NULL, SEQ_NO BIGINT NOT NULL, "
                        + "PRIMARY KEY (TX_NO, QUEUE_ID, SEQ_NO))" + options);
    }

    /** Creates the schema or brings it up to {@link #CURRENT_VERSION}; refuses a newer one. */
    static void ensure(Connection connection, SqlDialect dialect, String database) throws SQLException, JournalException {
        connection.setAutoCommit(true);
        int installed = installedVersion(connection);
        if (installed > CURRENT_VERSION) {
            throw new JournalException("The journal database " + database + " has schema version " + installed
                    + ", written by a newer FerryMQ; this FerryMQ reads version " + CURRENT_VERSION
                    + " at most. Upgrade FerryMQ, or point this broker at another database");
        }
        if (installed < 0) {
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE TABLE FMQ_SCHEMA_VERSION (SCHEMA_VERSION INT NOT NULL PRIMARY KEY, "
                        + "DESCRIPTION VARCHAR(200) NOT NULL, APPLIED_AT BIGINT NOT NULL)" + dialect.tableOptions());
            }
            installed = 0;
        }
        for (Migration migration : migrations(dialect, database)) {
            if (migration.version() <= installed) {
                continue;
            }
            connection.setAutoCommit(false);
            try {
                migration.step().apply(connection);
                try (PreparedStatement record = connection.prepareStatement(
                        "INSERT INTO FMQ_SCHEMA_VERSION (SCHEMA_VERSION, DESCRIPTION, APPLIED_AT) VALUES (?, ?, ?)")) {
                    record.setInt(1, migration.version());
                    record.setString(2, migration.description());
                    record.setLong(3, System.currentTimeMillis());
                    record.executeUpdate();
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
            LOG.info("Journal database {}: schema version {} applied ({})", database, migration.version(),
                    migration.description());
        }
        // where DDL commits by itself (H2, MariaDB), the tables migration 3 replaced go only once
        // the version row is committed: a migration stopped before it starts over from them
        QueueIdMigration.dropRetiredTables(connection);
        dropRetiredWindowTable(connection);
    }

    /** The highest migration applied, 0 for an empty version table, -1 when there is none. */
    private static int installedVersion(Connection connection) throws SQLException {
        if (!tableExists(connection, "FMQ_SCHEMA_VERSION")) {
            return -1; // a new database
        }
        try (Statement query = connection.createStatement();
                ResultSet rs = query.executeQuery("SELECT MAX(SCHEMA_VERSION) FROM FMQ_SCHEMA_VERSION")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Whether the connection's own schema has the table, however the database cases unquoted names. */
    static boolean tableExists(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        for (String name : new String[] {table, table.toLowerCase(Locale.ROOT)}) {
            try (ResultSet rs = meta.getTables(connection.getCatalog(), connection.getSchema(), name, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
