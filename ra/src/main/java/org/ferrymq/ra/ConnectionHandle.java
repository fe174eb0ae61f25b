package org.ferrymq.ra;

import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;

/**
 * The connection an application gets from the adapter's connection factory: a handle on a
 * pooled {@link FerryManagedConnection}. It follows the Jakarta EE rules for JMS in the web and
 * EJB containers: one session per connection; {@code setClientID}, {@code setExceptionListener},
 * {@code stop} and connection consumers are refused with {@link IllegalStateException}; closing
 * it gives the physical connection back to the pool.
 */
final class ConnectionHandle implements QueueConnection, TopicConnection {

    private volatile FerryManagedConnection owner;
    private volatile SessionHandle session;
    private volatile boolean closed;

    ConnectionHandle(FerryManagedConnection owner) {
        this.owner = owner;
    }

    FerryManagedConnection owner() {
        return owner;
    }

    void reassign(FerryManagedConnection newOwner) {
        this.owner = newOwner;
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("The connection is closed");
        }
    }

    // ---- sessions ----

    private synchronized SessionHandle newSession() throws JMSException {
        checkOpen();
        if (session != null && !session.isClosed()) {
            throw new IllegalStateException("This connection already has a session: in a Jakarta EE web or EJB "
                    + "container a connection has one session at a time; close it first or use another connection");
        }
        session = new SessionHandle(this);
        return session;
    }

    /** In a JTA transaction the arguments are ignored; without one the session acknowledges automatically. */
    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return newSession();
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        return newSession();
    }

    @Override
    public Session createSession() throws JMSException {
        return newSession();
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return newSession();
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        return newSession();
    }

    // ---- the rest of Connection ----

    @Override
    public String getClientID() throws JMSException {
        checkOpen();
        return owner.physical().getClientID();
    }

    @Override
    public void setClientID(String clientID) throws JMSException {
        checkOpen();
        throw ContainerRules.forbidden("Connection.setClientID", "set the ClientId property of the connection factory");
    }

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        checkOpen();
        return owner.physical().getMetaData();
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        checkOpen();
        return null;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        checkOpen();
        throw ContainerRules.forbidden("Connection.setExceptionListener",
                "the server watches the pooled connection itself");
    }

    @Override
    public void start() throws JMSException {
        checkOpen();
        owner.physical().start();
    }

    @Override
    public void stop() throws JMSException {
        checkOpen();
        throw ContainerRules.forbidden("Connection.stop", "close the connection when it is no longer needed");
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        invalidate();
        owner.handleClosed(this);
    }

    /** Closes the handle and its session without telling the server (it is cleaning up itself). */
    void invalidate() throws JMSException {
        closed = true;
        SessionHandle s = session;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination destination, String messageSelector,
            ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw ContainerRules.forbidden("Connection.createConnectionConsumer", "use a message-driven bean");
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(Topic topic, String subscriptionName,
            String messageSelector, ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw ContainerRules.forbidden("Connection.createSharedConnectionConsumer", "use a message-driven bean");
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(Topic topic, String subscriptionName,
            String messageSelector, ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw ContainerRules.forbidden("Connection.createDurableConnectionConsumer", "use a message-driven bean");
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(Topic topic, String subscriptionName,
            String messageSelector, ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw ContainerRules.forbidden("Connection.createSharedDurableConnectionConsumer", "use a message-driven bean");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Queue queue, String messageSelector,
            ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw ContainerRules.forbidden("Connection.createConnectionConsumer", "use a message-driven bean");
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic topic, String messageSelector,
            ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        throw ContainerRules.forbidden("Connection.createConnectionConsumer", "use a message-driven bean");
    }
}
