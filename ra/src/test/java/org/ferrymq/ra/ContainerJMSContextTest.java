package org.ferrymq.ra;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.protocol.XidData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The adapter's JMSContext as an application in a Jakarta EE container uses it (Jakarta
 * Messaging 3.1, sections 12.2 and 12.3), over a real embedded broker. The connection factory
 * runs either in the adapter's own non-managed mode or over a small pooling connection manager
 * that, like a server's, hands a closed handle's managed connection out again; a JTA
 * transaction is an XA branch driven through that connection's XAResource, as a transaction
 * manager drives it.
 */
class ContainerJMSContextTest {

    private static FerryResourceAdapter adapter;

    private FerryManagedConnectionFactory managedFactory;
    /** The adapter's own, non-managed factory. */
    private ConnectionFactory factory;
    private PoolingConnectionManager pool;
    /** A factory over {@link #pool}, as a server's. */
    private ConnectionFactory pooled;
    private Queue queue;

    @BeforeAll
    static void startAdapter() throws ResourceException {
        adapter = new FerryResourceAdapter();
        adapter.setBrokerName("ra-context-test");
        adapter.setBrokerProperties("journal=memory");
        adapter.start(null);
    }

    @AfterAll
    static void stopAdapter() {
        adapter.stop();
    }

    @BeforeEach
    void newFactoryAndQueue() throws ResourceException {
        managedFactory = new FerryManagedConnectionFactory();
        managedFactory.setResourceAdapter(adapter);
        factory = (ConnectionFactory) managedFactory.createConnectionFactory();
        pool = new PoolingConnectionManager();
        pooled = (ConnectionFactory) managedFactory.createConnectionFactory(pool);
        AdminQueue orders = new AdminQueue(); // as the server binds it in JNDI
        orders.setPhysicalName("orders-" + UUID.randomUUID());
        queue = orders;
    }

    @AfterEach
    void closePool() throws ResourceException {
        pool.close();
    }

    // ---- sending and receiving ----

    @Test
    void aContextSendsAndReceivesATextMessage() {
        try (JMSContext context = factory.createContext()) {
            context.createProducer().setProperty("region", "north").send(queue, "hello");

            Message received = context.createConsumer(queue).receive(5_000);
            assertEquals("hello", assertDoesNotThrow(() -> received.getBody(String.class)));
            assertEquals("north", assertDoesNotThrow(() -> received.getStringProperty("region")));
        }
    }

    @Test
    void aContextReceivesMessageBodies() {
        try (JMSContext context = factory.createContext("guest", "guest")) {
            context.createProducer().send(queue, "first".getBytes(StandardCharsets.UTF_8)).send(queue, "second");

            JMSConsumer consumer = context.createConsumer(queue);
            assertEquals("first", new String(consumer.receiveBody(byte[].class, 5_000), StandardCharsets.UTF_8));
            assertEquals("second", consumer.receiveBody(String.class, 5_000));
            assertNull(consumer.receiveBodyNoWait(String.class));
        }
    }

    @Test
    void checkedFailuresSurfaceAsTheirRuntimeTwins() {
        try (JMSContext context = factory.createContext()) {
            assertThrows(InvalidSelectorRuntimeException.class, () -> context.createConsumer(queue, "region = "));
        }
    }

    // ---- session modes outside a transaction (section 12.3) ----

    @Test
    void outsideATransactionClientAcknowledgeAndSessionTransactedBecomeAutoAcknowledge() {
        for (int asked : new int[] {JMSContext.CLIENT_ACKNOWLEDGE, JMSContext.SESSION_TRANSACTED,
                JMSContext.AUTO_ACKNOWLEDGE}) {
            try (JMSContext context = factory.createContext(asked)) {
                assertEquals(JMSContext.AUTO_ACKNOWLEDGE, context.getSessionMode(), "asked for " + asked);
                assertFalse(context.getTransacted(), "asked for " + asked);
            }
        }
        try (JMSContext context = factory.createContext(JMSContext.DUPS_OK_ACKNOWLEDGE)) {
            assertEquals(JMSContext.DUPS_OK_ACKNOWLEDGE, context.getSessionMode());
        }
    }

