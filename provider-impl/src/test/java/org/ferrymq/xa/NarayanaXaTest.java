package org.ferrymq.xa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FerryMQ and a database in one JTA transaction of Narayana: an embedded broker on its H2 file
 * journal, and H2, PostgreSQL or MariaDB through their XA data sources. Whatever the outcome,
 * the row and the message are both there or both absent, as plain JDBC and a plain JMS
 * consumer see them.
 */
class NarayanaXaTest {

    private static final Path DATA = Path.of(System.getProperty("ferrymq.dataDirectory", "target/ferrymq-data"));
    private static final String QUEUE = "orders";

    private static TransactionManager tm;

    private OrdersDatabase db;
    private String broker;
    private FerryXAConnectionFactory factory;
    private XASession xaSession;
    private final Opened opened = new Opened();

    static Stream<OrdersDatabase> databases() {
        return Stream.of(OrdersDatabase.h2(DATA.resolve("xa-orders-" + UUID.randomUUID())),
                OrdersDatabase.postgresql(), OrdersDatabase.mariadb());
    }

    @BeforeAll
    static void startTransactionManager() {
        Narayana.configure(DATA.resolve("narayana-" + UUID.randomUUID()), "ferrymq-xa-test");
        tm = Narayana.transactionManager();
    }

    private void start(OrdersDatabase database) throws Exception {
        database.assumeUsable();
        db = database;
        db.createOrdersTable();
        broker = "xa-test-" + UUID.randomUUID();
        factory = new FerryXAConnectionFactory("vm://" + broker);
        openXaSession();
    }

    private void openXaSession() throws JMSException {
        XAConnection connection = track(factory.createXAConnection());
        connection.start();
        xaSession = connection.createXASession();
    }

    private <C extends AutoCloseable> C track(C closeable) {
        return opened.track(closeable);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (tm != null && tm.getStatus() != Status.STATUS_NO_TRANSACTION) {
            tm.rollback();
        }
        tm.setTransactionTimeout(0);
        opened.closeAll();
        if (broker != null) {
            EmbeddedBroker.stop(broker);
        }
    }

    /**
     * Begins a transaction with FerryMQ's resource enlisted first and then the database's,
     * as {@code database} makes of it, and returns the database connection of the transaction.
     */
    private java.sql.Connection begin(UnaryOperator<XAResource> database) throws Exception {
        tm.begin();
        Transaction tx = tm.getTransaction();
        assertTrue(tx.enlistResource(xaSession.getXAResource()));
        javax.sql.XAConnection dbXa = db.dataSource().getXAConnection();
        opened.track(dbXa::close);
        assertTrue(tx.enlistResource(database.apply(dbXa.getXAResource())));
        return dbXa.getConnection();
    }

    private java.sql.Connection begin() throws Exception {
        return begin(UnaryOperator.identity());
    }

    /** Sends an order message and inserts its row, both in the current transaction. */
    private void sendAndInsert(java.sql.Connection connection, String order) throws Exception {
        xaSession.createProducer(xaSession.createQueue(QUEUE)).send(xaSession.createTextMessage(order));
        OrdersDatabase.insertOrder(connection, order);
    }

    /** What a consumer on a plain (non-XA) connection gets within {@code timeoutMillis}, or null. */
    private String receivePlain(long timeoutMillis) throws JMSException {
        try (Connection plain = factory.createConnection()) {
            plain.start();
            Session session = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message m = session.createConsumer(session.createQueue(QUEUE)).receive(timeoutMillis);
            return m == null ? null : ((TextMessage) m).getText();
        }
    }

    private void assertNothingVisible() throws SQLException, JMSException {
        assertEquals(0, db.orders(), "rows in xa_orders");
        assertNull(receivePlain(200), "a message on the queue");
    }

    private Xid[] ferryInDoubt() throws Exception {
        XAConnection connection = track(factory.createXAConnection());
        return connection.createXASession().getXAResource().recover(XAResource.TMSTARTRSCAN);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void commitMakesTheRowAndTheMessageVisibleTogether(OrdersDatabase database) throws Exception {
        start(database);
        sendAndInsert(begin(), "order-1");
        assertNothingVisible();

        tm.commit();
        assertEquals(1, db.orders());
        assertEquals("order-1", receivePlain(2000));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void rollbackDiscardsTheRowAndTheMessage(OrdersDatabase database) throws Exception {
        start(database);
        sendAndInsert(begin(), "order-1");
        tm.rollback();
        assertNothingVisible();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aTransactionMarkedRollbackOnlyRollsBackOnCommit(OrdersDatabase database) throws Exception {
        start(database);
        sendAndInsert(begin(), "order-1");
        tm.setRollbackOnly();
        assertThrows(RollbackException.class, tm::commit);
        assertNothingVisible();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDatabaseThatFailsToPrepareRollsBackThePreparedMessageToo(OrdersDatabase database) throws Exception {
        start(database);
        sendAndInsert(begin(PrepareRefusingResource::new), "order-1");
        assertThrows(RollbackException.class, tm::commit);
        assertNothingVisible();
        assertArrayEquals(new Xid[0], ferryInDoubt(), "FerryMQ's prepared branch was left in doubt");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMessageReceivedAndInsertedIsConsumedExactlyOnce(OrdersDatabase database) throws Exception {
        start(database);
        try (Connection plain = factory.createConnection()) {
            Session session = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(QUEUE)).send(session.createTextMessage("order-7"));
        }
        MessageConsumer consumer = xaSession.createConsumer(xaSession.createQueue(QUEUE));

        java.sql.Connection first = begin();
        Message m = consumer.receive(2000);
        assertNotNull(m, "the XA session's consumer got no message");
        assertFalse(m.getJMSRedelivered());
        OrdersDatabase.insertOrder(first, ((TextMessage) m).getText());
        tm.rollback();
        assertEquals(0, db.orders());

        java.sql.Connection second = begin();
        Message again = consumer.receive(2000);
        assertNotNull(again, "the rolled-back message was not delivered again");
        assertEquals("order-7", ((TextMessage) again).getText());
        assertTrue(again.getJMSRedelivered(), "a message delivered again after a rollback has JMSRedelivered");
        OrdersDatabase.insertOrder(second, ((TextMessage) again).getText());
        tm.commit();

        assertEquals(1, db.orders());
        assertNull(receivePlain(300), "the committed receive left the message on the queue");
        opened.closeAll();
        EmbeddedBroker.stop(broker); // the next connection starts the broker again on its journal
        assertNull(receivePlain(300), "the committed receive came back after a broker restart");
        assertEquals(1, db.orders());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aTransactionThatOutlivesItsTimeoutCommitsNothing(OrdersDatabase database) throws Exception {
        start(database);
        tm.setTransactionTimeout(1);
        sendAndInsert(begin(), "order-1");
        // Narayana's reaper and the broker's branch timer both act at 1 s: wait until the reaper
        // has rolled the transaction back (or marked it so), however late it runs on a busy machine
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (tm.getStatus() == Status.STATUS_ACTIVE) {
            assertTrue(System.nanoTime() < deadline, "the transaction was still active 30 s after its 1 s timeout");
            Thread.sleep(20);
        }
        assertThrows(RollbackException.class, tm::commit);
        assertNothingVisible();
        assertArrayEquals(new Xid[0], ferryInDoubt(), "FerryMQ kept a branch of the timed-out transaction");
    }
}
