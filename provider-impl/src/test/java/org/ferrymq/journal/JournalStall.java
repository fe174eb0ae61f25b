package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A journal write held up by a real lock: a connection of the test's own locks journal rows
 * ({@code SELECT ... FOR UPDATE} in an open transaction), every stored message and every queue
 * reference ({@link #hold}) or one message's row ({@link #holdMessage}), so the broker's writer
 * waits inside the first write that changes one of them (an acknowledgement, a commit that
 * consumed a message, a move to the dead-letter queue), and every write queued behind it waits
 * too, until {@link #release} or until the database's lock timeout fails the write.
 */
public final class JournalStall implements AutoCloseable {

    private Connection connection;

    private JournalStall(Connection connection) {
        this.connection = connection;
    }

    /** Locks the message and reference rows now in the journal; a persistent message must be waiting on a queue. */
    public static JournalStall hold(JournalDatabase db) throws SQLException {
        Connection connection = db.connect();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            for (String table : new String[] {"FMQ_MESSAGE", "FMQ_QUEUE_REF"}) {
                try (ResultSet rows = s.executeQuery("SELECT * FROM " + table + " FOR UPDATE")) {
                    if (!rows.next()) {
                        throw new IllegalStateException("no row in " + table
                                + " to lock: send a persistent message first");
                    }
                    while (rows.next()) {
                        // every row read is locked
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return new JournalStall(connection);
    }

    /** Locks the row of the stored message with this JMSMessageID in {@code FMQ_MESSAGE}. */
    public static JournalStall holdMessage(JournalDatabase db, String jmsMessageId) throws SQLException {
        Connection connection = db.connect();
        connection.setAutoCommit(false);
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT MSG_NO FROM FMQ_MESSAGE WHERE JMS_MESSAGE_ID = ? FOR UPDATE")) {
            lock.setString(1, jmsMessageId);
            try (ResultSet row = lock.executeQuery()) {
                assertTrue(row.next(), "no row in FMQ_MESSAGE for " + jmsMessageId);
            }
        } catch (SQLException | RuntimeException | Error e) {
            connection.close();
            throw e;
        }
        return new JournalStall(connection);
    }

    /**
     * The same database, reached by a URL whose sessions give up waiting for a lock after
     * about {@code millis} (MariaDB counts whole seconds): past it, the database fails the
     * waiting statement, and a write held up by a stall fails for certain.
     */
    public static JournalDatabase lockWaitsAtMost(JournalDatabase db, long millis) {
        String url = switch (db.name()) {
            case "h2" -> db.jdbcUrl() + ";LOCK_TIMEOUT=" + millis;
            case "postgresql" -> db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?")
                    + "options=-c%20lock_timeout%3D" + millis;
            case "mariadb" -> db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?")
                    + "sessionVariables=innodb_lock_wait_timeout=" + Math.max(1, millis / 1000);
            default -> throw new IllegalArgumentException("no lock timeout known for " + db.name());
        };
        return new JournalDatabase(db.name(), url, db.user(), db.password());
    }

    /** Lets the held-up write go on. */
    public void release() throws SQLException {
        if (connection != null) {
            try {
                connection.rollback();
            } finally {
                connection.close();
                connection = null;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        release();
    }
}
