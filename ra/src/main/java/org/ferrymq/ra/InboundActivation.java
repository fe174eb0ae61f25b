package org.ferrymq.ra;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Topic;
import jakarta.jms.XAConnection;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.lang.reflect.Method;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.ferrymq.client.FerryQueue;
import org.ferrymq.client.FerryTopic;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.client.FerryXASession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message-driven bean's deliveries: a connection of its own with up to {@code maxSession}
 * XA sessions, each consuming with a listener that hands every message to a new endpoint.
 *
 * <p>When the container delivers in a transaction, the endpoint gets the session's
 * XAResource: the container starts the branch in {@code beforeDelivery} and ends it in
 * {@code afterDelivery}, and the message the session received joins that branch, acknowledged
 * if the transaction commits and delivered again, flagged as redelivered, if it rolls back.
 * Without a transaction, a message whose endpoint throws is delivered again. A delivery the
 * container refuses or fails never acknowledges the message (see {@link #deliver}).
 */
final class InboundActivation {

    private static final Logger LOG = LoggerFactory.getLogger(InboundActivation.class);
    private static final Method ON_MESSAGE;

    static {
        try {
            ON_MESSAGE = MessageListener.class.getMethod("onMessage", Message.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FerryResourceAdapter adapter;
    private final MessageEndpointFactory factory;
    private final FerryActivationSpec spec;
    private XAConnection connection;

    InboundActivation(FerryResourceAdapter adapter, MessageEndpointFactory factory, FerryActivationSpec spec) {
        this.adapter = adapter;
        this.factory = factory;
        this.spec = spec;
    }

    void start() throws ResourceException {
        Destination destination = destination();
        boolean transacted;
        try {
            transacted = factory.isDeliveryTransacted(ON_MESSAGE);
        } catch (NoSuchMethodException e) {
            throw new ResourceException(factory.getActivationName() + " is not a jakarta.jms.MessageListener", e);
        }
        try {
            connection = new FerryXAConnectionFactory(adapter.connectionUrl()).createXAConnection();
            if (spec.getClientId() != null && !spec.getClientId().isBlank()) {
                connection.setClientID(spec.getClientId());
            }
            int sessions = destination instanceof Topic && !sharedSubscription() ? 1 : spec.getMaxSession();
            for (int i = 0; i < sessions; i++) {
                FerryXASession session = (FerryXASession) connection.createXASession();
                MessageConsumer consumer = consumer(session, destination);
                consumer.setMessageListener(message -> deliver(session, message, transacted));
            }
            connection.start();
        } catch (JMSException e) {
            stop();
            throw new ResourceException("FerryMQ could not activate " + spec + ": " + e.getMessage(), e);
        }
        LOG.info("FerryMQ delivers {} to {} ({} delivery)", spec, factory.getActivationName(),
                transacted ? "transacted" : "non-transacted");
    }

    /** A topic subscription several sessions can share: durable without a client ID, or non-durable with a name. */
    private boolean sharedSubscription() {
        boolean noClientId = spec.getClientId() == null || spec.getClientId().isBlank();
        return spec.isDurable() ? noClientId : spec.getSubscriptionName() != null;
    }

    private MessageConsumer consumer(FerryXASession session, Destination destination) throws JMSException {
        String selector = spec.getMessageSelector();
        if (!(destination instanceof Topic topic)) {
            return session.createConsumer(destination, selector);
        }
        String name = spec.getSubscriptionName();
        if (spec.isDurable()) {
            return sharedSubscription() ? session.createSharedDurableConsumer(topic, name, selector)
                    : session.createDurableConsumer(topic, name, selector, false);
        }
        return sharedSubscription() ? session.createSharedConsumer(topic, name, selector)
                : session.createConsumer(topic, selector);
    }

    private Destination destination() throws ResourceException {
        if (spec.getDestinationLookup() != null && !spec.getDestinationLookup().isBlank()) {
            try {
                Object found = new InitialContext().lookup(spec.getDestinationLookup());
                if (found instanceof Destination d) {
                    return d;
                }
                throw new ResourceException("destinationLookup '" + spec.getDestinationLookup() + "' names a "
                        + (found == null ? "null" : found.getClass().getName()) + ", not a jakarta.jms.Destination");
            } catch (NamingException e) {
                throw new ResourceException("destinationLookup '" + spec.getDestinationLookup()
                        + "' is not bound in JNDI; create the admin object first, or use the destination property", e);
            }
        }
        return FerryActivationSpec.TOPIC.equals(spec.getDestinationType()) ? new FerryTopic(spec.getDestination())
                : new FerryQueue(spec.getDestination());
    }

    /**
     * Hands one message to a new endpoint. When the container refuses or fails the delivery
     * (no endpoint, {@code beforeDelivery} or {@code afterDelivery} throws), this throws back
     * to the session, which then delivers again, flagged, every message it received that no
     * transaction took; so a message is consumed only if the delivery succeeded or a
     * transaction that took it committed. Non-transacted, the session's acknowledgement is
     * all there is, and a throw withholds it. Transacted, the message joins the container's
     * branch when the container ends it, and from then on the branch's outcome decides: rolled
     * back (or timed out), the broker delivers it again; committed, it is consumed even if
     * {@code afterDelivery} then fails; in doubt, it stays locked until the transaction
     * manager resolves it. Before that (a refused {@code beforeDelivery}, a branch never
     * started) the session still holds it and delivers it again. A bean that throws in a
     * transacted delivery is the container's to settle in {@code afterDelivery}.
     */
    private void deliver(FerryXASession session, Message message, boolean transacted) {
        MessageEndpoint endpoint;
        try {
            endpoint = factory.createEndpoint(transacted ? session.getXAResource() : null);
        } catch (ResourceException e) {
            throw new IllegalStateException("No endpoint for " + factory.getActivationName() + ": " + e.getMessage()
                    + "; the message will be delivered again", e);
        }
        try {
            endpoint.beforeDelivery(ON_MESSAGE);
            try {
                ((MessageListener) endpoint).onMessage(message);
            } finally {
                endpoint.afterDelivery();
            }
        } catch (ResourceException | NoSuchMethodException e) {
            if (transacted && session.inTransaction()) {
                // Only the container knows the Xid: the message waits, unacknowledged, until the
                // transaction manager ends the branch (it then goes with the branch's outcome).
                LOG.error("The container of {} failed a delivery and left FerryMQ's session in its transaction "
                        + "branch ({}); the message stays unacknowledged until the transaction manager ends that "
                        + "branch, and the session cannot start another until then", factory.getActivationName(),
                        e.toString());
            }
            throw new IllegalStateException("The container failed the delivery to " + factory.getActivationName()
                    + ": " + e + "; the message will be delivered again unless a transaction that took it committed", e);
        } catch (RuntimeException e) {
            if (!transacted) {
                throw e; // the session delivers the message again
            }
            // afterDelivery completed the container's transaction: the message went with it
            LOG.debug("Endpoint {} threw; the container settled its transaction: {}", factory.getActivationName(),
                    e.toString());
        } finally {
            endpoint.release();
        }
    }

    void stop() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException e) {
                LOG.warn("Closing the connection of {}: {}", spec, e.getMessage());
            }
            connection = null;
        }
    }
}
