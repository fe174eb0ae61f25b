package org.ferrymq.examples.ee;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Takes orders: each {@link #place} inserts the order row and sends an {@code order placed}
 * event to the order-events queue in the caller's JTA transaction (container-managed,
 * REQUIRED). If anything fails, the transaction rolls back and neither the row nor the event
 * exists; on commit both do, exactly once.
 */
@Stateless
public class OrderDesk {

    /** Where the server binds FerryMQ's connection factory (the adapter's connection definition). */
    public static final String CONNECTION_FACTORY = "java:global/jms/ferrymq/ConnectionFactory";
    /** Where the server binds the order-events queue (an admin object of the adapter). */
    public static final String ORDER_EVENTS = "java:global/jms/ferrymq/order-events";

    @Resource(lookup = OrderDatabase.NAME)
    private DataSource database;

    @Resource(lookup = CONNECTION_FACTORY)
    private ConnectionFactory factory;

    @Resource(lookup = ORDER_EVENTS)
    private Queue orderEvents;

    /**
     * Places an order and announces it; returns the order's number.
     *
     * @throws IllegalArgumentException if the quantity is not positive; nothing is written or sent
     */
    public long place(String item, int quantity) throws SQLException, JMSException {
        long id = insert(item, quantity);
        // In a JTA transaction the session arguments are ignored: the session's work belongs to
        // the transaction, and the message goes out when the transaction commits.
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            MapMessage event = session.createMapMessage();
            event.setLong("orderId", id);
            event.setString("item", item);
            event.setInt("quantity", quantity);
            session.createProducer(orderEvents).send(event);
        }
        if (quantity <= 0) {
            // thrown after the insert and the send on purpose: the rollback takes back both
            throw new IllegalArgumentException("Order for '" + item + "' has quantity " + quantity
                    + "; a quantity must be at least 1");
        }
        return id;
    }

    /** The order's status ({@code PLACED}, then {@code SHIPPED}); empty if there is no such order. */
    public Optional<String> status(long id) throws SQLException {
        try (java.sql.Connection c = database.getConnection();
                PreparedStatement query = c.prepareStatement("SELECT STATUS FROM ORDERS WHERE ID = ?")) {
            query.setLong(1, id);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** How many orders exist for the item. */
    public long count(String item) throws SQLException {
        try (java.sql.Connection c = database.getConnection();
                PreparedStatement query = c.prepareStatement("SELECT COUNT(*) FROM ORDERS WHERE ITEM = ?")) {
            query.setString(1, item);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long insert(String item, int quantity) throws SQLException {
        try (java.sql.Connection c = database.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO ORDERS (ITEM, QUANTITY, STATUS) VALUES (?, ?, 'PLACED')",
                        Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, item);
            insert.setInt(2, quantity);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }
}