    @Test
    void aContextAskedForClientAcknowledgeStillAcknowledgesWhatItReceives() {
        try (JMSContext context = factory.createContext(JMSContext.CLIENT_ACKNOWLEDGE)) {
            context.createProducer().send(queue, "once");
            assertEquals("once", context.createConsumer(queue).receiveBody(String.class, 5_000));
        }
        try (JMSContext context = factory.createContext()) {
            assertNull(context.createConsumer(queue).receive(500), "an unacknowledged message came again");
        }
    }

    @Test
    void outsideATransactionCommitAndRollbackAreIllegalAndAcknowledgeDoesNothing() {
        try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
            assertThrows(IllegalStateRuntimeException.class, context::commit);
            assertThrows(IllegalStateRuntimeException.class, context::rollback);

            context.createProducer().send(queue, "received").send(queue, "not yet received");
            assertEquals("received", context.createConsumer(queue).receiveBody(String.class, 30_000));
            context.acknowledge();
        }
        // the received message was acknowledged on receipt; acknowledge() took nothing the application had not seen
        try (JMSContext context = factory.createContext()) {
            assertEquals("not yet received", context.createConsumer(queue).receiveBody(String.class, 30_000));
        }
    }

    // ---- what a container forbids (section 12.2) ----

    @Test
    void methodsForbiddenInAContainerThrowIllegalStateRuntimeException() {
        try (JMSContext context = factory.createContext()) {
            assertRefused("JMSContext.setClientID", () -> context.setClientID("mine"));
            assertRefused("JMSContext.setExceptionListener", () -> context.setExceptionListener(e -> { }));
            assertRefused("JMSContext.stop", context::stop);
            assertRefused("JMSContext.createContext", () -> context.createContext(JMSContext.AUTO_ACKNOWLEDGE));
            JMSConsumer consumer = context.createConsumer(queue);
            assertRefused("JMSConsumer.setMessageListener", () -> consumer.setMessageListener(m -> { }));
            assertNull(context.getExceptionListener());

            // and the context still works
            context.createProducer().send(queue, "still usable");
            assertEquals("still usable", consumer.receiveBody(String.class, 5_000));
        }
    }

    /** Refused as section 12.2 requires, naming the method the application called. */
    private static void assertRefused(String method, Executable call) {
        IllegalStateRuntimeException refused = assertThrows(IllegalStateRuntimeException.class, call);
        assertTrue(refused.getMessage().startsWith(method + " must not be called"), refused.getMessage());
    }

    // ---- in a JTA transaction (section 12.3) ----

    @Test
    void inATransactionTheContextIsTransactedAndRefusesLocalCompletion() throws Exception {
        try (JMSContext context = pooled.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            XAResource branch = pool.created.get(0).getXAResource();
            Xid xid = xid();
            branch.start(xid, XAResource.TMNOFLAGS);

            assertTrue(context.getTransacted());
            assertEquals(JMSContext.SESSION_TRANSACTED, context.getSessionMode());
            assertThrows(TransactionInProgressRuntimeException.class, context::commit);
            assertThrows(TransactionInProgressRuntimeException.class, context::rollback);
            assertThrows(IllegalStateRuntimeException.class, context::recover);

            branch.end(xid, XAResource.TMSUCCESS);
            branch.rollback(xid);
            assertFalse(context.getTransacted(), "still transacted after the transaction ended");
        }
    }

    @Test
    void whatAContextSendsInATransactionIsDeliveredOnlyIfTheTransactionCommits() throws Exception {
        try (JMSContext context = pooled.createContext()) {
            XAResource branch = pool.created.get(0).getXAResource();

            Xid rolledBack = xid();
            branch.start(rolledBack, XAResource.TMNOFLAGS);
            context.createProducer().send(queue, "rolled back");
            branch.end(rolledBack, XAResource.TMSUCCESS);
            branch.rollback(rolledBack);

            Xid committed = xid();
            branch.start(committed, XAResource.TMNOFLAGS);
            context.createProducer().send(queue, "committed");
            branch.end(committed, XAResource.TMSUCCESS);
            branch.commit(committed, true);
        }
        try (JMSContext context = factory.createContext()) {
            JMSConsumer consumer = context.createConsumer(queue);
            assertEquals("committed", consumer.receiveBody(String.class, 5_000));
            assertNull(consumer.receive(500), "the message of the rolled-back transaction was delivered");
        }
    }

    @Test
    void inATransactionABodyOfTheWrongTypeIsAMessageFormatErrorAndCountsAsReceived() throws Exception {
        try (JMSContext context = factory.createContext()) {
            context.createProducer().send(queue, "not a number");
        }
        try (JMSContext context = pooled.createContext()) {
            XAResource branch = pool.created.get(0).getXAResource();
            Xid xid = xid();
            branch.start(xid, XAResource.TMNOFLAGS);
            JMSConsumer consumer = context.createConsumer(queue);
            assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Integer.class, 5_000));
            assertNull(consumer.receiveNoWait(), "the refused message came again in the same transaction");
            branch.end(xid, XAResource.TMSUCCESS);
            branch.commit(xid, true);
        }
        try (JMSContext context = factory.createContext()) {
            assertNull(context.createConsumer(queue).receive(500), "the message received in the committed "
                    + "transaction came again");
        }
    }

    // ---- closing ----

    @Test
    void closingTheContextGivesItsConnectionBackToThePool() {
        try (JMSContext context = pooled.createContext()) {
            context.createConsumer(queue); // closed with the context, not left on the pooled session
        }
        assertEquals(1, pool.idle.size(), "the connection did not come back to the pool");

        try (JMSContext context = pooled.createContext()) {
            context.createProducer().send(queue, "through the reused connection");
            assertEquals("through the reused connection", context.createConsumer(queue).receiveBody(String.class, 5_000));
        }
        assertEquals(1, pool.created.size(), "the pooled connection was not reused");
    }

    @Test
    void withoutAServerClosingTheContextClosesItsConnection() {
        managedFactory.setClientId("ledger");
        ConnectionFactory unpooled = (ConnectionFactory) managedFactory.createConnectionFactory();
        try (JMSContext context = unpooled.createContext()) {
            assertEquals("ledger", context.getClientID());
        }
        // a client ID is held by one open connection at a time: the first one is closed
        try (JMSContext context = unpooled.createContext()) {
            assertEquals("ledger", context.getClientID());
        }
    }

    @Test
    void aClosedContextRefusesUse() {
        JMSContext context = factory.createContext();
        JMSConsumer consumer = context.createConsumer(queue);
        context.close();

        assertThrows(IllegalStateRuntimeException.class, context::createProducer);
        assertThrows(IllegalStateRuntimeException.class, () -> context.createTextMessage("late"));
        assertThrows(IllegalStateRuntimeException.class, () -> context.createConsumer(queue));
        assertThrows(IllegalStateRuntimeException.class, context::getSessionMode);
        assertThrows(IllegalStateRuntimeException.class, context::acknowledge);
        assertThrows(IllegalStateRuntimeException.class, () -> consumer.receive(100));
        assertDoesNotThrow(context::close, "closing a closed context");
    }

    private static Xid xid() {
        UUID id = UUID.randomUUID();
        return new XidData(0x54455354, id.toString().getBytes(StandardCharsets.US_ASCII), new byte[] {1});
    }

    /**
     * A connection manager that pools, as a server's does: a managed connection whose handle
     * was closed is cleaned up and handed out again for the next request.
     */
    private static final class PoolingConnectionManager implements ConnectionManager, ConnectionEventListener,
            AutoCloseable {

        private static final long serialVersionUID = 1L;

        final List<ManagedConnection> created = new ArrayList<>();
        final Deque<ManagedConnection> idle = new ArrayDeque<>();

        @Override
        public synchronized Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
                throws ResourceException {
            ManagedConnection connection = idle.poll();
            if (connection == null) {
                connection = factory.createManagedConnection(null, info);
                connection.addConnectionEventListener(this);
                created.add(connection);
            }
            return connection.getConnection(null, info);
        }

        @Override
        public synchronized void connectionClosed(ConnectionEvent event) {
            ManagedConnection connection = (ManagedConnection) event.getSource();
            try {
                connection.cleanup();
            } catch (ResourceException e) {
                throw new IllegalStateException(e);
            }
            idle.push(connection);
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            idle.remove(event.getSource());
        }

        /** Shuts the pool down, as the server does when the adapter is undeployed. */
        @Override
        public synchronized void close() throws ResourceException {
            for (ManagedConnection connection : created) {
                connection.removeConnectionEventListener(this);
                connection.destroy();
            }
            idle.clear();
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
        }
    }
}
