package org.ferrymq.appserver.app;

import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * An order row and its event in one container-managed JTA transaction: the database (an XA
 * data source) and FerryMQ are two resources of the same two-phase commit.
 */
@Stateless
@DataSourceDefinition(name = Names.ORDERS_DATABASE, className = "org.h2.jdbcx.JdbcDataSource",
        url = "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1", user = "sa", password = "sa")
public class OrderService {

    @Resource(lookup = Names.ORDERS_DATABASE)
    private DataSource database;

    @Resource(lookup = Names.CONNECTION_FACTORY)
    private ConnectionFactory factory;

    @Resource(lookup = Names.ORDERS)
    private Queue orders;

    @Resource
    private SessionContext context;

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void createTable() throws SQLException {
        OrdersTable.create(database);
    }

    public void place(String id, boolean rollbackOnly) throws SQLException, JMSException {
        OrdersTable.insert(database, id);
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            session.createProducer(orders).send(session.createTextMessage(id));
        }
        if (rollbackOnly) {
            context.setRollbackOnly();
        }
    }

    public long count(String id) throws SQLException {
        return OrdersTable.count(database, id);
    }
}
