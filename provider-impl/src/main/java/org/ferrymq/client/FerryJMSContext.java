package org.ferrymq.client;

import static org.ferrymq.client.JmsExceptions.call;
import static org.ferrymq.client.JmsExceptions.run;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.Serializable;

/**
 * The simplified API's context: one connection, shared with every context made from it by
 * {@link #createContext(int)}, and one session of its own, created on first need so that
 * {@link #setClientID} still works right after the context is made.
 *
 * <p>Invariant: the connection closes exactly when the last open context that shares it
 * closes. Every checked {@link JMSException} of the classic objects underneath surfaces as
 * its runtime twin ({@link JmsExceptions#toRuntime}).
 */
public class FerryJMSContext implements JMSContext, ProducerSource {

    private final SharedConnection shared;
    private final int sessionMode;
    private final Object lock = new Object();

    private FerrySession session;
    /** Sends of all this context's JMSProducers go through one producer without a destination. */
    private FerryMessageProducer producer;
    private volatile boolean autoStart = true;
    private volatile boolean closed;

    /** A context that owns a new connection; the connection closes with the context (or its last sibling). */
    FerryJMSContext(FerryConnection connection, int sessionMode) {
        this(new SharedConnection(connection), sessionMode);
    }

    private FerryJMSContext(SharedConnection shared, int sessionMode) {
        this.shared = shared;
        this.sessionMode = sessionMode;
    }

    /** Refuses anything but the four session modes of {@link JMSContext}. */
    public static void checkSessionMode(int sessionMode) {
        if (sessionMode != AUTO_ACKNOWLEDGE && sessionMode != CLIENT_ACKNOWLEDGE && sessionMode != DUPS_OK_ACKNOWLEDGE
                && sessionMode != SESSION_TRANSACTED) {
            throw new JMSRuntimeException("Session mode " + sessionMode + " is not one of JMSContext.AUTO_ACKNOWLEDGE (1), "
                    + "CLIENT_ACKNOWLEDGE (2), DUPS_OK_ACKNOWLEDGE (3) or SESSION_TRANSACTED (0)");
        }
    }

    // ---- the objects underneath ----

    private void checkOpen() {
        if (closed) {
            throw JmsExceptions.toRuntime(JmsExceptions.closed("JMSContext"));
        }
    }

    private FerryConnection connection() {
        checkOpen();
        return shared.connection;
    }

    /** The context's session, created on first need. */
    @Override
    public FerrySession session() {
        synchronized (lock) {
            checkOpen();
            if (session == null) {
                session = call(() -> newSession(shared.connection));
            }
            return session;
        }
    }

    /** Makes the context's session on its connection. */
    FerrySession newSession(FerryConnection connection) throws JMSException {
        return (FerrySession) connection.createSession(sessionMode);
    }

    /** The producer through which this context's JMSProducers send. */
    @Override
    public FerryMessageProducer producer() {
        FerrySession s = session();
        synchronized (lock) {
            if (producer == null) {
                producer = (FerryMessageProducer) call(() -> s.createProducer(null));
            }
            return producer;
        }
    }

    // ---- contexts and connection ----

    @Override
    public JMSContext createContext(int sessionMode) {
        checkOpen();
        checkSessionMode(sessionMode);
        shared.acquire();
        return new FerryJMSContext(shared, sessionMode);
    }

    @Override
    public String getClientID() {
        FerryConnection c = connection();
        return call(c::getClientID);
    }

    @Override
    public void setClientID(String clientID) {
        FerryConnection c = connection();
        run(() -> c.setClientID(clientID));
    }

    @Override
    public ConnectionMetaData getMetaData() {
        FerryConnection c = connection();
        return call(c::getMetaData);
    }

    @Override
    public ExceptionListener getExceptionListener() {
        FerryConnection c = connection();
        return call(c::getExceptionListener);
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        FerryConnection c = connection();
        run(() -> c.setExceptionListener(listener));
    }

    @Override
    public void start() {
        FerryConnection c = connection();
        run(c::start);
    }

    @Override
    public void stop() {
        FerryConnection c = connection(); // refuses a stop from a listener of this connection
        run(c::stop);
    }

    @Override
    public void setAutoStart(boolean autoStart) {
        checkOpen();
        this.autoStart = autoStart;
    }

    @Override
    public boolean getAutoStart() {
        checkOpen();
        return autoStart;
    }

