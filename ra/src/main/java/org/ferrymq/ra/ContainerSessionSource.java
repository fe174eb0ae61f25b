package org.ferrymq.ra;

import jakarta.jms.Connection;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import org.ferrymq.client.FerryJMSConsumer;
import org.ferrymq.client.FerryJMSContext;
import org.ferrymq.client.FerryMessageConsumer;
import org.ferrymq.client.FerryMessageProducer;
import org.ferrymq.client.FerryXASession;
import org.ferrymq.client.JmsExceptions;
import org.ferrymq.client.SessionSource;

/**
 * What the JMSContext an application gets from the adapter's connection factory (by
 * {@code createContext}, or through the server's {@code @Inject JMSContext}) works through: a
 * {@link ConnectionHandle} on a pooled connection and its one {@link SessionHandle}. The
 * context is provider-impl's {@link FerryJMSContext}; closing it gives the connection back to
 * the pool.
 *
 * <p>It keeps the Jakarta EE rules (Jakarta Messaging 3.1, sections 12.2 and 12.3): in a JTA
 * transaction the context's work belongs to the transaction whatever session mode was asked
 * for; outside one it acknowledges automatically, {@code DUPS_OK_ACKNOWLEDGE} if asked for and
 * otherwise {@code AUTO_ACKNOWLEDGE} ({@code CLIENT_ACKNOWLEDGE} and {@code SESSION_TRANSACTED}
 * are ignored). {@code setClientID}, {@code setExceptionListener}, {@code stop}, a second
 * context on its connection and message listeners are refused with an
 * {@link IllegalStateRuntimeException}.
 */
final class ContainerSessionSource implements SessionSource {

    private final ConnectionHandle connection;
    private final SessionHandle session;
    /** The mode outside a JTA transaction: AUTO_ACKNOWLEDGE or DUPS_OK_ACKNOWLEDGE. */
    private final int modeWithoutTransaction;

    private FerryMessageProducer producer;
    private FerryXASession producerSession;

    private ContainerSessionSource(ConnectionHandle connection, SessionHandle session, int sessionMode) {
        this.connection = connection;
        this.session = session;
        this.modeWithoutTransaction = sessionMode == JMSContext.DUPS_OK_ACKNOWLEDGE ? JMSContext.DUPS_OK_ACKNOWLEDGE
                : JMSContext.AUTO_ACKNOWLEDGE;
    }

    /** A context over a connection handle just allocated; the handle is closed if the context cannot be made. */
    static JMSContext open(ConnectionHandle connection, int sessionMode) {
        try {
            return new FerryJMSContext(
                    new ContainerSessionSource(connection, (SessionHandle) connection.createSession(), sessionMode));
        } catch (JMSException e) {
            try {
                connection.close();
            } catch (JMSException closing) {
                e.addSuppressed(closing);
            }
            throw JmsExceptions.toRuntime(e);
        }
    }

    @Override
    public Connection connection() {
        return connection;
    }

    /** The session handle made with the context, so that a context that cannot have one is never made. */
    @Override
    public Session createSession() {
        return session;
    }

    /**
     * Made again if the server has moved the handle to another pooled connection, so that a
     * send always goes through the session enlisted in the current transaction.
     */
    @Override
    public synchronized FerryMessageProducer producer(Session session) throws JMSException {
        FerryXASession pooled = connection.owner().session();
        if (producer == null || producerSession != pooled) {
            producer = (FerryMessageProducer) session.createProducer(null);
            producerSession = pooled;
        }
        return producer;
    }

    @Override
    public int sessionMode() throws JMSException {
        return session.getTransacted() ? JMSContext.SESSION_TRANSACTED : modeWithoutTransaction;
    }

    /** No effect, as for any session that is not CLIENT_ACKNOWLEDGE: this one never is. */
    @Override
    public void acknowledge(Session session) {
    }

    /** A consumer made by the session handle (so it closes with the context): synchronous receives only. */
    @Override
    public JMSConsumer consumer(MessageConsumer consumer) {
        return new ContainerConsumer((FerryMessageConsumer) ((ConsumerHandle) consumer).physical());
    }

    @Override
    public SessionSource another(int sessionMode) throws JMSException {
        throw ContainerRules.forbidden("JMSContext.createContext", "it would make a second session on this "
                + "context's connection; call createContext() on the connection factory for another context");
    }

    @Override
    public void setClientID(String clientID) throws JMSException {
        throw ContainerRules.forbidden("JMSContext.setClientID",
                "set the ClientId property of the connection factory instead");
    }

    @Override
    public ExceptionListener getExceptionListener() {
        return null;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        throw ContainerRules.forbidden("JMSContext.setExceptionListener",
                "the server watches the pooled connection itself");
    }

    @Override
    public void stop() throws JMSException {
        throw ContainerRules.forbidden("JMSContext.stop", "close the context when it is no longer needed");
    }

    /** Closes what the context made and gives the connection back to the server's pool. */
    @Override
    public void close(Session session) throws JMSException {
        connection.close();
    }

    @Override
    public String toString() {
        return "FerryMQ adapter, " + connection.owner().credentials();
    }

    /** A JMSConsumer in a Jakarta EE container: synchronous receives only. */
    private static final class ContainerConsumer extends FerryJMSConsumer {

        ContainerConsumer(FerryMessageConsumer consumer) {
            super(consumer);
        }

        @Override
        public void setMessageListener(MessageListener listener) {
            throw new IllegalStateRuntimeException(ContainerRules.forbiddenMessage("JMSConsumer.setMessageListener",
                    "use a message-driven bean, or receive()"));
        }
    }
}
