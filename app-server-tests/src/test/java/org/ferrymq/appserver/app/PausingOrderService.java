package org.ferrymq.appserver.app;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * An order row and its event in one container-managed transaction that waits, after the send
 * and before the commit, until the test releases it: so that the test can kill the FerryMQ
 * server while the transaction holds work there.
 */
@Stateless
public class PausingOrderService {

    /** The release of each waiting transaction, by order id. */
    private static final Map<String, CountDownLatch> WAITING = new ConcurrentHashMap<>();

    @Resource(lookup = Names.ORDERS_DATABASE)
    private DataSource database;

    @Resource(lookup = Names.CONNECTION_FACTORY)
    private ConnectionFactory factory;

    @Resource(lookup = Names.ORDERS)
    private Queue orders;

    /** Inserts the row, sends the message, then waits until {@link #release} before the container commits. */
    public void placeAndWait(String id) throws SQLException, JMSException, InterruptedException {
        OrdersTable.insert(database, id);
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            session.createProducer(orders).send(session.createTextMessage(id));
        }
        CountDownLatch release = new CountDownLatch(1);
        WAITING.put(id, release);
        try {
            if (!release.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Order " + id + " was never released by the test");
            }
        } finally {
            WAITING.remove(id);
        }
    }

    /** Whether order {@code id}'s transaction waits for its release. */
    public static boolean waiting(String id) {
        return WAITING.containsKey(id);
    }

    public static void release(String id) {
        CountDownLatch release = WAITING.get(id);
        if (release != null) {
            release.countDown();
        }
    }
}
