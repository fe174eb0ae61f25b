package org.ferrymq.client;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
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
import jakarta.jms.TransactionRolledBackException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.ferrymq.client.message.FerryBytesMessage;
import org.ferrymq.client.message.FerryMapMessage;
import org.ferrymq.client.message.FerryMessage;
import org.ferrymq.client.message.FerryObjectMessage;
import org.ferrymq.client.message.FerryStreamMessage;
import org.ferrymq.client.message.FerryTextMessage;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.ferrymq.selector.Selector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session: a single-threaded context for producing and consuming, with its own
 * acknowledgement mode or local transaction.
 *
 * <p>It remembers which deliveries the application has consumed but not yet acknowledged
 * (or committed); recover, rollback and close hand exactly those back to the broker for
 * redelivery. In AUTO_ACKNOWLEDGE and DUPS_OK_ACKNOWLEDGE a consumed message is acknowledged
 * without waiting for the broker's journal ({@link PendingAcknowledgements}); recover, close,
 * unsubscribe and the connection's stop wait until those acknowledgements are settled. Message
 * listeners and completion listeners of the session run one at a time on the session's
 * {@link SerialExecutor}.
 */
public class FerrySession implements QueueSession, TopicSession {

    private static final Logger LOG = LoggerFactory.getLogger(FerrySession.class);

    /** The session whose listener or completion callback the current thread is running. */
    private static final ThreadLocal<FerrySession> CALLBACK_SESSION = new ThreadLocal<>();
    /** Set while the current thread runs a CompletionListener. */
    private static final ThreadLocal<FerrySession> COMPLETION_SESSION = new ThreadLocal<>();

    final FerryConnection connection;
    final long id;
    final int mode;
    private final FerryConnection.Domain domain;
    final SerialExecutor executor = new SerialExecutor();

    private final List<FerryMessageConsumer> consumers = new CopyOnWriteArrayList<>();
    private final List<FerryMessageProducer> producers = new CopyOnWriteArrayList<>();
    private final List<FerryQueueBrowser> browsers = new CopyOnWriteArrayList<>();
    /** Consumed, unacknowledged deliveries: pairs of consumer id and delivery id, in order. */
    private final List<long[]> consumed = new ArrayList<>();
    /** AUTO and DUPS_OK acknowledgements the broker has not yet settled, and DUPS_OK ones not yet sent. */
    final PendingAcknowledgements acknowledgements;
    private final AtomicBoolean deliveryScheduled = new AtomicBoolean();
    private final Object listenerLock = new Object();
    private Thread listenerThread;

    private volatile int generation;
    /** Set while an XA branch is associated with the session: consumed messages wait for its outcome. */
    volatile boolean xaAssociated;
    private volatile boolean closed;
    private volatile boolean closing;

    FerrySession(FerryConnection connection, long id, int mode, FerryConnection.Domain domain) {
        this.connection = connection;
        this.id = id;
        this.mode = mode;
        this.domain = domain;
        this.acknowledgements = new PendingAcknowledgements(this, connection.prefetch);
    }

    /** The session whose MessageListener or CompletionListener the current thread is running, if any. */
    static FerrySession currentCallbackSession() {
        FerrySession session = CALLBACK_SESSION.get();
        return session != null ? session : COMPLETION_SESSION.get();
    }

    /** The session whose MessageListener the current thread is running, if any. */
    static FerrySession currentListenerSession() {
        return CALLBACK_SESSION.get();
    }

    /** The session whose CompletionListener the current thread is running, if any. */
    static FerrySession currentCompletionSession() {
        return COMPLETION_SESSION.get();
    }

    boolean transacted() {
        return mode == Session.SESSION_TRANSACTED;
    }

    /**
     * Whether a message counts as consumed the moment it is received: AUTO_ACKNOWLEDGE and
     * DUPS_OK_ACKNOWLEDGE, unless the session works in an XA branch (its mode still reads AUTO
     * then, but what it receives belongs to the branch).
     */
    boolean acknowledgesOnReceipt() {
        return (mode == Session.AUTO_ACKNOWLEDGE || mode == Session.DUPS_OK_ACKNOWLEDGE) && !xaAssociated;
    }

    int generation() {
        return generation;
    }

    void checkOpen() throws IllegalStateException {
        if (closed || closing) {
            throw JmsExceptions.closed("session");
        }
        connection.checkOpen();
    }

