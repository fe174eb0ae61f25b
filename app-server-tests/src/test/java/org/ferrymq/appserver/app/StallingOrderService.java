package org.ferrymq.appserver.app;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.transaction.RollbackException;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * An order row and its event in one container-managed transaction that never finishes: a
 * {@link StallingResource} enlisted first stops it in the commit phase, after the decision to
 * commit is logged and before FerryMQ and the database, both prepared, are committed.
 */
@Stateless
public class StallingOrderService {

    @Resource(lookup = "java:/TransactionManager")
    private TransactionManager transactions;

    @Resource(lookup = Names.RECOVERY_ORDERS_DATABASE)
    private DataSource database;

    @Resource(lookup = Names.CONNECTION_FACTORY)
    private ConnectionFactory factory;

    @Resource(lookup = Names.ORDERS)
    private Queue orders;

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void createTable() throws SQLException {
        OrdersTable.create(database);
    }

    /**
     * Does not return: the server is to be killed while it stalls. It tells so by creating the
     * file {@code <id>.committing} in {@link StallingResource#BRANCHES}.
     */
    public void placeAndStallInCommit(String id)
            throws SystemException, RollbackException, SQLException, JMSException {
        Path marker = StallingResource.BRANCHES.resolve(id + ".committing");
        transactions.getTransaction().enlistResource(StallingResource.stallingInCommit(marker));
        OrdersTable.insert(database, id);
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            session.createProducer(orders).send(session.createTextMessage(id));
        }
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public long count(String id) throws SQLException {
        return OrdersTable.count(database, id);
    }
}
