package org.ferrymq.examples.ee;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Ships placed orders: consumes the order events and marks each order {@code SHIPPED}. The
 * container receives the message and runs {@link #onMessage} in one JTA transaction with the
 * update, so a failure (the exception below) rolls back both: the message comes again,
 * flagged redelivered, and the order is updated once. An event for an order that is not
 * waiting to be shipped is consumed and ignored, so it cannot come back forever.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = OrderDesk.ORDER_EVENTS),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue")})
public class Shipping implements MessageListener {

    private static final System.Logger LOG = System.getLogger(Shipping.class.getName());

    @Resource(lookup = OrderDatabase.NAME)
    private DataSource database;

    @Override
    public void onMessage(Message message) {
        try {
            long orderId = ((MapMessage) message).getLong("orderId");
            try (java.sql.Connection c = database.getConnection();
                    PreparedStatement update = c.prepareStatement(
                            "UPDATE ORDERS SET STATUS = 'SHIPPED' WHERE ID = ? AND STATUS = 'PLACED'")) {
                update.setLong(1, orderId);
                if (update.executeUpdate() == 0) {
                    // nothing to do, and no reason to fail: an unknown or already shipped order
                    LOG.log(System.Logger.Level.WARNING, "Order {0} is not waiting to be shipped; event ignored", orderId);
                }
            }
        } catch (JMSException | SQLException e) {
            // a system exception: the container rolls the delivery and the update back
            throw new IllegalStateException("Shipping failed: " + e.getMessage(), e);
        }
    }
}
