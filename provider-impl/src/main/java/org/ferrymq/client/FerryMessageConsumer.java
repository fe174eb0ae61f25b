package org.ferrymq.client;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.QueueReceiver;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;
import java.util.ArrayDeque;
import org.ferrymq.client.message.FerryMessage;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.Delivery;

/**
 * A consumer: a local buffer of deliveries the broker pushed within this consumer's credit
 * (its prefetch window), drained by receive() or by the session's listener delivery.
 *
 * <p>Credit is paid back as the application consumes, half a window at a time, so the
 * broker never has more than {@code prefetch} messages waiting here. No credit is given
 * before the connection is first started, so a stopped connection's consumers hold nothing
 * back from other consumers or browsers. Credit is flow control only: how many consumed
 * messages a consumer may hold unacknowledged is the broker's to bound (maxUnacknowledged),
 * and past that bound the broker sends nothing whatever credit it has.
 */
public class FerryMessageConsumer implements QueueReceiver, TopicSubscriber {

    final long id;
    final FerrySession session;
    private final ConsumerInfo info;
    private final FerryDestination destination;
    private final ArrayDeque<Delivery> buffer = new ArrayDeque<>();
    private final int creditBatch;

    private volatile MessageListener listener;
    private volatile boolean closed;
    private boolean creditGranted;
    private int unpaidCredit;
    private int receiving;

    FerryMessageConsumer(FerrySession session, ConsumerInfo info) {
        this.session = session;
        this.info = info;
        this.id = info.consumerId();
        this.destination = FerryDestination.of(info.destination());
        this.creditBatch = Math.max(1, info.prefetch() / 2);
    }

    ConsumerInfo info() {
        return info;
    }

    /**
     * The consumer is being opened again on a new server connection: what the lost one
     * prefetched is dropped (the broker gives it to a consumer again). Whether the new
     * connection must open its prefetch window at once: it had been opened before.
     */
    /**
     * The connection was lost: what it prefetched is dropped now, not handed out while the
     * client reconnects (the broker gives those messages to a consumer again, flagged).
     */
    void connectionLost() {
        synchronized (buffer) {
            buffer.clear();
            unpaidCredit = 0;
        }
    }

    boolean failedOver() {
        synchronized (buffer) {
            buffer.clear();
            unpaidCredit = 0;
            return creditGranted && !closed;
        }
    }

    MessageListener listener() {
        return listener;
    }

    private void checkOpen() throws IllegalStateException {
        if (closed) {
            throw JmsExceptions.closed("message consumer");
        }
        session.checkOpen();
    }

    // ---- from the broker ----

    void arrived(Delivery delivery) {
        synchronized (buffer) {
            buffer.add(delivery);
            if (receiving > 0) {
                buffer.notifyAll();
            }
        }
        if (listener != null) {
            session.scheduleListenerDelivery();
        }
    }

    /** The connection started: open the prefetch window once, and wake waiting receivers. */
    void start() {
        boolean grant;
        synchronized (buffer) {
            grant = !creditGranted && !closed;
            creditGranted = true;
            buffer.notifyAll();
        }
        if (grant) {
            sendCredit(info.prefetch());
        }
    }

    /** One delivery left the buffer for the application (or was dropped as expired): pay its credit back. */
    void consumedOne() {
        int pay = 0;
        synchronized (buffer) {
            if (++unpaidCredit >= creditBatch) {
                pay = unpaidCredit;
                unpaidCredit = 0;
            }
        }
        if (pay > 0) {
            sendCredit(pay);
        }
    }

    private void sendCredit(int credit) {
        try {
            session.connection.transport.request(new Command.Credit(id, credit));
        } catch (JMSException e) {
            // the consumer or its connection is gone; nothing more will be delivered anyway
        }
    }

    /** Takes a buffered delivery, if any (listeners, and receives that must not wait). */
    Delivery pollForListener() {
        synchronized (buffer) {
            return closed ? null : buffer.poll();
        }
    }

