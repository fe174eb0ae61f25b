package org.ferrymq.ra;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ferrymq.client.FerryXASession;

/**
 * The session of a {@link ConnectionHandle}: the pooled connection's XA session seen through
 * the Jakarta EE rules. In a JTA transaction its work belongs to the transaction and the
 * {@code createSession} arguments were ignored; without one it acknowledges automatically.
 * Message listeners are refused. Closing it closes the producers, consumers and browsers it
 * made, not the pooled session.
 */
final class SessionHandle implements QueueSession, TopicSession {

    private final ConnectionHandle connection;
    private final List<AutoCloseable> children = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    SessionHandle(ConnectionHandle connection) {
        this.connection = connection;
    }

    boolean isClosed() {
        return closed;
    }

    /** The pooled session, which follows the handle when the server moves it to another managed connection. */
    private FerryXASession session() throws IllegalStateException {
        if (closed) {
            throw new IllegalStateException("The session is closed");
        }
        return connection.owner().session();
    }

    private <T extends AutoCloseable> T track(T child) {
        children.add(child);
        return child;
    }

    // ---- transactions: decided by the container ----

    @Override
    public boolean getTransacted() throws JMSException {
        return session().inTransaction();
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        return session().inTransaction() ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE;
    }

    @Override
    public void commit() throws JMSException {
        FerryXASession s = session();
        if (!s.inTransaction()) {
            throw new IllegalStateException("commit() needs a transacted session; outside a JTA transaction a session "
                    + "in a Jakarta EE container acknowledges automatically");
        }
        s.commit(); // refused: the transaction manager commits
    }

    @Override
    public void rollback() throws JMSException {
        FerryXASession s = session();
        if (!s.inTransaction()) {
            throw new IllegalStateException("rollback() needs a transacted session; outside a JTA transaction a "
                    + "session in a Jakarta EE container acknowledges automatically");
        }
        s.rollback(); // refused: roll back the JTA transaction instead
    }

    @Override
    public void recover() throws JMSException {
        session().recover();
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        session();
        return null;
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        session();
        throw ContainerRules.forbidden("Session.setMessageListener", "use a message-driven bean");
    }

    @Override
    public void run() {
        throw new UnsupportedOperationException("Session.run is for application servers' own use");
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        closed = true;
        JMSException first = null;
        for (AutoCloseable child : children) {
            try {
                child.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof JMSException j ? j : new JMSException(e.toString());
                }
            }
        }
        children.clear();
        if (first != null) {
            throw first;
        }
    }

    // ---- messages and destinations ----

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        return session().createBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        return session().createMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        return session().createMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        return session().createObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        return session().createObjectMessage(object);
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        return session().createStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        return session().createTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        return session().createTextMessage(text);
    }

    @Override
    public Queue createQueue(String queueName) throws JMSException {
        return session().createQueue(queueName);
    }

    @Override
    public Topic createTopic(String topicName) throws JMSException {
        return session().createTopic(topicName);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        return session().createTemporaryQueue();
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        return session().createTemporaryTopic();
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        session().unsubscribe(name);
    }

    // ---- producers, consumers, browsers ----

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        return track(session().createProducer(destination));
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        return track(session().createSender(queue));
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        return track(session().createPublisher(topic));
    }

    private ConsumerHandle consumer(MessageConsumer physical) {
        return track(new ConsumerHandle(physical));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return consumer(session().createConsumer(destination));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector) throws JMSException {
        return consumer(session().createConsumer(destination, messageSelector));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal)
            throws JMSException {
        return consumer(session().createConsumer(destination, messageSelector, noLocal));
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) throws JMSException {
        return consumer(session().createSharedConsumer(topic, sharedSubscriptionName));
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector)
            throws JMSException {
        return consumer(session().createSharedConsumer(topic, sharedSubscriptionName, messageSelector));
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return consumer(session().createDurableConsumer(topic, name));
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal)
            throws JMSException {
        return consumer(session().createDurableConsumer(topic, name, messageSelector, noLocal));
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return consumer(session().createSharedDurableConsumer(topic, name));
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector)
            throws JMSException {
        return consumer(session().createSharedDurableConsumer(topic, name, messageSelector));
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return consumer(session().createDurableSubscriber(topic, name));
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String messageSelector, boolean noLocal)
            throws JMSException {
        return consumer(session().createDurableSubscriber(topic, name, messageSelector, noLocal));
    }

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return consumer(session().createReceiver(queue));
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String messageSelector) throws JMSException {
        return consumer(session().createReceiver(queue, messageSelector));
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return consumer(session().createSubscriber(topic));
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String messageSelector, boolean noLocal) throws JMSException {
        return consumer(session().createSubscriber(topic, messageSelector, noLocal));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return track(session().createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) throws JMSException {
        return track(session().createBrowser(queue, messageSelector));
    }
}
