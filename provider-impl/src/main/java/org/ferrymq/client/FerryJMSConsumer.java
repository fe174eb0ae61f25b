package org.ferrymq.client;

import static org.ferrymq.client.JmsExceptions.call;
import static org.ferrymq.client.JmsExceptions.run;

import jakarta.jms.BytesMessage;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageListener;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import org.ferrymq.client.message.FerryMessage;
import org.ferrymq.protocol.Delivery;

/**
 * The simplified API's consumer, over a classic {@link FerryMessageConsumer}.
 *
 * <p>receiveBody keeps the spec's promise for AUTO_ACKNOWLEDGE and DUPS_OK_ACKNOWLEDGE: a
 * message whose body cannot be returned is neither acknowledged nor counted as delivered;
 * it comes again, before any later message, not flagged as redelivered. So in those modes
 * the body is tried on a copy before the delivery is consumed, and a refused delivery goes
 * back to the broker as merely prefetched (a session recover that names it as refused). The
 * broker counts refusals against its maximum delivery attempts: a message that receiveBody
 * is refused for that many times moves to the dead-letter queue instead of blocking the
 * consumer for good.
 * In CLIENT_ACKNOWLEDGE and transacted sessions, and in a session associated with an XA
 * branch (whose acknowledge mode reads AUTO_ACKNOWLEDGE), the refused message counts as received.
 */
public class FerryJMSConsumer implements JMSConsumer {

    private final FerryMessageConsumer consumer;
    private final FerrySession session;
    private volatile boolean closed;

    public FerryJMSConsumer(FerryMessageConsumer consumer) {
        this.consumer = consumer;
        this.session = consumer.session;
    }

    @Override
    public String getMessageSelector() {
        return call(consumer::getMessageSelector);
    }

    @Override
    public MessageListener getMessageListener() {
        return call(consumer::getMessageListener);
    }

    @Override
    public void setMessageListener(MessageListener listener) {
        run(() -> consumer.setMessageListener(listener));
    }

    @Override
    public Message receive() {
        return call(consumer::receive);
    }

    @Override
    public Message receive(long timeout) {
        return call(() -> consumer.receive(timeout));
    }

    @Override
    public Message receiveNoWait() {
        return call(consumer::receiveNoWait);
    }

    @Override
    public void close() {
        closed = true;
        run(consumer::close);
    }

    // ---- receiveBody ----

    @Override
    public <T> T receiveBody(Class<T> c) {
        return receiveBody(c, 0);
    }

    @Override
    public <T> T receiveBody(Class<T> c, long timeout) {
        return call(() -> nextBody(c, timeout, false));
    }

    @Override
    public <T> T receiveBodyNoWait(Class<T> c) {
        return call(() -> nextBody(c, 0, true));
    }

    private <T> T nextBody(Class<T> c, long timeout, boolean noWait) throws JMSException {
        if (c == null) {
            throw new MessageFormatRuntimeException("receiveBody needs the type to return the body as, "
                    + "such as String.class for a TextMessage");
        }
        if (!session.acknowledgesOnReceipt()) {
            // CLIENT_ACKNOWLEDGE and transacted (an XA branch too): a refused body counts as received, as the spec says
            Message message = noWait ? consumer.receiveNoWait() : consumer.receive(timeout);
            return message == null ? null : bodyOf(message, c);
        }
        checkReceivable();
        long deadline = FerryMessageConsumer.deadline(timeout);
        while (true) {
            Delivery delivery = consumer.nextDelivery(deadline, noWait);
            if (delivery == null) {
                return null;
            }
            T body = null;
            // a delivery the broker took back, or an expired one, is only dropped by consume: no body to try
            if (delivery.generation() >= session.generation()
                    && !delivery.message().isExpired(System.currentTimeMillis())) {
                try {
                    body = bodyOf(FerryMessage.fromData(delivery.message(), delivery.deliveryCount(),
                            session.connection.objectMessageFilter), c);
                } catch (JMSException | RuntimeException e) {
                    // as if this call had not happened: the broker takes the delivery back unflagged
                    session.refuse(delivery);
                    throw e;
                }
            }
            if (session.consume(consumer, delivery, false) != null) {
                return body;
            }
        }
    }

    private void checkReceivable() throws JMSException {
        if (closed) {
            throw JmsExceptions.closed("JMSConsumer");
        }
        session.checkOpen();
        if (consumer.listener() != null) {
            throw new IllegalStateRuntimeException("This JMSConsumer has a MessageListener; it cannot also "
                    + "receive synchronously");
        }
    }

    /**
     * The body receiveBody returns: any message but a StreamMessage or a bare Message, whose
     * body exists and can be assigned to {@code c}.
     */
    private static <T> T bodyOf(Message message, Class<T> c) throws JMSException {
        if (message instanceof StreamMessage || !(message instanceof TextMessage || message instanceof BytesMessage
                || message instanceof MapMessage || message instanceof ObjectMessage)) {
            throw new MessageFormatRuntimeException("receiveBody cannot return the body of a "
                    + (message instanceof StreamMessage ? "StreamMessage" : "Message without a body type")
                    + "; use receive() for this message");
        }
        T body = message.getBody(c); // MessageFormatException when the body is not assignable to c
        if (body == null) {
            throw new MessageFormatRuntimeException("The message has no body for receiveBody(" + c.getSimpleName()
                    + ") to return; use receive() for messages without a body");
        }
        return body;
    }

    @Override
    public String toString() {
        return "JMSConsumer over " + consumer;
    }
}