    // ---- MessageConsumer ----

    @Override
    public String getMessageSelector() throws JMSException {
        checkOpen();
        return info.selector();
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkOpen();
        return listener;
    }

    @Override
    public void setMessageListener(MessageListener messageListener) throws JMSException {
        checkOpen();
        this.listener = messageListener;
        if (messageListener != null) {
            session.scheduleListenerDelivery();
        }
    }

    @Override
    public Message receive() throws JMSException {
        return receive(0);
    }

    @Override
    public Message receive(long timeout) throws JMSException {
        return receive(timeout, false);
    }

    @Override
    public Message receiveNoWait() throws JMSException {
        return receive(0, true);
    }

    private Message receive(long timeout, boolean noWait) throws JMSException {
        checkReceivable();
        long deadline = deadline(timeout);
        while (true) {
            Delivery delivery = nextDelivery(deadline, noWait);
            if (delivery == null) {
                return null;
            }
            FerryMessage message = session.consume(this, delivery, false);
            if (message != null) {
                return message; // null: stale or expired, so take the next one
            }
        }
    }

    /** The deadline of a receive with this timeout; 0 or less waits for ever. */
    static long deadline(long timeout) {
        return timeout <= 0 ? Long.MAX_VALUE : System.currentTimeMillis() + timeout;
    }

    /**
     * The next delivery for a synchronous receive: waits until {@code deadline}, or with
     * {@code noWait} takes only what is buffered or what the broker can dispatch right now.
     * Null on timeout, close, or (noWait) while the connection is stopped.
     */
    Delivery nextDelivery(long deadline, boolean noWait) throws JMSException {
        session.receiving();
        if (!noWait) {
            return awaitDelivery(deadline);
        }
        if (!session.connection.isStarted()) {
            return null;
        }
        Delivery delivery = pollForListener();
        if (delivery == null) {
            session.connection.transport.request(new Command.Pull(id));
            delivery = pollForListener();
        }
        return delivery;
    }

    private void checkReceivable() throws JMSException {
        checkOpen();
        if (listener != null) {
            throw new IllegalStateException("This consumer has a MessageListener; it cannot also receive() synchronously");
        }
    }

    /** Waits for a delivery while the connection is started; null on timeout or close. */
    private Delivery awaitDelivery(long deadline) {
        synchronized (buffer) {
            receiving++;
            try {
                while (true) {
                    if (closed) {
                        return null;
                    }
                    if (session.connection.isStarted()) {
                        Delivery delivery = buffer.poll();
                        if (delivery != null) {
                            return delivery;
                        }
                    }
                    long wait = deadline == Long.MAX_VALUE ? 0 : deadline - System.currentTimeMillis();
                    if (deadline != Long.MAX_VALUE && wait <= 0) {
                        return null;
                    }
                    buffer.wait(wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                receiving--;
            }
        }
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        session.connection.checkOpen();
        closeLocally();
        if (FerrySession.currentCallbackSession() != session) {
            session.awaitListenersIdle();
        }
        session.consumerClosed(this);
        session.connection.transport.request(new Command.CloseConsumer(id, session.consumedBy(this)));
    }

    /** Stops delivery and wakes any thread blocked in receive(); the broker side is closed by the caller. */
    void closeLocally() {
        synchronized (buffer) {
            closed = true;
            buffer.clear();
            buffer.notifyAll();
        }
        session.connection.unregister(this);
    }

    // ---- QueueReceiver / TopicSubscriber ----

    @Override
    public Queue getQueue() throws JMSException {
        checkOpen();
        return destination instanceof Queue q ? q : null;
    }

    @Override
    public Topic getTopic() throws JMSException {
        checkOpen();
        return destination instanceof Topic t ? t : null;
    }

    @Override
    public boolean getNoLocal() throws JMSException {
        checkOpen();
        return info.noLocal();
    }

    @Override
    public String toString() {
        return "consumer " + id + " on " + destination;
    }
}
