package org.ferrymq.ra;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import java.io.Serializable;
import javax.naming.Reference;

/**
 * The connection factory an application looks up or injects ({@code @Resource}): every
 * connection comes from the server's pool through its {@link ConnectionManager}, enlisted in
 * the caller's JTA transaction when there is one.
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

    private static JMSRuntimeException noContext() {
        return new JMSRuntimeException("A JMSContext from the FerryMQ resource adapter is not available yet; "
                + "use createConnection() and a Session");
    }

    @Override
    public JMSContext createContext() {
        throw noContext();
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        throw noContext();
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        throw noContext();
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        throw noContext();
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
