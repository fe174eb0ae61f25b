package org.ferrymq.ra;

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
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.io.Serializable;
import org.ferrymq.client.FerryJMSConsumer;
import org.ferrymq.client.FerryJMSProducer;
import org.ferrymq.client.FerryMessageConsumer;
import org.ferrymq.client.FerryMessageProducer;
import org.ferrymq.client.FerryXASession;
import org.ferrymq.client.JmsExceptions;
import org.ferrymq.client.JmsExceptions.JmsCall;
import org.ferrymq.client.ProducerSource;

/**
 * The JMSContext an application gets from the adapter's connection factory, by
 * {@code createContext} or through the server's {@code @Inject JMSContext}: a
 * {@link ConnectionHandle} on a pooled connection and its one {@link SessionHandle}, seen
 * through the simplified API. Closing it gives the connection back to the pool.
 *
 * <p>It keeps the Jakarta EE rules (Jakarta Messaging 3.1, sections 12.2 and 12.3): in a JTA
 * transaction its work belongs to the transaction whatever session mode was asked for;
 * outside one it acknowledges automatically, {@code DUPS_OK_ACKNOWLEDGE} if asked for and
 * otherwise {@code AUTO_ACKNOWLEDGE} ({@code CLIENT_ACKNOWLEDGE} and {@code SESSION_TRANSACTED}
 * are ignored). {@code setClientID}, {@code setExceptionListener}, {@code stop}, a second
 * context on its connection and message listeners are refused with an
 * {@link IllegalStateRuntimeException}. Producers and consumers are provider-impl's, over the
 * pooled session.
 */
final class ContextHandle implements JMSContext, ProducerSource {

    private final ConnectionHandle connection;
    private final SessionHandle session;
    /** The mode outside a JTA transaction: AUTO_ACKNOWLEDGE or DUPS_OK_ACKNOWLEDGE. */
    private final int modeWithoutTransaction;
    private volatile boolean autoStart = true;
    private volatile boolean closed;

    private FerryMessageProducer producer;
    private FerryXASession producerSession;

    private ContextHandle(ConnectionHandle connection, SessionHandle session, int sessionMode) {
        this.connection = connection;
        this.session = session;
        this.modeWithoutTransaction = sessionMode == DUPS_OK_ACKNOWLEDGE ? DUPS_OK_ACKNOWLEDGE : AUTO_ACKNOWLEDGE;
    }

    /** A context over a connection handle just allocated; the handle is closed if the context cannot be made. */
    static ContextHandle open(ConnectionHandle connection, int sessionMode) {
        try {
            return new ContextHandle(connection, (SessionHandle) connection.createSession(), sessionMode);
        } catch (JMSException e) {
            try {
                connection.close();
            } catch (JMSException closing) {
                e.addSuppressed(closing);
            }
            throw JmsExceptions.toRuntime(e);
        }
    }

    private static IllegalStateRuntimeException forbidden(String method, String instead) {
        return new IllegalStateRuntimeException(ContainerRules.forbiddenMessage(method, instead));
    }

    private ConnectionHandle connection() {
        session();
        return connection;
    }

    // ---- what the JMSProducers work through ----

    /** The context's session; refuses a closed context. */
    @Override
    public SessionHandle session() {
        if (closed) {
            throw new IllegalStateRuntimeException("This JMSContext is closed");
        }
        return session;
    }

    /**
     * The one producer without a destination that this context's JMSProducers send through. It
     * is made again if the server has moved the handle to another pooled connection, so that a
     * send always goes through the session enlisted in the current transaction.
     */
    @Override
    public synchronized FerryMessageProducer producer() {
        SessionHandle s = session();
        FerryXASession pooled = connection.owner().session();
        if (producer == null || producerSession != pooled) {
            producer = (FerryMessageProducer) call(() -> s.createProducer(null));
            producerSession = pooled;
        }
        return producer;
    }

    // ---- connection ----

    @Override
    public JMSContext createContext(int sessionMode) {
        session();
        throw forbidden("JMSContext.createContext", "it would make a second session on this context's connection; "
                + "call createContext() on the connection factory for another context");
    }

    @Override
    public String getClientID() {
        return call(connection()::getClientID);
    }

    @Override
    public void setClientID(String clientID) {
        session();
        throw forbidden("JMSContext.setClientID", "set the ClientId property of the connection factory instead");
    }

    @Override
    public ConnectionMetaData getMetaData() {
        return call(connection()::getMetaData);
    }

    @Override
    public ExceptionListener getExceptionListener() {
        session();
        return null;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        session();
        throw forbidden("JMSContext.setExceptionListener", "the server watches the pooled connection itself");
    }

    @Override
    public void start() {
        run(connection()::start);
    }

    @Override
    public void stop() {
        session();
        throw forbidden("JMSContext.stop", "close the context when it is no longer needed");
    }

    @Override
    public void setAutoStart(boolean autoStart) {
        session();
        this.autoStart = autoStart;
    }

