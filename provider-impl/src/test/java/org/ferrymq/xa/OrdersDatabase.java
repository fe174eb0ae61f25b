package org.ferrymq.xa;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.XADataSource;
import org.ferrymq.journal.JournalDatabase;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.xa.PGXADataSource;

/**
 * The database beside FerryMQ in the XA tests: a table of orders that a transaction writes
 * through the database's own {@link XADataSource}, and that the tests count with plain JDBC,
 * as a user would look.
 */
record OrdersDatabase(JournalDatabase jdbc) {

    /** An H2 file database in {@code directory}. */
    static OrdersDatabase h2(Path directory) {
        return new OrdersDatabase(new JournalDatabase("h2", "jdbc:h2:file:" + directory.toAbsolutePath().resolve("orders")
                + ";WRITE_DELAY=0", "", ""));
    }

    static OrdersDatabase postgresql() {
        return new OrdersDatabase(JournalDatabase.postgresql());
    }

    static OrdersDatabase mariadb() {
        return new OrdersDatabase(JournalDatabase.mariadb());
    }

    /**
     * Skips the calling test unless this database is enabled here and can prepare transactions
     * (PostgreSQL's {@code max_prepared_transactions} is 0 unless configured).
     */
    void assumeUsable() throws SQLException {
        assumeTrue(jdbc.enabled(), jdbc.whyDisabled());
        jdbc.emptied();
        if (jdbc.name().equals("postgresql")) {
            long slots = jdbc.queryLong("SELECT setting::int FROM pg_settings WHERE name = 'max_prepared_transactions'");
            assumeTrue(slots > 0, "PostgreSQL at 127.0.0.1:5432 has max_prepared_transactions = 0, so it cannot "
                    + "prepare an XA branch; set it above 0 (ALTER SYSTEM SET max_prepared_transactions = 10, then "
                    + "restart the server)");
        }
    }

    /** An empty orders table. */
    void createOrdersTable() throws SQLException {
        jdbc.execute("DROP TABLE IF EXISTS xa_orders");
        jdbc.execute("CREATE TABLE xa_orders (id VARCHAR(64) PRIMARY KEY)");
    }

    long orders() throws SQLException {
        return jdbc.queryLong("SELECT COUNT(*) FROM xa_orders");
    }

    static void insertOrder(Connection connection, String id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO xa_orders (id) VALUES (?)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }
    }

    XADataSource dataSource() throws SQLException {
        switch (jdbc.name()) {
            case "h2" -> {
                JdbcDataSource h2 = new JdbcDataSource();
                h2.setURL(jdbc.jdbcUrl());
                h2.setUser(jdbc.user());
                h2.setPassword(jdbc.password());
                return h2;
            }
            case "postgresql" -> {
                PGXADataSource postgresql = new PGXADataSource();
                postgresql.setUrl(jdbc.jdbcUrl());
                postgresql.setUser(jdbc.user());
                postgresql.setPassword(jdbc.password());
                return postgresql;
            }
            case "mariadb" -> {
                MariaDbDataSource mariadb = new MariaDbDataSource(jdbc.jdbcUrl());
                mariadb.setUser(jdbc.user());
                mariadb.setPassword(jdbc.password());
                return mariadb;
            }
            default -> throw new IllegalArgumentException("No XADataSource for database '" + jdbc.name() + "'");
        }
    }

    @Override
    public String toString() {
        return jdbc.name();
    }
}
