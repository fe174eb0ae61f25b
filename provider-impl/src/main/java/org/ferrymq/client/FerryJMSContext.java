package org.ferrymq.client;

import static org.ferrymq.client.JmsExceptions.call;
import static org.ferrymq.client.JmsExceptions.run;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
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
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.Serializable;

/**
 * The simplified API's context, over a {@link SessionSource} that supplies its connection and
 * its one session: the same class for an application's own contexts
 * ({@link StandaloneSessionSource}) and for the resource adapter's, in a Jakarta EE container.
 * The session is made on first need, so that {@link #setClientID} still works right after the
 * context is made.
 *
 * <p>Every checked {@link JMSException} of the classic objects underneath, the source's
 * refusals among them, surfaces as its runtime twin ({@link JmsExceptions#toRuntime}).
 */
public class FerryJMSContext implements JMSContext, ProducerSource {

    private final SessionSource source;
    private final Object lock = new Object();

    /** Made by the source on first need, under {@link #lock}; never made once closed. */
    private Session session;
    private volatile boolean autoStart = true;
    private volatile boolean closed;

    /** A context that owns a new connection; the connection closes with the context (or its last sibling). */
    FerryJMSContext(FerryConnection connection, int sessionMode) {
        this(new StandaloneSessionSource(connection, sessionMode, false));
    }

    /** A context over {@code source}: how the resource adapter makes the contexts of a container. */
    public FerryJMSContext(SessionSource source) {
        this.source = source;
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

    private SessionSource source() {
        checkOpen();
        return source;
    }

    private Connection connection() {
        return source().connection();
    }

    /** The context's session, made by its source on first need. */
    @Override
    public Session session() {
        synchronized (lock) {
            checkOpen();
            if (session == null) {
                session = call(source::createSession);
            }
            return session;
        }
    }

    /** The producer through which this context's JMSProducers send. */
    @Override
    public FerryMessageProducer producer() {
        Session s = session();
        return call(() -> source.producer(s));
    }

    // ---- contexts and connection ----

    @Override
    public JMSContext createContext(int sessionMode) {
        SessionSource s = source();
        return new FerryJMSContext(call(() -> s.another(sessionMode)));
    }

    @Override
    public String getClientID() {
        Connection c = connection();
        return call(c::getClientID);
    }

    @Override
    public void setClientID(String clientID) {
        SessionSource s = source();
        run(() -> s.setClientID(clientID));
    }

    @Override
    public ConnectionMetaData getMetaData() {
        Connection c = connection();
        return call(c::getMetaData);
    }

    @Override
    public ExceptionListener getExceptionListener() {
        SessionSource s = source();
        return call(s::getExceptionListener);
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        SessionSource s = source();
        run(() -> s.setExceptionListener(listener));
    }

    @Override
    public void start() {
        Connection c = connection();
        run(c::start);
    }

    @Override
    public void stop() {
        SessionSource s = source(); // a standalone connection refuses a stop from its own listener
        run(s::stop);
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
        Session toClose;
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
        run(() -> source.close(toClose));
    }

    // ---- session ----

    @Override
    public int getSessionMode() {
        SessionSource s = source();
        return call(s::sessionMode);
    }

    @Override
    public boolean getTransacted() {
        return getSessionMode() == SESSION_TRANSACTED;
    }

    @Override
    public void commit() {
        Session s = session();
        run(s::commit);
    }

    @Override
    public void rollback() {
        Session s = session();
        run(s::rollback);
    }

    @Override
    public void recover() {
        Session s = session();
        run(s::recover);
    }

    @Override
    public void acknowledge() {
        checkOpen();
        Session s;
        synchronized (lock) {
            s = session;
        }
        if (s != null) { // without a session nothing was consumed
            run(() -> source.acknowledge(s));
        }
    }

    // ---- messages ----

    @Override
    public BytesMessage createBytesMessage() {
        Session s = session();
        return call(s::createBytesMessage);
    }

    @Override
    public MapMessage createMapMessage() {
        Session s = session();
        return call(s::createMapMessage);
    }

    @Override
    public Message createMessage() {
        Session s = session();
        return call(s::createMessage);
    }

    @Override
    public ObjectMessage createObjectMessage() {
        Session s = session();
        return call(s::createObjectMessage);
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        Session s = session();
        return call(() -> s.createObjectMessage(object));
    }

    @Override
    public StreamMessage createStreamMessage() {
        Session s = session();
        return call(s::createStreamMessage);
    }

    @Override
    public TextMessage createTextMessage() {
        Session s = session();
        return call(s::createTextMessage);
    }

    @Override
    public TextMessage createTextMessage(String text) {
        Session s = session();
        return call(() -> s.createTextMessage(text));
    }

    // ---- destinations ----

    @Override
    public Queue createQueue(String queueName) {
        Session s = session();
        return call(() -> s.createQueue(queueName));
    }

    @Override
    public Topic createTopic(String topicName) {
        Session s = session();
        return call(() -> s.createTopic(topicName));
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        Session s = session();
        return call(s::createTemporaryQueue);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        Session s = session();
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
        Session s = session();
        return started(call(() -> s.createConsumer(destination, messageSelector, noLocal)));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name) {
        Session s = session();
        return started(call(() -> s.createDurableConsumer(topic, name)));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal) {
        Session s = session();
        return started(call(() -> s.createDurableConsumer(topic, name, messageSelector, noLocal)));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        Session s = session();
        return started(call(() -> s.createSharedDurableConsumer(topic, name)));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) {
        Session s = session();
        return started(call(() -> s.createSharedDurableConsumer(topic, name, messageSelector)));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) {
        Session s = session();
        return started(call(() -> s.createSharedConsumer(topic, sharedSubscriptionName)));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector) {
        Session s = session();
        return started(call(() -> s.createSharedConsumer(topic, sharedSubscriptionName, messageSelector)));
    }

    /** Wraps a new consumer and, unless autoStart is off, starts the connection. */
    private JMSConsumer started(MessageConsumer consumer) {
        JMSConsumer wrapped = source.consumer(consumer);
        if (autoStart) {
            run(source.connection()::start);
        }
        return wrapped;
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) {
        Session s = session();
        return call(() -> s.createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) {
        Session s = session();
        return call(() -> s.createBrowser(queue, messageSelector));
    }

    @Override
    public void unsubscribe(String name) {
        Session s = session();
        run(() -> s.unsubscribe(name));
    }

    @Override
    public String toString() {
        return "FerryJMSContext[" + source + (closed ? ", closed" : "") + "]";
    }
}
