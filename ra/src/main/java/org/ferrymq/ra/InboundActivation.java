package org.ferrymq.ra;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
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
 *
 * <p>When the connection is lost (its ExceptionListener fires: the server went away, or a
 * failover URL gave up), a thread of the activation connects again with exponential backoff
 * ({@code reconnectDelay} doubling up to {@code maxReconnectDelay}) and delivery resumes
 * without a redeployment. A remote server that is down when the bean is activated is waited
 * for the same way. Deactivation ends the waiting at once.
 *
 * <p>The connection logs in as the activation's {@code user}, else the adapter's
 * {@code UserName}. A refused login (no user, a wrong password, a user the broker does not
 * know yet) is an error naming the bean, its destination and the properties to set, logged
 * once; the activation then keeps trying as after a lost connection, so that it delivers as
 * soon as the broker lets it in (a users file is read again when it changes).
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
    private Destination destination;
    private boolean transacted;

    /** The connection delivering now; null while there is none (lost, not yet made, or stopped). Guarded by this. */
    private XAConnection connection;
    /** The thread making a connection again after a loss, while it runs. Guarded by this. */
    private Thread reconnector;
    private volatile boolean stopped;

    InboundActivation(FerryResourceAdapter adapter, MessageEndpointFactory factory, FerryActivationSpec spec) {
        this.adapter = adapter;
        this.factory = factory;
        this.spec = spec;
    }

    /**
     * Connects and starts delivering. A setting that cannot work fails the activation; a
     * remote server that does not answer does not: the activation then connects in the
     * background, as after a {@linkplain #connectionLost lost connection}, and delivers once
     * the server is there.
     */
    void start() throws ResourceException {
        destination = destination();
        try {
            transacted = factory.isDeliveryTransacted(ON_MESSAGE);
        } catch (NoSuchMethodException e) {
            throw new ResourceException(factory.getActivationName() + " is not a jakarta.jms.MessageListener", e);
        }
        Attempt attempt = new Attempt();
        try {
            connect(attempt);
        } catch (JMSException | ResourceException | RuntimeException e) {
            if (attempt.loginRefused) {
                LOG.error("{}; it keeps trying in the background, every {} ms at first and at most every {} ms, and "
                        + "delivers once the broker lets it in", loginRefusal(e), spec.getReconnectDelay(),
                        spec.getMaxReconnectDelay());
                reconnectInBackground(null, true);
                return;
            }
            if (!adapter.isRemote() || !attempt.serverAbsent()) {
                throw new ResourceException("FerryMQ could not activate " + spec + ": " + e.getMessage(), e);
            }
            LOG.warn("FerryMQ cannot reach the server at {} for {} of {} ({}); it keeps trying in the background, "
                    + "every {} ms at first and at most every {} ms, and delivers once the server answers",
                    adapter.shownUrl(), spec, factory.getActivationName(), e.getMessage(), spec.getReconnectDelay(),
                    spec.getMaxReconnectDelay());
            reconnectInBackground(null, false);
            return;
        }
        LOG.info("FerryMQ delivers {} to {} ({} delivery)", spec, factory.getActivationName(),
                transacted ? "transacted" : "non-transacted");
    }

    /** One try at a connection: what it made, and whether it failed for want of a server or of a login. */
    private static final class Attempt {
        XAConnection made;
        /** No connection could be made, or the one made was lost while it was set up. */
        volatile boolean lost;
        boolean opened;
        /** The broker answered, and refused the connection's user or password. */
        boolean loginRefused;

        boolean serverAbsent() {
            return (!opened && !loginRefused) || lost;
        }
    }

    /** Whom the activation logs in as: its own user and password, else the adapter's. */
    private Credentials credentials() {
        return spec.hasUser() ? new Credentials(spec.getUser(), spec.getPassword(), null)
                : new Credentials(adapter.getUserName(), adapter.getPassword(), null);
    }

    /** What a refused login of this activation says: the bean, its destination, its user and what to set. */
    private String loginRefusal(Exception e) {
        String user = credentials().user();
        String refused = "FerryMQ: " + adapter.shownBroker() + " refused the login of the activation of "
                + factory.getActivationName() + " on " + spec.destinationName() + " ";
        if (!FerryResourceAdapter.given(user) && adapter.urlUser() == null) {
            // the broker's own message tells a client to pass a user to createConnection: no help to a deployer
            return refused + "without a user name, as it requires credentials; set the activation properties user "
                    + "and password of the bean, or the resource adapter's UserName and Password (used by every "
                    + "activation that sets no user)";
        }
        String passwordProperty = spec.hasUser() ? "activation property password"
                : FerryResourceAdapter.given(user) ? "resource adapter property Password"
                : "the password parameter of ConnectionUrl";
        return refused + adapter.loginShown(user, spec.hasUser() ? "activation property user"
                : "resource adapter property UserName") + ": " + e.getMessage() + "; check the password ("
                + passwordProperty + ") and that the broker knows the user";
    }

    /**
     * Opens a connection with its sessions and consumers and makes it the activation's; on a
     * failure closes what it made and throws. Returns false, without a connection, if the
     * activation stopped meanwhile.
     */
    private boolean connect(Attempt attempt) throws JMSException, ResourceException {
        Credentials credentials = credentials();
        XAConnection opened;
        try {
            opened = FerryResourceAdapter.openConnection(adapter.connectionUrl(spec.getObjectMessageAllowList(),
                    spec.getObjectMessageDenyList()), credentials.user(), credentials.password());
        } catch (JMSSecurityException e) {
            attempt.loginRefused = true;
            throw e;
        }
        attempt.made = opened;
        attempt.opened = true;
        try {
            if (spec.getClientId() != null && !spec.getClientId().isBlank()) {
                opened.setClientID(spec.getClientId()); // first, before any other use of the connection
            }
            opened.setExceptionListener(e -> connectionLost(attempt, e));
            int sessions = destination instanceof Topic && !sharedSubscription() ? 1 : spec.getMaxSession();
            for (int i = 0; i < sessions; i++) {
                FerryXASession session = (FerryXASession) opened.createXASession();
                MessageConsumer consumer = consumer(session, destination);
                consumer.setMessageListener(message -> deliver(session, message, transacted));
            }
            opened.start();
        } catch (JMSException | RuntimeException e) {
            close(opened);
            throw e;
        }
        synchronized (this) {
            if (attempt.lost) {
                close(opened);
                throw new JMSException("The connection to " + adapter.shownUrl() + " was lost while it was set up");
            }
            if (!stopped) {
                connection = opened;
                if (reconnector == Thread.currentThread()) {
                    reconnector = null; // from here a loss of this connection starts a new reconnecting thread
                }
                return true;
            }
        }
        close(opened); // deactivated meanwhile
        return false;
    }

    /**
     * The connection's ExceptionListener: the server went away (or, with a failover URL, the
     * client gave up reconnecting). The activation makes a connection again in the background.
     */
    private void connectionLost(Attempt attempt, JMSException cause) {
        synchronized (this) {
            attempt.lost = true;
            if (stopped || connection != attempt.made) {
                return; // an attempt still being set up, or a connection already given up
            }
            connection = null;
        }
        LOG.warn("FerryMQ lost the connection of {} to {} ({}); no deliveries to {} until it reconnects, which it "
                + "tries in the background, every {} ms at first and at most every {} ms", spec,
                adapter.shownUrl(), cause.getMessage(), factory.getActivationName(), spec.getReconnectDelay(),
                spec.getMaxReconnectDelay());
        reconnectInBackground(attempt.made, false);
    }

    /**
     * Starts the reconnecting thread, which first closes {@code lost} (when there is one);
     * {@code loginRefusalLogged}: the error of a refused login was logged already.
     */
    private synchronized void reconnectInBackground(XAConnection lost, boolean loginRefusalLogged) {
        if (stopped || reconnector != null) {
            if (lost != null) {
                close(lost);
            }
            return;
        }
        reconnector = new Thread(() -> reconnect(lost, loginRefusalLogged),
                "ferrymq-ra-reconnect-" + factory.getActivationName());
        reconnector.setDaemon(true);
        reconnector.start();
    }

    /**
     * Tries to connect, waiting {@code reconnectDelay} before the first try and twice as long
     * after each failed one, up to {@code maxReconnectDelay}, until a connection delivers or
     * the activation stops. The outage was logged when it began; each failed try is logged
     * only at debug level, but for the first refusal by a server that is back (as an error if
     * it refused the login), and the end of the outage once.
     */
    private void reconnect(XAConnection lost, boolean loginRefusalLogged) {
        long began = System.nanoTime();
        int attempts = 0;
        long delay = spec.getReconnectDelay();
        boolean reportedRefusal = loginRefusalLogged;
        try {
            if (lost != null) {
                close(lost);
            }
            while (pause(delay)) {
                attempts++;
                Attempt attempt = new Attempt();
                try {
                    if (connect(attempt)) {
                        LOG.info("FerryMQ delivers {} to {} again: reconnected to {} after {} attempt(s), {} ms "
                                + "without a connection", spec, factory.getActivationName(), adapter.shownUrl(),
                                attempts, (System.nanoTime() - began) / 1_000_000L);
                    }
                    return;
                } catch (JMSException | ResourceException | RuntimeException e) {
                    if (attempt.loginRefused && !reportedRefusal) {
                        LOG.error("{}; it keeps trying", loginRefusal(e));
                        reportedRefusal = true;
                    } else if (!attempt.serverAbsent() && !reportedRefusal) {
                        // the server is back but refuses (e.g. it still holds the old connection's client ID)
                        LOG.warn("FerryMQ reached {} again for {} but could not set up delivery: {}; it keeps trying",
                                adapter.shownUrl(), spec, e.getMessage());
                        reportedRefusal = true;
                    } else {
                        LOG.debug("FerryMQ reconnect attempt {} of {} failed: {}", attempts, spec, e.getMessage());
                    }
                }
                delay = Math.min(delay * 2, spec.getMaxReconnectDelay());
            }
        } finally {
            synchronized (this) {
                if (reconnector == Thread.currentThread()) {
                    reconnector = null;
                }
            }
        }
    }

    /** Waits {@code millis} unless the activation stops; true if it is still active. */
    private synchronized boolean pause(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        try {
            for (long left = millis; !stopped && left > 0; left = (end - System.nanoTime()) / 1_000_000L) {
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !stopped;
    }

    private void close(XAConnection c) {
        try {
            c.close();
        } catch (JMSException | RuntimeException e) {
            LOG.debug("Closing a connection of {}: {}", spec, e.getMessage());
        }
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

    /** Closes the connection, and ends the reconnecting thread's waiting at once; a try under way closes what it makes. */
    void stop() {
        XAConnection closing;
        synchronized (this) {
            stopped = true;
            closing = connection;
            connection = null;
            notifyAll();
        }
        if (closing != null) {
            try {
                closing.close();
            } catch (JMSException e) {
                LOG.warn("Closing the connection of {}: {}", spec, e.getMessage());
            }
        }
    }
}
