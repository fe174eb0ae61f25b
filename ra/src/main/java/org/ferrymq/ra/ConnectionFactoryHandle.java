package org.ferrymq.ra;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import java.io.Serializable;
import javax.naming.Reference;
import org.ferrymq.client.FerryJMSContext;
import org.ferrymq.client.JmsExceptions;

/**
 * The connection factory an application looks up or injects ({@code @Resource}, or through
 * {@code @Inject JMSContext}): every connection and every JMSContext comes from the server's
 * pool through its {@link ConnectionManager}, enlisted in the caller's JTA transaction when
 * there is one.
 */
final class ConnectionFactoryHandle implements ConnectionFactory, QueueConnectionFactory, TopicConnectionFactory,
        Serializable, jakarta.resource.Referenceable {

    private static final long serialVersionUID = 1L;

    private final FerryManagedConnectionFactory factory;
    private final ConnectionManager manager;
    private Reference reference;

    ConnectionFactoryHandle(FerryManagedConnectionFactory factory, ConnectionManager manager) {
        this.factory = factory;
        this.manager = manager;
    }

    private ConnectionHandle allocate(String user, String password) throws JMSException {
        try {
            return (ConnectionHandle) manager.allocateConnection(factory,
                    user == null ? null : new Credentials(user, password, null));
        } catch (ResourceException e) {
            JMSException failure = new JMSException("No FerryMQ connection from the server's pool: " + e.getMessage());
            failure.setLinkedException(e);
            failure.initCause(e);
            throw failure;
        }
    }

    @Override
    public Connection createConnection() throws JMSException {
        return allocate(null, null);
    }

    @Override
    public Connection createConnection(String user, String password) throws JMSException {
        return allocate(user, password);
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return allocate(null, null);
    }

    @Override
    public QueueConnection createQueueConnection(String user, String password) throws JMSException {
        return allocate(user, password);
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return allocate(null, null);
    }

    @Override
    public TopicConnection createTopicConnection(String user, String password) throws JMSException {
        return allocate(user, password);
    }

    /**
     * A context on a connection from the server's pool, enlisted in the caller's JTA transaction
     * when there is one; the session mode is that of {@link #createContext(String, String, int)}.
     */
    @Override
    public JMSContext createContext() {
        return createContext(null, null, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return createContext(userName, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return createContext(null, null, sessionMode);
    }

    /**
     * In a JTA transaction the session mode is ignored: the context's work belongs to the
     * transaction. Outside one the context acknowledges automatically: {@code DUPS_OK_ACKNOWLEDGE}
     * if asked for, otherwise {@code AUTO_ACKNOWLEDGE}, also in place of {@code CLIENT_ACKNOWLEDGE}
     * and {@code SESSION_TRANSACTED} (Jakarta Messaging 3.1, section 12.3).
     */
    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        FerryJMSContext.checkSessionMode(sessionMode);
        return ContainerSessionSource.open(JmsExceptions.call(() -> allocate(userName, password)), sessionMode);
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
