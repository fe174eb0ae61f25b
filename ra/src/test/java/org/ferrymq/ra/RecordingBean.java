package org.ferrymq.ra;

import static org.junit.jupiter.api.Assertions.fail;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.lang.reflect.Method;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAResource;

/** A message-driven bean and its container, in one: non-transacted deliveries, each text recorded. */
final class RecordingBean implements MessageEndpointFactory {

    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** The texts of the deliveries flagged JMSRedelivered, in order. */
    private final BlockingQueue<String> redelivered = new LinkedBlockingQueue<>();
    private final String name;

    RecordingBean(String name) {
        this.name = name;
    }

    String next() throws InterruptedException {
        String text = received.poll(30, TimeUnit.SECONDS);
        if (text == null) {
            fail("Waited 30 s for a delivery to " + name);
        }
        return text;
    }

    /**
     * The next delivery that is not {@code earlier} again: a message the bean had when its server
     * went away may come again if its acknowledgement was lost with the server (at least once),
     * but only flagged JMSRedelivered.
     */
    String nextAfterRedeliveriesOf(String earlier) throws InterruptedException {
        String text = next();
        while (text.equals(earlier)) {
            if (!earlier.equals(redelivered.poll())) {
                fail("'" + earlier + "' came to " + name + " again without the JMSRedelivered flag");
            }
            text = next();
        }
        return text;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource) {
        return new Endpoint();
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xaResource, long timeout) {
        return new Endpoint();
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return false;
    }

    @Override
    public String getActivationName() {
        return name;
    }

    @Override
    public Class<?> getEndpointClass() {
        return Endpoint.class;
    }

    private final class Endpoint implements MessageEndpoint, MessageListener {

        @Override
        public void onMessage(Message message) {
            try {
                String text = ((TextMessage) message).getText();
                if (message.getJMSRedelivered()) {
                    redelivered.add(text);
                }
                received.add(text);
            } catch (JMSException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void beforeDelivery(Method method) {
        }

        @Override
        public void afterDelivery() {
        }

        @Override
        public void release() {
        }
    }
}
