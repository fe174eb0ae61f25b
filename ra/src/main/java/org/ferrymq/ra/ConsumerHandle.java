package org.ferrymq.ra;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.QueueReceiver;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;

/** A consumer made through a {@link SessionHandle}: synchronous receives only, as Jakarta EE requires. */
final class ConsumerHandle implements QueueReceiver, TopicSubscriber {

    private final MessageConsumer physical;

    ConsumerHandle(MessageConsumer physical) {
        this.physical = physical;
    }

    /** The consumer of the pooled session, for the JMSConsumer of a {@link ContainerSessionSource}. */
    MessageConsumer physical() {
        return physical;
    }

    @Override
    public String getMessageSelector() throws JMSException {
        return physical.getMessageSelector();
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        return physical.getMessageListener();
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        throw ContainerRules.forbidden("MessageConsumer.setMessageListener", "use a message-driven bean, or receive()");
    }

    @Override
    public Message receive() throws JMSException {
        return physical.receive();
    }

    @Override
    public Message receive(long timeout) throws JMSException {
        return physical.receive(timeout);
    }

    @Override
    public Message receiveNoWait() throws JMSException {
        return physical.receiveNoWait();
    }

    @Override
    public void close() throws JMSException {
        physical.close();
    }

    @Override
    public Queue getQueue() throws JMSException {
        return ((QueueReceiver) physical).getQueue();
    }

    @Override
    public Topic getTopic() throws JMSException {
        return ((TopicSubscriber) physical).getTopic();
    }

    @Override
    public boolean getNoLocal() throws JMSException {
        return ((TopicSubscriber) physical).getNoLocal();
    }
}