    @Override
    public void close() {
        FerrySession toClose;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (session != null && FerrySession.currentCallbackSession() == session) {
                // closing would wait for the very callback that is asking
                throw new IllegalStateRuntimeException("A MessageListener or CompletionListener must not close "
                        + "its own JMSContext; close it from another thread once the callback has returned");
            }
            closed = true;
            toClose = session;
        }
        JMSException failure = null;
        try {
            if (toClose != null) {
                toClose.close();
            }
        } catch (JMSException e) {
            failure = e;
        }
        try {
            shared.release();
        } catch (JMSException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw JmsExceptions.toRuntime(failure);
        }
    }

    // ---- session ----

    @Override
    public int getSessionMode() {
        checkOpen();
        return sessionMode;
    }

    @Override
    public boolean getTransacted() {
        checkOpen();
        return sessionMode == SESSION_TRANSACTED;
    }

    @Override
    public void commit() {
        FerrySession s = session();
        run(s::commit);
    }

    @Override
    public void rollback() {
        FerrySession s = session();
        run(s::rollback);
    }

    @Override
    public void recover() {
        FerrySession s = session();
        run(s::recover);
    }

    @Override
    public void acknowledge() {
        checkOpen();
        FerrySession s;
        synchronized (lock) {
            s = session;
        }
        if (s != null) { // without a session nothing was consumed
            run(s::acknowledgeAll);
        }
    }

    // ---- messages ----

    @Override
    public BytesMessage createBytesMessage() {
        FerrySession s = session();
        return call(s::createBytesMessage);
    }

    @Override
    public MapMessage createMapMessage() {
        FerrySession s = session();
        return call(s::createMapMessage);
    }

    @Override
    public Message createMessage() {
        FerrySession s = session();
        return call(s::createMessage);
    }

    @Override
    public ObjectMessage createObjectMessage() {
        FerrySession s = session();
        return call(s::createObjectMessage);
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        FerrySession s = session();
        return call(() -> s.createObjectMessage(object));
    }

    @Override
    public StreamMessage createStreamMessage() {
        FerrySession s = session();
        return call(s::createStreamMessage);
    }

    @Override
    public TextMessage createTextMessage() {
        FerrySession s = session();
        return call(s::createTextMessage);
    }

    @Override
    public TextMessage createTextMessage(String text) {
        FerrySession s = session();
        return call(() -> s.createTextMessage(text));
    }

    // ---- destinations ----

    @Override
    public Queue createQueue(String queueName) {
        FerrySession s = session();
        return call(() -> s.createQueue(queueName));
    }

    @Override
    public Topic createTopic(String topicName) {
        FerrySession s = session();
        return call(() -> s.createTopic(topicName));
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        FerrySession s = session();
        return call(s::createTemporaryQueue);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        FerrySession s = session();
        return call(s::createTemporaryTopic);
    }

    // ---- producers, consumers, browsers ----

    @Override
    public JMSProducer createProducer() {
        checkOpen();
        return new FerryJMSProducer(this);
    }

    @Override
    public JMSConsumer createConsumer(Destination destination) {
        return createConsumer(destination, null, false);
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector) {
        return createConsumer(destination, messageSelector, false);
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal) {
        FerrySession s = session();
        return started(call(() -> s.createConsumer(destination, messageSelector, noLocal)));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name) {
        FerrySession s = session();
        return started(call(() -> s.createDurableConsumer(topic, name)));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal) {
        FerrySession s = session();
        return started(call(() -> s.createDurableConsumer(topic, name, messageSelector, noLocal)));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        FerrySession s = session();
        return started(call(() -> s.createSharedDurableConsumer(topic, name)));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) {
        FerrySession s = session();
        return started(call(() -> s.createSharedDurableConsumer(topic, name, messageSelector)));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) {
        FerrySession s = session();
        return started(call(() -> s.createSharedConsumer(topic, sharedSubscriptionName)));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector) {
        FerrySession s = session();
        return started(call(() -> s.createSharedConsumer(topic, sharedSubscriptionName, messageSelector)));
    }

    /** Wraps a new consumer and, unless autoStart is off, starts the connection. */
    private JMSConsumer started(MessageConsumer consumer) {
        FerryJMSConsumer wrapped = new FerryJMSConsumer((FerryMessageConsumer) consumer);
        if (autoStart) {
            run(shared.connection::start);
        }
        return wrapped;
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) {
        FerrySession s = session();
        return call(() -> s.createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) {
        FerrySession s = session();
        return call(() -> s.createBrowser(queue, messageSelector));
    }

    @Override
    public void unsubscribe(String name) {
        FerrySession s = session();
        run(() -> s.unsubscribe(name));
    }

    @Override
    public String toString() {
        return "FerryJMSContext[" + shared.connection + ", session mode " + sessionMode + (closed ? ", closed" : "") + "]";
    }

    /** A connection and the number of open contexts using it; the last one to go closes it. */
    private static final class SharedConnection {

        final FerryConnection connection;
        private int openContexts = 1;

        SharedConnection(FerryConnection connection) {
            this.connection = connection;
        }

        synchronized void acquire() {
            if (openContexts == 0) {
                throw new IllegalStateRuntimeException("The connection of this JMSContext is closed");
            }
            openContexts++;
        }

        void release() throws JMSException {
            synchronized (this) {
                if (--openContexts > 0) {
                    return;
                }
            }
            connection.close();
        }
    }
}