    private void checkDomain(FerryConnection.Domain refused, String method) throws IllegalStateException {
        if (domain == refused) {
            throw new IllegalStateException(method + " is not available on a "
                    + (refused == FerryConnection.Domain.QUEUE ? "QueueSession" : "TopicSession")
                    + "; use a Session from Connection.createSession");
        }
    }

    private void checkNotInCompletionListener(String operation) throws IllegalStateException {
        if (COMPLETION_SESSION.get() == this) {
            throw new IllegalStateException("A CompletionListener must not call " + operation + "() on its own session");
        }
    }

    private void checkNotInOwnCallback(String operation) throws IllegalStateException {
        checkNotInCompletionListener(operation);
        if (CALLBACK_SESSION.get() == this) {
            throw new IllegalStateException("A MessageListener must not call " + operation
                    + "() on its own session: it would wait for itself to return");
        }
    }

    // ---- messages ----

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        checkOpen();
        return new FerryBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        checkOpen();
        return new FerryMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        checkOpen();
        return new FerryMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        checkOpen();
        return new FerryObjectMessage(connection.objectMessageFilter);
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        checkOpen();
        FerryObjectMessage message = new FerryObjectMessage(connection.objectMessageFilter);
        message.setObject(object);
        return message;
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        checkOpen();
        return new FerryStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        checkOpen();
        return new FerryTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        checkOpen();
        FerryTextMessage message = new FerryTextMessage();
        message.setText(text);
        return message;
    }

    // ---- transactions and acknowledgement ----

    @Override
    public boolean getTransacted() throws JMSException {
        checkOpen();
        return transacted();
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        checkOpen();
        return mode;
    }

    @Override
    public void commit() throws JMSException {
        checkOpen();
        if (!transacted()) {
            throw new IllegalStateException("commit() needs a transacted session; this one uses acknowledge mode " + mode);
        }
        checkNotInCompletionListener("commit");
        awaitCompletions();
        long[] consumedIds = takeConsumed();
        try {
            connection.transport.request(new Command.Commit(id, consumedIds));
        } catch (OutcomeUnknownException e) {
            // not a rollback: the broker holds what was consumed until the write settles
            JMSException unknown = new JMSException("The outcome of the commit is unknown; the transaction may still "
                    + "commit. " + e.getMessage() + ". The broker settles it as soon as its journal knows (at the "
                    + "latest when it restarts): committed, its messages are sent and what it consumed is gone; not "
                    + "committed, what it consumed is delivered again. Before repeating the transaction's work, check "
                    + "whether it took effect (whether its messages arrived)");
            unknown.setLinkedException(e);
            unknown.initCause(e);
            throw unknown;
        } catch (JMSException e) {
            // the broker kept nothing of the transaction: roll back, so what was consumed comes again
            try {
                generation = connection.transport.request(new Command.Rollback(id, consumedIds));
            } catch (JMSException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            TransactionRolledBackException rolledBack = new TransactionRolledBackException(
                    "The transaction could not be committed and was rolled back: " + e.getMessage());
            rolledBack.setLinkedException(e);
            rolledBack.initCause(e);
            throw rolledBack;
        }
    }

    @Override
    public void rollback() throws JMSException {
        checkOpen();
        if (!transacted()) {
            throw new IllegalStateException("rollback() needs a transacted session; this one uses acknowledge mode " + mode);
        }
        checkNotInCompletionListener("rollback");
        awaitCompletions();
        generation = connection.transport.request(new Command.Rollback(id, takeConsumed()));
    }

    @Override
    public void recover() throws JMSException {
        checkOpen();
        if (transacted()) {
            throw new IllegalStateException("recover() is not for a transacted session; use rollback()");
        }
        recoverConsumed();
    }

    /**
     * Hands back what was consumed and not acknowledged, after the acknowledgements in flight
     * are settled: a message whose acknowledgement failed is back on its queue first, so it comes
     * again in its place among the recovered ones, and DUPS_OK ones not yet sent are sent
     * rather than recovered.
     */
    private void recoverConsumed() throws JMSException {
        acknowledgements.settle();
        generation = connection.transport.request(new Command.Recover(id, takeConsumed()));
    }

    /**
     * receiveBody could not return the body of {@code refused} (AUTO_ACKNOWLEDGE, DUPS_OK): as
     * the spec asks, as if the call had not happened, the broker takes everything in flight back
     * and {@code refused} comes again first, not flagged as redelivered; the broker counts the
     * refusal against its maximum delivery attempts, so a message no receiveBody call can take
     * ends on the dead-letter queue rather than blocking the consumer for good.
     */
    void refuse(Delivery refused) throws JMSException {
        checkOpen();
        acknowledgements.settle(); // DUPS_OK ones not yet sent are acknowledged, not taken back unseen
        generation = connection.transport.request(new Command.Recover(id, takeConsumed(),
                new long[] {refused.deliveryId()}));
    }

    /** Acknowledges every message consumed so far in this session (CLIENT_ACKNOWLEDGE). */
    void acknowledgeAll() throws JMSException {
        if (closed || closing) {
            throw new IllegalStateException("Cannot acknowledge: the session that received the message is closed");
        }
        connection.checkOpen();
        if (mode != Session.CLIENT_ACKNOWLEDGE) {
            return;
        }
        long[] ids = takeConsumed();
        if (ids.length > 0) {
            connection.transport.request(new Command.Acknowledge(id, ids));
        }
    }

    private void recordConsumed(FerryMessageConsumer consumer, long deliveryId) {
        synchronized (consumed) {
            consumed.add(new long[] {consumer.id, deliveryId});
        }
    }

    /** Removes and returns every consumed, unacknowledged delivery id. */
    long[] takeConsumed() {
        synchronized (consumed) {
            long[] ids = new long[consumed.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = consumed.get(i)[1];
            }
            consumed.clear();
            return ids;
        }
    }

    /**
     * The consumed, unacknowledged delivery ids of one consumer, DUPS_OK ones not yet sent
     * included; they stay with the session.
     */
    long[] consumedBy(FerryMessageConsumer consumer) {
        long[] lazy = acknowledgements.lazyOf(consumer.id);
        synchronized (consumed) {
            return LongStream.concat(
                    consumed.stream().filter(pair -> pair[0] == consumer.id).mapToLong(pair -> pair[1]),
                    Arrays.stream(lazy)).toArray();
        }
    }

    private void forgetConsumed(long deliveryId) {
        synchronized (consumed) {
            for (Iterator<long[]> it = consumed.iterator(); it.hasNext();) {
                if (it.next()[1] == deliveryId) {
                    it.remove();
                    return;
                }
            }
        }
    }

    /**
     * Turns a delivery into the message the application sees, or null when the delivery is
     * stale (taken back by a recover or rollback) or expired. Records it as consumed.
     */
    FerryMessage consume(FerryMessageConsumer consumer, Delivery delivery, boolean forListener) throws JMSException {
        if (delivery.generation() < generation) {
            return null; // the broker took it back; it will come again in the new generation
        }
        consumer.consumedOne();
        if (delivery.message().isExpired(System.currentTimeMillis())) {
            acknowledgements.acknowledge(delivery.deliveryId());
            return null;
        }
        FerryMessage message = FerryMessage.fromData(delivery.message(), delivery.deliveryCount(),
                connection.objectMessageFilter);
        if (message instanceof FerryBytesMessage bytes && delivery.message().isLarge()) {
            long deliveryId = delivery.deliveryId();
            bytes.readLargeBodyFrom(chunk -> connection.transport.request(new Command.ReadLargeBody(id, deliveryId,
                    chunk)));
        }
        if (mode == Session.CLIENT_ACKNOWLEDGE) {
            message.setAcknowledgeCallback(this::acknowledgeAll);
        }
        if (forListener || !acknowledgesOnReceipt()) {
            recordConsumed(consumer, delivery.deliveryId());
        } else if (delivery.message().isLarge()) {
            // its body is read from the broker while the application asks for it: acknowledged at the next receive
            acknowledgements.acknowledgeAfterBody(consumer.id, delivery.deliveryId());
        } else {
            // a receive is returning it: not acknowledged before the application has it
            acknowledgements.acknowledgeLazily(consumer.id, delivery.deliveryId());
        }
        return message;
    }

    /**
     * A receive begins: in AUTO_ACKNOWLEDGE, the message the previous receive returned is
     * acknowledged now, its journal write overlapping this delivery; in DUPS_OK_ACKNOWLEDGE, a
     * large one joins the acknowledgements waiting for their batch.
     */
    void receiving() throws JMSException {
        if (mode == Session.AUTO_ACKNOWLEDGE) {
            acknowledgements.sendWaiting();
        } else if (mode == Session.DUPS_OK_ACKNOWLEDGE) {
            acknowledgements.bodiesDone();
        }
    }

    /** AUTO and DUPS_OK: acknowledges what a listener consumed without waiting for the journal; DUPS_OK in batches. */
    private void acknowledgeConsumed(FerryMessageConsumer consumer, long deliveryId) throws JMSException {
        if (mode == Session.DUPS_OK_ACKNOWLEDGE) {
            acknowledgements.acknowledgeLazily(consumer.id, deliveryId);
        } else {
            acknowledgements.acknowledge(deliveryId);
        }
    }

    // ---- listeners ----

    void start() {
        for (FerryMessageConsumer consumer : consumers) {
            consumer.start();
        }
        scheduleListenerDelivery();
    }

    void scheduleListenerDelivery() {
        if (connection.isStarted() && !closed && deliveryScheduled.compareAndSet(false, true)) {
            executor.execute(this::deliverToListeners);
        }
    }

    private void deliverToListeners() {
        deliveryScheduled.set(false);
        boolean delivered = true;
        while (delivered && connection.isStarted() && !closed) {
            delivered = false;
            for (FerryMessageConsumer consumer : consumers) {
                MessageListener listener = consumer.listener();
                if (listener == null || !connection.isStarted() || closed) {
                    continue;
                }
                Delivery delivery = consumer.pollForListener();
                if (delivery != null) {
                    delivered = true;
                    deliverToListener(consumer, listener, delivery);
                }
            }
        }
    }

    private void deliverToListener(FerryMessageConsumer consumer, MessageListener listener, Delivery delivery) {
        synchronized (listenerLock) {
            listenerThread = Thread.currentThread();
        }
        CALLBACK_SESSION.set(this);
        try {
            FerryMessage message = consume(consumer, delivery, true);
            if (message == null) {
                return;
            }
            int generationBefore = generation;
            boolean threw = false;
            try {
                listener.onMessage(message);
            } catch (Throwable e) { // an Error too: the listener failed, and the session must go on
                threw = true;
                logListenerFailure(consumer, e);
            }
            if (closed || generation != generationBefore || !acknowledgesOnReceipt()) {
                return;
            }
            if (threw) {
                // AUTO and DUPS_OK: a listener that throws gets the message again at once, flagged as redelivered
                recoverConsumed();
            } else {
                forgetConsumed(delivery.deliveryId());
                acknowledgeConsumed(consumer, delivery.deliveryId());
            }
        } catch (JMSException e) {
            LOG.warn("Delivering to the MessageListener of {} failed: {}", consumer, e.toString());
        } finally {
            CALLBACK_SESSION.remove();
            synchronized (listenerLock) {
                listenerThread = null;
                listenerLock.notifyAll();
            }
        }
    }

    /**
     * A listener threw: a RuntimeException is the application's way to refuse a message; an
     * Error (a failed assertion, a stack overflow, memory running out) is logged at ERROR with
     * its stack, as it may mean more is wrong than this one message.
     */
    private static void logListenerFailure(FerryMessageConsumer consumer, Throwable failure) {
        if (failure instanceof Error) {
            LOG.error("MessageListener of {} threw {}; the message will be redelivered where the acknowledge "
                    + "mode allows, and the session goes on with the next one", consumer, failure.toString(), failure);
        } else {
            LOG.warn("MessageListener of {} threw {}; the message will be redelivered where the acknowledge mode "
                    + "allows", consumer, failure.toString());
        }
    }

    /** Waits until no listener of this session is running (unless it is the caller). */
    void awaitListenersIdle() {
        synchronized (listenerLock) {
            while (listenerThread != null && listenerThread != Thread.currentThread()) {
                try {
                    listenerLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Runs a completion callback on the session's executor, after every earlier one. */
    void completion(Runnable callback) {
        executor.execute(() -> {
            COMPLETION_SESSION.set(this);
            try {
                callback.run();
            } finally {
                COMPLETION_SESSION.remove();
            }
        });
    }

    void awaitCompletions() throws JMSException {
        if (executor.isCurrentThread()) {
            return;
        }
        try {
            executor.awaitIdle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("Interrupted while waiting for completion listeners of the session");
        }
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkOpen();
        return null;
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        checkOpen();
        throw new JMSException("Session-level message listeners are an optional application-server facility "
                + "that FerryMQ does not provide; set the listener on a MessageConsumer");
    }

    @Override
    public void run() {
        throw new UnsupportedOperationException("Session.run() is an application-server facility FerryMQ does not provide");
    }

    // ---- close ----

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        checkNotInOwnCallback("close");
        closing = true;
        awaitListenersIdle();
        awaitCompletions();
        for (FerryMessageConsumer consumer : consumers) {
            consumer.closeLocally();
        }
        for (FerryMessageProducer producer : producers) {
            producer.closeLocally();
        }
        for (FerryQueueBrowser browser : browsers) {
            browser.closeLocally();
        }
        consumers.clear();
        producers.clear();
        browsers.clear();
        try {
            acknowledgements.settle(); // what the application consumed is acknowledged before the rest comes back
        } catch (JMSException e) {
            LOG.warn("Closing {}: {}; its unsettled acknowledgements may come back as redelivered", this, e.getMessage());
        }
        closed = true;
        try {
            connection.transport.request(new Command.CloseSession(id, takeConsumed()));
        } finally {
            connection.sessionClosed(this);
        }
    }

    boolean isClosing() {
        return closed || closing;
    }

    List<FerryMessageConsumer> consumers() {
        return consumers;
    }

    /**
     * The connection is being rebuilt on a new server connection: the new broker session
     * starts at generation 0, and no acknowledgement of the lost one will be settled. What the
     * application consumed stays listed: an acknowledgement or commit naming it learns from the
     * transport that it was lost.
     */
    void failedOver() {
        generation = 0;
        acknowledgements.resume();
    }

    void consumerClosed(FerryMessageConsumer consumer) {
        consumers.remove(consumer);
    }

    void producerClosed(FerryMessageProducer producer) {
        producers.remove(producer);
    }

    void browserClosed(FerryQueueBrowser browser) {
        browsers.remove(browser);
    }

    // ---- destinations ----

    @Override
    public Queue createQueue(String queueName) throws JMSException {
        checkOpen();
        checkDomain(FerryConnection.Domain.TOPIC, "createQueue");
        if (queueName == null || queueName.isBlank()) {
            throw new InvalidDestinationException("A queue name must not be null or empty");
        }
        return new FerryQueue(queueName);
    }

    @Override
    public Topic createTopic(String topicName) throws JMSException {
        checkOpen();
        checkDomain(FerryConnection.Domain.QUEUE, "createTopic");
        if (topicName == null || topicName.isBlank()) {
            throw new InvalidDestinationException("A topic name must not be null or empty");
        }
        return new FerryTopic(topicName);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        checkOpen();
        checkDomain(FerryConnection.Domain.TOPIC, "createTemporaryQueue");
        return new FerryTemporaryQueue(connection.createTemporary(DestinationName.Kind.TEMP_QUEUE).name(), connection);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        checkOpen();
        checkDomain(FerryConnection.Domain.QUEUE, "createTemporaryTopic");
        return new FerryTemporaryTopic(connection.createTemporary(DestinationName.Kind.TEMP_TOPIC).name(), connection);
    }

    // ---- producers ----

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        checkOpen();
        DestinationName name = FerryDestination.nameOf(destination);
        if (name != null) {
            connection.transport.request(new Command.CheckDestination(name));
        }
        FerryMessageProducer producer = new FerryMessageProducer(this, name);
        producers.add(producer);
        return producer;
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        return (QueueSender) createProducer(queue);
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        return (TopicPublisher) createProducer(topic);
    }

    // ---- consumers ----

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return createConsumer(destination, null, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector) throws JMSException {
        return createConsumer(destination, messageSelector, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String messageSelector, boolean noLocal)
            throws JMSException {
        checkOpen();
        DestinationName name = requireDestination(destination);
        return newConsumer(name, messageSelector, noLocal, null, false, false);
    }

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return createReceiver(queue, null);
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String messageSelector) throws JMSException {
        return (QueueReceiver) createConsumer(queue, messageSelector, false);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return createSubscriber(topic, null, false);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String messageSelector, boolean noLocal) throws JMSException {
        return (TopicSubscriber) createConsumer(topic, messageSelector, noLocal);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName) throws JMSException {
        return createSharedConsumer(topic, sharedSubscriptionName, null);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String sharedSubscriptionName, String messageSelector)
            throws JMSException {
        checkOpen();
        checkDomain(FerryConnection.Domain.QUEUE, "createSharedConsumer");
        DestinationName name = requireTopic(topic);
        return newConsumer(name, messageSelector, false, requireSubscriptionName(sharedSubscriptionName), false, true);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return createDurableSubscriber(topic, name, null, false);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String messageSelector, boolean noLocal)
            throws JMSException {
        return (TopicSubscriber) createDurableConsumer(topic, name, messageSelector, noLocal);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return createDurableConsumer(topic, name, null, false);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String messageSelector, boolean noLocal)
            throws JMSException {
        checkOpen();
        checkDomain(FerryConnection.Domain.QUEUE, "createDurableSubscriber");
        DestinationName destination = requireTopic(topic);
        String subscription = requireSubscriptionName(name);
        if (connection.getClientID() == null) {
            throw new IllegalStateException("Durable subscription '" + subscription + "' needs a client ID on the "
                    + "connection; set one with setClientID or the connection factory's clientID, "
                    + "or use a shared durable subscription");
        }
        return newConsumer(destination, messageSelector, noLocal, subscription, true, false);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return createSharedDurableConsumer(topic, name, null);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String messageSelector)
            throws JMSException {
        checkOpen();
        checkDomain(FerryConnection.Domain.QUEUE, "createSharedDurableConsumer");
        DestinationName destination = requireTopic(topic);
        return newConsumer(destination, messageSelector, false, requireSubscriptionName(name), true, true);
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        checkOpen();
        checkDomain(FerryConnection.Domain.QUEUE, "unsubscribe");
        acknowledgements.settle(); // acknowledged messages of the subscription are gone before it is
        connection.transport.request(new Command.Unsubscribe(requireSubscriptionName(name)));
    }

    private FerryMessageConsumer newConsumer(DestinationName destination, String selector, boolean noLocal,
            String subscriptionName, boolean durable, boolean shared) throws JMSException {
        Selector.parse(selector); // InvalidSelectorException before anything is created
        String normalizedSelector = selector == null || selector.isBlank() ? null : selector;
        ConsumerInfo info = new ConsumerInfo(connection.nextId(), id, destination, normalizedSelector, noLocal,
                subscriptionName, durable, shared, connection.prefetch);
        FerryMessageConsumer consumer = new FerryMessageConsumer(this, info);
        connection.register(consumer);
        try {
            connection.transport.request(new Command.CreateConsumer(info));
        } catch (JMSException e) {
            connection.unregister(consumer);
            throw e;
        }
        consumers.add(consumer);
        if (connection.isStarted()) {
            consumer.start();
        }
        return consumer;
    }

    private static DestinationName requireDestination(Destination destination) throws JMSException {
        if (destination == null) {
            throw new InvalidDestinationException("The destination must not be null");
        }
        return FerryDestination.nameOf(destination);
    }

    private static DestinationName requireTopic(Topic topic) throws JMSException {
        if (topic == null) {
            throw new InvalidDestinationException("The topic must not be null");
        }
        return FerryDestination.nameOf(topic);
    }

    private static String requireSubscriptionName(String name) throws JMSException {
        if (name == null || name.isEmpty()) {
            throw new JMSException("A subscription name must not be null or empty");
        }
        return name;
    }

    // ---- browsers ----

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return createBrowser(queue, null);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String messageSelector) throws JMSException {
        checkOpen();
        checkDomain(FerryConnection.Domain.TOPIC, "createBrowser");
        if (queue == null) {
            throw new InvalidDestinationException("The queue to browse must not be null");
        }
        Selector.parse(messageSelector);
        DestinationName name = FerryDestination.nameOf(queue);
        connection.transport.request(new Command.CheckDestination(name));
        FerryQueueBrowser browser = new FerryQueueBrowser(this, queue, name, messageSelector);
        browsers.add(browser);
        return browser;
    }

    @Override
    public String toString() {
        return "FerrySession[" + id + " of " + connection + "]";
    }
}
