package org.ferrymq.appserver.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The test applications' ORDERS table, in whichever data source a bean writes its orders to. */
public final class OrdersTable {

    private OrdersTable() {
    }

    static void create(DataSource database) throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ORDERS (ID VARCHAR(64) PRIMARY KEY)");
        }
    }

    static void insert(DataSource database, String id) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO ORDERS (ID) VALUES (?)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }
    }

    static long count(DataSource database, String id) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement query = c.prepareStatement("SELECT COUNT(*) FROM ORDERS WHERE ID = ?")) {
            query.setString(1, id);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
