package org.ferrymq.client;

import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.Queue;
import jakarta.jms.QueueSender;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.client.message.FerryBytesMessage;
import org.ferrymq.client.message.FerryMessage;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;

/**
 * A producer. Sending stamps the provider-set headers on the application's message, takes an
 * immutable snapshot of it, and hands the snapshot to the broker; what the application does
 * with its message afterwards cannot change what was sent. On a connection with
 * {@code duplicateDetection=true} the snapshot carries its JMSMessageID as its duplicate ID
 * ({@link DestinationPolicy#DUPLICATE_ID_PROPERTY}) unless the application set one.
 */
public class FerryMessageProducer implements QueueSender, TopicPublisher {

    private final FerrySession session;
    /** Null for a producer created without a destination. */
    private final DestinationName destination;
    private final String idPrefix = "ID:" + UUID.randomUUID() + ":";
    private long sequence;

    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive = Message.DEFAULT_TIME_TO_LIVE;
    private long deliveryDelay = Message.DEFAULT_DELIVERY_DELAY;
    private boolean disableMessageId;
    private boolean disableMessageTimestamp;
    private volatile boolean closed;

    FerryMessageProducer(FerrySession session, DestinationName destination) {
        this.session = session;
        this.destination = destination;
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw JmsExceptions.closed("message producer");
        }
        session.checkOpen();
    }

    // ---- settings ----

    @Override
    public void setDisableMessageID(boolean value) throws JMSException {
        checkOpen();
        disableMessageId = value;
    }

    @Override
    public boolean getDisableMessageID() throws JMSException {
        checkOpen();
        return disableMessageId;
    }

    @Override
    public void setDisableMessageTimestamp(boolean value) throws JMSException {
        checkOpen();
        disableMessageTimestamp = value;
    }

    @Override
    public boolean getDisableMessageTimestamp() throws JMSException {
        checkOpen();
        return disableMessageTimestamp;
    }

    @Override
    public void setDeliveryMode(int deliveryMode) throws JMSException {
        checkOpen();
        this.deliveryMode = checkDeliveryMode(deliveryMode);
    }

    @Override
    public int getDeliveryMode() throws JMSException {
        checkOpen();
        return deliveryMode;
    }

    @Override
    public void setPriority(int defaultPriority) throws JMSException {
        checkOpen();
        this.priority = checkPriority(defaultPriority);
    }

    @Override
    public int getPriority() throws JMSException {
        checkOpen();
        return priority;
    }

    @Override
    public void setTimeToLive(long timeToLive) throws JMSException {
        checkOpen();
        this.timeToLive = timeToLive;
    }

    @Override
    public long getTimeToLive() throws JMSException {
        checkOpen();
        return timeToLive;
    }

    @Override
    public void setDeliveryDelay(long deliveryDelay) throws JMSException {
        checkOpen();
        this.deliveryDelay = deliveryDelay;
    }

    @Override
    public long getDeliveryDelay() throws JMSException {
        checkOpen();
        return deliveryDelay;
    }

    @Override
    public Destination getDestination() throws JMSException {
        checkOpen();
        return FerryDestination.of(destination);
    }

    @Override
    public Queue getQueue() throws JMSException {
        return getDestination() instanceof Queue q ? q : null;
    }

    @Override
    public Topic getTopic() throws JMSException {
        return getDestination() instanceof Topic t ? t : null;
    }

    static int checkDeliveryMode(int mode) throws JMSException {
        if (mode != DeliveryMode.PERSISTENT && mode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSException("Delivery mode " + mode + " is neither DeliveryMode.PERSISTENT (2) nor "
                    + "DeliveryMode.NON_PERSISTENT (1)");
        }
        return mode;
    }

    static int checkPriority(int priority) throws JMSException {
        if (priority < 0 || priority > 9) {
            throw new JMSException("Priority " + priority + " is outside the range 0 to 9");
        }
        return priority;
    }

    // ---- sending ----

    @Override
    public void send(Message message) throws JMSException {
        send(message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Message message, int mode, int prio, long ttl) throws JMSException {
        checkOpen();
        doSend(requireOwnDestination(), message, options(mode, prio, ttl), null);
    }

    @Override
    public void send(Destination to, Message message) throws JMSException {
        send(to, message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Destination to, Message message, int mode, int prio, long ttl) throws JMSException {
        checkOpen();
        doSend(requireGivenDestination(to), message, options(mode, prio, ttl), null);
    }

    @Override
    public void send(Message message, CompletionListener completionListener) throws JMSException {
        send(message, deliveryMode, priority, timeToLive, completionListener);
    }

    @Override
    public void send(Message message, int mode, int prio, long ttl, CompletionListener completionListener)
            throws JMSException {
        checkOpen();
        doSend(requireOwnDestination(), message, options(mode, prio, ttl), requireListener(completionListener));
    }

    @Override
    public void send(Destination to, Message message, CompletionListener completionListener) throws JMSException {
        send(to, message, deliveryMode, priority, timeToLive, completionListener);
    }

    @Override
    public void send(Destination to, Message message, int mode, int prio, long ttl,
            CompletionListener completionListener) throws JMSException {
        checkOpen();
        doSend(requireGivenDestination(to), message, options(mode, prio, ttl), requireListener(completionListener));
    }

    @Override
    public void send(Queue queue, Message message) throws JMSException {
        send((Destination) queue, message);
    }

    @Override
    public void send(Queue queue, Message message, int mode, int prio, long ttl) throws JMSException {
        send((Destination) queue, message, mode, prio, ttl);
    }

    @Override
    public void publish(Message message) throws JMSException {
        send(message);
    }

    @Override
    public void publish(Message message, int mode, int prio, long ttl) throws JMSException {
        send(message, mode, prio, ttl);
    }

    @Override
    public void publish(Topic topic, Message message) throws JMSException {
        send(topic, message);
    }

    @Override
    public void publish(Topic topic, Message message, int mode, int prio, long ttl) throws JMSException {
        send(topic, message, mode, prio, ttl);
    }

    private DestinationName requireOwnDestination() {
        if (destination == null) {
            throw new UnsupportedOperationException("This producer was created without a destination; "
                    + "use a send method that takes one");
        }
        return destination;
    }

    private DestinationName requireGivenDestination(Destination to) throws JMSException {
        if (destination != null) {
            throw new UnsupportedOperationException("This producer was created for " + destination
                    + "; use a send method without a destination");
        }
        if (to == null) {
            throw new InvalidDestinationException("The destination to send to must not be null");
        }
        return FerryDestination.nameOf(to);
    }

    private static CompletionListener requireListener(CompletionListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("The CompletionListener must not be null");
        }
        return listener;
    }

    /** How one message is sent: the values a send takes from its arguments and from the producer. */
    record SendOptions(int deliveryMode, int priority, long timeToLive, long deliveryDelay,
            boolean disableMessageId, boolean disableMessageTimestamp) {
    }

    private SendOptions options(int mode, int prio, long ttl) {
        return new SendOptions(mode, prio, ttl, deliveryDelay, disableMessageId, disableMessageTimestamp);
    }

    /**
     * Sends with options that are not this producer's: the simplified API's JMSProducers,
     * which all send through one unidentified producer of their context's session.
     */
    void send(Destination to, Message message, SendOptions options, CompletionListener listener)
            throws JMSException {
        checkOpen();
        doSend(requireGivenDestination(to), message, options, listener);
    }

    /**
     * Sends one message; with a completion listener the listener is called on the session's
     * callback thread, after the callbacks of earlier sends of the session.
     */
    private void doSend(DestinationName to, Message message, SendOptions options, CompletionListener listener)
            throws JMSException {
        if (message == null) {
            throw new MessageFormatException("The message to send must not be null");
        }
        checkDeliveryMode(options.deliveryMode());
        checkPriority(options.priority());
        FerryMessage ferry = message instanceof FerryMessage own ? own : FerryMessage.copyOfForeign(message);
        MessageData data = stamp(to, message, ferry, options);
        if (listener == null) {
            send(ferry, data);
            return;
        }
        try {
            send(ferry, data);
        } catch (JMSException e) {
            session.completion(() -> listener.onException(message, e));
            return;
        }
        session.completion(() -> listener.onCompletion(message));
    }

    /** Hands the snapshot to the broker: in one Send, or, for a large message, its body in chunks first. */
    private void send(FerryMessage ferry, MessageData data) throws JMSException {
        InputStream stream = ferry instanceof FerryBytesMessage bytes ? bytes.bodyStream() : null;
        if (stream == null && data.body() instanceof byte[] body && data.bodyType() == MessageData.BodyType.BYTES
                && body.length > session.connection.largeMessageThreshold) {
            stream = new ByteArrayInputStream(body);
        }
        if (stream != null) {
            LargeMessageSender.send(session, data, stream);
        } else {
            session.connection.transport.request(new Command.Send(session.id, data));
        }
    }

    /** Sets the headers the provider owns on the application's message and snapshots it as {@code ferry}. */
    private MessageData stamp(DestinationName to, Message message, FerryMessage ferry, SendOptions options)
            throws JMSException {
        long now = System.currentTimeMillis();
        String messageId = options.disableMessageId() ? null : nextMessageId();
        FerryDestination jmsDestination = FerryDestination.of(to);
        setProviderHeaders(message, jmsDestination, messageId, now, options);
        if (ferry != message) {
            setProviderHeaders(ferry, jmsDestination, messageId, now, options); // the foreign original gets them too
        }
        MessageData data = ferry.snapshot(session.connection.connectionId);
        if (session.connection.duplicateDetection && messageId != null
                && !data.properties().containsKey(DestinationPolicy.DUPLICATE_ID_PROPERTY)) {
            // on the snapshot only: the application's message, sent again, is a new message with a new ID
            Map<String, Object> properties = new LinkedHashMap<>(data.properties());
            properties.put(DestinationPolicy.DUPLICATE_ID_PROPERTY, messageId);
            data = data.toBuilder().properties(properties).build();
        }
        return data;
    }

    private static void setProviderHeaders(Message target, FerryDestination destination, String messageId, long now,
            SendOptions options) throws JMSException {
        target.setJMSDestination(destination);
        target.setJMSDeliveryMode(options.deliveryMode());
        target.setJMSPriority(options.priority());
        target.setJMSExpiration(options.timeToLive() > 0 ? later(now, options.timeToLive()) : 0);
        target.setJMSTimestamp(options.disableMessageTimestamp() ? 0 : now);
        target.setJMSMessageID(messageId);
        target.setJMSDeliveryTime(later(now, Math.max(0, options.deliveryDelay())));
    }

    /** {@code now + millis}, or Long.MAX_VALUE (for ever) where the sum would overflow into the past. */
    private static long later(long now, long millis) {
        return millis > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + millis;
    }

    private synchronized String nextMessageId() {
        return idPrefix + (++sequence);
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        if (FerrySession.currentCompletionSession() == session) {
            // closing from our own CompletionListener would deadlock waiting for it
            throw new IllegalStateException("A CompletionListener must not close its own producer");
        }
        closeLocally();
        session.producerClosed(this);
    }

    void closeLocally() {
        closed = true;
    }

    @Override
    public String toString() {
        return "producer on " + (destination == null ? "any destination" : destination);
    }
}