    @Override
    public boolean getAutoStart() {
        session();
        return autoStart;
    }

    /** Closes what the context made and gives the connection back to the server's pool. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        run(connection::close);
    }

    // ---- transactions and acknowledgement: decided by the container ----

    @Override
    public int getSessionMode() {
        return call(session()::getTransacted) ? SESSION_TRANSACTED : modeWithoutTransaction;
    }

    @Override
    public boolean getTransacted() {
        return call(session()::getTransacted);
    }

    /** Refused: outside a JTA transaction there is no local transaction; inside one, TransactionInProgressRuntimeException. */
    @Override
    public void commit() {
        run(session()::commit);
    }

    /** Refused as {@link #commit} is: roll back the JTA transaction (setRollbackOnly) instead. */
    @Override
    public void rollback() {
        run(session()::rollback);
    }

    /** Refused in a JTA transaction; outside one the session acknowledges automatically and has nothing to recover. */
    @Override
    public void recover() {
        run(session()::recover);
    }

    /** No effect, as for any session that is not CLIENT_ACKNOWLEDGE: this one never is. */
    @Override
    public void acknowledge() {
        session();
    }

    // ---- messages and destinations ----

    @Override
    public BytesMessage createBytesMessage() {
        return call(session()::createBytesMessage);
    }

    @Override
    public MapMessage createMapMessage() {
        return call(session()::createMapMessage);
    }

    @Override
    public Message createMessage() {
        return call(session()::createMessage);
    }

    @Override
    public ObjectMessage createObjectMessage() {
        return call(session()::createObjectMessage);
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        SessionHandle s = session();
        return call(() -> s.createObjectMessage(object));
    }

    @Override
    public StreamMessage createStreamMessage() {
        return call(session()::createStreamMessage);
    }

    @Override
    public TextMessage createTextMessage() {
        return call(session()::createTextMessage);
    }

    @Override
    public TextMessage createTextMessage(String text) {
        SessionHandle s = session();
        return call(() -> s.createTextMessage(text));
    }

    @Override
    public Queue createQueue(String queueName) {
        SessionHandle s = session();
        return call(() -> s.createQueue(queueName));
    }

    @Override
    public Topic createTopic(String topicName) {
        SessionHandle s = session();
        return call(() -> s.createTopic(topicName));
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        return call(session()::createTemporaryQueue);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        return call(session()::createTemporaryTopic);
    }

    @Override
    public void unsubscribe(String name) {
        SessionHandle s = session();
        run(() -> s.unsubscribe(name));
    }

    // ---- producers, consumers, browsers ----

    @Override
    public JMSProducer createProducer() {
        session();
        return new FerryJMSProducer(this);
    }

    /** A consumer made by the session handle (so it closes with the context), started unless autoStart is off. */
    private JMSConsumer consumer(JmsCall<MessageConsumer> create) {
        ConsumerHandle handle = (ConsumerHandle) call(create);
        if (autoStart) {
            run(connection::start);
        }
        return new ContainerConsumer((FerryMessageConsumer) handle.physical());
    }

    @Override
    public JMSConsumer createConsumer(Destination destination) {
        SessionHandle s = session();
        return consumer(() -> s.createConsumer(destination));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector) {
        SessionHandle s = session();
        return consumer(() -> s.createConsumer(destination, messageSelector));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal) {
        SessionHandle s = session();
        return consumer(() -> s.createConsumer(destination, messageSelector, noLocal));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name) {
        SessionHandle s = session();
        return consumer(() -> s.createDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal) {
        SessionHandle s = session();
        return consumer(() -> s.createDurableConsumer(topic, name, messageSelector, noLocal));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        SessionHandle s = session();
        return consumer(() -> s.createSharedDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector) {
        SessionHandle s = session();
        return consumer(() -> s.createSharedDurableConsumer(topic, name, messageSelector));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) {
        SessionHandle s = session();
        return consumer(() -> s.createSharedConsumer(topic, sharedSubscriptionName));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector) {
        SessionHandle s = session();
        return consumer(() -> s.createSharedConsumer(topic, sharedSubscriptionName, messageSelector));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) {
        SessionHandle s = session();
        return call(() -> s.createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) {
        SessionHandle s = session();
        return call(() -> s.createBrowser(queue, messageSelector));
    }

    @Override
    public String toString() {
        return "FerryMQ adapter JMSContext[" + connection.owner().credentials() + (closed ? ", closed" : "") + "]";
    }

    /** A JMSConsumer in a Jakarta EE container: synchronous receives only. */
    private static final class ContainerConsumer extends FerryJMSConsumer {

        ContainerConsumer(FerryMessageConsumer consumer) {
            super(consumer);
        }

        @Override
        public void setMessageListener(MessageListener listener) {
            throw forbidden("JMSConsumer.setMessageListener", "use a message-driven bean, or receive()");
        }
    }
}
