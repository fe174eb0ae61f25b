package org.ferrymq.journal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema migration 3: queues are known by a number, not by a name. Up to version 2 the journal
 * named a durable subscription's queue {@code sub:<client id>:<name>} in the same column as
 * queue names, so a queue could take a subscription's messages and two subscriptions could
 * share a key. This migration gives every queue and subscription a {@code QUEUE_ID} and
 * rewrites every reference, XA send and XA acknowledgement to it.
 *
 * <p>The version-2 tables are renamed {@code <table>_V2}, the new ones created under the old
 * names and filled from them, and the {@code _V2} tables dropped. On a database that takes DDL
 * in a transaction (PostgreSQL) that is all one transaction. Where DDL commits by itself (H2,
 * MariaDB) the rows are copied in one transaction with the version row, and the {@code _V2}
 * tables are dropped only after it: a migration stopped part way finds them on the next start
 * and starts over from them.
 *
 * <p>Ids are numbered after the highest message and branch number, from the sequence the
 * broker draws all three from. Where version 2 could not tell two things apart (a queue named
 * like a subscription's queue), the subscription keeps the references, as a version-2 broker
 * did when it loaded them.
 */
final class QueueIdMigration {

    private static final Logger LOG = LoggerFactory.getLogger(QueueIdMigration.class);

    /** The tables migration 3 replaces, in the order they are created. */
    private static final List<String> REPLACED = List.of("FMQ_DESTINATION", "FMQ_SUBSCRIPTION", "FMQ_QUEUE_REF",
            "FMQ_XA_SEND", "FMQ_XA_ACK");

    /** The version-2 tables that named a queue, and the columns copied beside its new id. */
    private static final Map<String, String> QUEUE_COLUMNS = new LinkedHashMap<>();

    static {
        QUEUE_COLUMNS.put("FMQ_QUEUE_REF", "SEQ_NO, MSG_NO, DELIVERY_COUNT");
        QUEUE_COLUMNS.put("FMQ_XA_SEND", "TX_NO, MSG_NO");
        QUEUE_COLUMNS.put("FMQ_XA_ACK", "TX_NO, SEQ_NO");
    }

    private final Connection connection;
    private final List<String> createTables;
    private final String database;
    private long lastId;

    QueueIdMigration(Connection connection, List<String> createTables, String database) {
        this.connection = connection;
        this.createTables = createTables;
        this.database = database;
    }

    void apply() throws SQLException {
        try (Statement ddl = connection.createStatement()) {
            for (String table : REPLACED) {
                if (JournalSchema.tableExists(connection, retired(table))) {
                    // an earlier run stopped part way: its version-2 rows are in the retired table
                    if (JournalSchema.tableExists(connection, table)) {
                        ddl.execute("DROP TABLE " + table);
                    }
                } else {
                    ddl.execute("ALTER TABLE " + table + " RENAME TO " + retired(table));
                }
            }
            for (String create : createTables) {
                ddl.execute(create);
            }
        }
        lastId = highestNumber();
        int subscriptions = copySubscriptions();
        int queues = copyDestinations();
        int orphans = copyOrphans();
        LOG.info("Journal database {}: {} queue(s) and {} durable subscription(s) got their queue ids{}", database,
                queues, subscriptions, orphans == 0 ? "" : ", and " + orphans + " name(s) that were neither");
        DatabaseMetaData meta = connection.getMetaData();
        // MariaDB's driver claims DDL in transactions, and also that DDL commits them
        if (meta.supportsDataDefinitionAndDataManipulationTransactions() && !meta.dataDefinitionCausesTransactionCommit()) {
            dropRetiredTables(connection); // in the migration's transaction: all or nothing
        }
    }

    /** Drops what a completed migration 3 left (nothing, once it has run to its end). */
    static void dropRetiredTables(Connection connection) throws SQLException {
        try (Statement ddl = connection.createStatement()) {
            for (String table : REPLACED) {
                if (JournalSchema.tableExists(connection, retired(table))) {
                    ddl.execute("DROP TABLE " + retired(table));
                }
            }
        }
    }

    private static String retired(String table) {
        return table + "_V2";
    }

    /** The highest message or branch number: ids come after it, from the same sequence. */
    private long highestNumber() throws SQLException {
        try (Statement query = connection.createStatement();
                ResultSet messages = query.executeQuery("SELECT MAX(MSG_NO) FROM FMQ_MESSAGE")) {
            messages.next();
            long highest = messages.getLong(1);
            try (ResultSet branches = query.executeQuery("SELECT MAX(TX_NO) FROM FMQ_XA_BRANCH")) {
                branches.next();
                return Math.max(highest, branches.getLong(1));
            }
        }
    }

    private int copySubscriptions() throws SQLException {
        int count = 0;
        try (Statement query = connection.createStatement();
                ResultSet rs = query.executeQuery("SELECT QUEUE_NAME, CLIENT_ID, SUB_NAME, TOPIC_NAME, SELECTOR_TEXT, "
                        + "NO_LOCAL, IS_SHARED, CREATED_AT FROM FMQ_SUBSCRIPTION_V2 ORDER BY CREATED_AT, QUEUE_NAME");
                PreparedStatement insert = connection.prepareStatement("INSERT INTO FMQ_SUBSCRIPTION (QUEUE_ID, "
                        + "CLIENT_ID, SUB_NAME, TOPIC_NAME, SELECTOR_TEXT, NO_LOCAL, IS_SHARED, CREATED_AT) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            while (rs.next()) {
                long id = ++lastId;
                insert.setLong(1, id);
                insert.setString(2, JournalSchema.clientIdColumn(rs.getString(2)));
                insert.setString(3, rs.getString(3));
                insert.setString(4, rs.getString(4));
                insert.setString(5, rs.getString(5));
                insert.setShort(6, rs.getShort(6));
                insert.setShort(7, rs.getShort(7));
                insert.setLong(8, rs.getLong(8));
                insert.executeUpdate();
                copyQueue(rs.getString(1), id);
                count++;
            }
        }
        return count;
    }

    /** Queues get ids; topics (and any other kind) are copied as they are. */
    private int copyDestinations() throws SQLException {
        List<String[]> queues = new ArrayList<>();
        try (Statement query = connection.createStatement()) {
            try (ResultSet rs = query.executeQuery("SELECT DEST_NAME, CREATED_AT FROM FMQ_DESTINATION_V2 "
                    + "WHERE DEST_TYPE = 'queue' ORDER BY CREATED_AT, DEST_NAME")) {
                while (rs.next()) {
                    queues.add(new String[] {rs.getString(1), Long.toString(rs.getLong(2))});
                }
            }
            query.executeUpdate("INSERT INTO FMQ_DESTINATION (DEST_TYPE, DEST_NAME, CREATED_AT) "
                    + "SELECT DEST_TYPE, DEST_NAME, CREATED_AT FROM FMQ_DESTINATION_V2 WHERE DEST_TYPE <> 'queue'");
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO FMQ_DESTINATION (QUEUE_ID, DEST_TYPE, DEST_NAME, CREATED_AT) VALUES (?, 'queue', ?, ?)");
                PreparedStatement subscription = connection.prepareStatement(
                        "SELECT COUNT(*) FROM FMQ_SUBSCRIPTION_V2 WHERE QUEUE_NAME = ?")) {
            for (String[] queue : queues) {
                long id = ++lastId;
                insert.setLong(1, id);
                insert.setString(2, queue[0]);
                insert.setLong(3, Long.parseLong(queue[1]));
                insert.executeUpdate();
                subscription.setString(1, queue[0]);
                try (ResultSet rs = subscription.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        LOG.warn("Journal database {}: queue '{}' had the name of a durable subscription's queue, so "
                                + "version 2 could not tell their messages apart; they stay with the subscription, "
                                + "and the queue starts empty", database, queue[0]);
                        continue;
                    }
                }
                copyQueue(queue[0], id);
            }
        }
        return queues.size();
    }

    /**
     * References (and XA rows) of names that are neither a queue nor a subscription: a
     * version-2 broker warned about them on every start and left them. They keep an id of their
     * own, on no queue, so nothing is lost and nothing picks them up by accident.
     */
    private int copyOrphans() throws SQLException {
        Map<String, Long> orphans = new LinkedHashMap<>();
        try (Statement query = connection.createStatement()) {
            for (String table : QUEUE_COLUMNS.keySet()) {
                try (ResultSet rs = query.executeQuery("SELECT DISTINCT QUEUE_NAME FROM " + retired(table) + " t "
                        + "WHERE NOT EXISTS (SELECT 1 FROM FMQ_DESTINATION_V2 d WHERE d.DEST_TYPE = 'queue' "
                        + "AND d.DEST_NAME = t.QUEUE_NAME) AND NOT EXISTS (SELECT 1 FROM FMQ_SUBSCRIPTION_V2 s "
                        + "WHERE s.QUEUE_NAME = t.QUEUE_NAME)")) {
                    while (rs.next()) {
                        orphans.putIfAbsent(rs.getString(1), null);
                    }
                }
            }
        }
        for (String name : orphans.keySet()) {
            long id = ++lastId;
            copyQueue(name, id);
            LOG.warn("Journal database {}: references to '{}', which is neither a queue nor a durable subscription, "
                    + "are kept under queue id {}, where no one receives them", database, name, id);
        }
        return orphans.size();
    }

    /** Copies every row naming {@code queueName} in the version-2 tables, naming queue {@code id} instead. */
    private void copyQueue(String queueName, long id) throws SQLException {
        for (Map.Entry<String, String> table : QUEUE_COLUMNS.entrySet()) {
            String columns = table.getValue();
            try (PreparedStatement copy = connection.prepareStatement("INSERT INTO " + table.getKey() + " (QUEUE_ID, "
                    + columns + ") SELECT " + id + ", " + columns + " FROM " + retired(table.getKey())
                    + " WHERE QUEUE_NAME = ?")) {
                copy.setString(1, queueName);
                copy.executeUpdate();
            }
        }
    }
}
