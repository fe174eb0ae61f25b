package org.ferrymq.client;

import jakarta.jms.ConnectionConsumer;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueSession;
import jakarta.jms.ServerSessionPool;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.ferrymq.api.ConnectionStateListener;
import org.ferrymq.api.ObservableConnection;
import org.ferrymq.client.message.ObjectMessageFilter;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.RecoverableChannel;
import org.ferrymq.protocol.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to a FerryMQ broker over one {@link Transport}. It routes the broker's
 * deliveries to its consumers, owns its sessions and temporary destinations, and keeps the
 * spec's rules on client IDs, start/stop and close.
 *
 * <p>Over a transport that reconnects (failover), it rebuilds itself on each new connection
 * ({@link #rebuild}): the same connection id and client ID, every open session and consumer
 * with a fresh prefetch window; what was prefetched from the lost connection is dropped, and
 * its consumers on temporary destinations, which ended with it, are closed.
 */
public class FerryConnection implements QueueConnection, TopicConnection, TemporaryDestinationOwner,
        RecoverableChannel, ObservableConnection {

    private static final Logger LOG = LoggerFactory.getLogger(FerryConnection.class);

    /** Which factory method made the connection: queue and topic connections refuse the other domain. */
    enum Domain { UNIFIED, QUEUE, TOPIC }

    final Transport transport;
    final String connectionId = UUID.randomUUID().toString();
    final int prefetch;
    /**
     * A BytesMessage body longer than this many bytes is sent as a large message, in chunks
     * (see {@link LargeMessages}); set by the factory from the URL before the connection opens.
     */
    volatile long largeMessageThreshold = ConnectionUrl.DEFAULT_LARGE_MESSAGE_THRESHOLD;
    /** The classes an ObjectMessage of this connection's may be deserialized into. */
    final ObjectMessageFilter objectMessageFilter;
    /**
     * URL parameter {@code duplicateDetection}: every send carries its JMSMessageID as its duplicate
     * ID unless the application set one, so that the broker stores it at most once.
     */
    final boolean duplicateDetection;
    final Domain domain;
    private final AtomicLong ids = new AtomicLong();
    private final List<FerrySession> sessions = new CopyOnWriteArrayList<>();
    private final Map<Long, FerryMessageConsumer> consumers = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();

    private volatile String clientId;
    private volatile boolean clientIdFixed;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean closing;
    /** Set when the broker ended this connection (it shut down): closing then only cleans up here. */
    private volatile boolean brokerGone;
    private volatile ExceptionListener exceptionListener;
    private volatile ConnectionStateListener stateListener;
    /** The credentials the connection was opened with: a reconnect opens it again with them. */
    private volatile String user;
    private volatile String password;
    /** Consumers on temporary destinations that ended with a lost connection, closed once it is restored. */
    private final List<FerryMessageConsumer> orphaned = new ArrayList<>();

    FerryConnection(Transport transport, int prefetch, ObjectMessageFilter objectMessageFilter,
            boolean duplicateDetection, Domain domain) {
        this.transport = transport;
        this.prefetch = prefetch;
        this.objectMessageFilter = objectMessageFilter;
        this.duplicateDetection = duplicateDetection;
        this.domain = domain;
    }

    /** Opens a connection made (not yet opened) on its transport. */
    static <C extends FerryConnection> C open(C connection, String user, String password, String clientId)
            throws JMSException {
        Transport transport = connection.transport;
        transport.setClientChannel(connection);
        try {
            transport.request(new Command.OpenConnection(connection.connectionId, user, password, clientId));
        } catch (JMSException e) {
            transport.close();
            throw e;
        }
        ((FerryConnection) connection).opened(user, password, clientId);
        return connection;
    }

    private void opened(String user, String password, String fixedClientId) {
        this.user = user;
        this.password = password;
        if (fixedClientId != null) {
            clientId = fixedClientId;
            clientIdFixed = true;
        }
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    boolean isStarted() {
        return started;
    }

    boolean isClosed() {
        return closed;
    }

    void checkOpen() throws IllegalStateException {
        if (closed || closing) {
            throw JmsExceptions.closed("connection");
        }
    }

    /** Any use of the connection fixes its client ID: setClientID must come first. */
    private void used() {
        clientIdFixed = true;
    }

    // ---- sessions ----

    @Override
    public Session createSession(boolean transacted, int acknowledgeMode) throws JMSException {
        checkOpen();
        used();
        int mode = transacted ? Session.SESSION_TRANSACTED : acknowledgeMode;
        if (!transacted && mode != Session.AUTO_ACKNOWLEDGE && mode != Session.CLIENT_ACKNOWLEDGE
                && mode != Session.DUPS_OK_ACKNOWLEDGE) {
            throw new JMSException("Acknowledge mode " + acknowledgeMode + " is not one of AUTO_ACKNOWLEDGE (1), "
                    + "CLIENT_ACKNOWLEDGE (2), DUPS_OK_ACKNOWLEDGE (3) or SESSION_TRANSACTED (0)");
        }
        return newSession(mode, Domain.UNIFIED);
    }

    @Override
    public Session createSession(int sessionMode) throws JMSException {
        return createSession(sessionMode == Session.SESSION_TRANSACTED, sessionMode);
    }

    @Override
    public Session createSession() throws JMSException {
        return createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Override
    public QueueSession createQueueSession(boolean transacted, int acknowledgeMode) throws JMSException {
        checkOpen();
        used();
        return newSession(transacted ? Session.SESSION_TRANSACTED : validMode(acknowledgeMode), Domain.QUEUE);
    }

    @Override
    public TopicSession createTopicSession(boolean transacted, int acknowledgeMode) throws JMSException {
        checkOpen();
        used();
        return newSession(transacted ? Session.SESSION_TRANSACTED : validMode(acknowledgeMode), Domain.TOPIC);
    }

    private static int validMode(int mode) throws JMSException {
        if (mode != Session.AUTO_ACKNOWLEDGE && mode != Session.CLIENT_ACKNOWLEDGE
                && mode != Session.DUPS_OK_ACKNOWLEDGE) {
            throw new JMSException("Acknowledge mode " + mode
                    + " is not one of AUTO_ACKNOWLEDGE (1), CLIENT_ACKNOWLEDGE (2) or DUPS_OK_ACKNOWLEDGE (3)");
        }
        return mode;
    }

    private FerrySession newSession(int mode, Domain sessionDomain) throws JMSException {
        return addSession(new FerrySession(this, nextId(), mode, sessionDomain));
    }

    /** Opens a session made on this connection at the broker, and starts it if the connection is started. */
    <S extends FerrySession> S addSession(S session) throws JMSException {
        transport.request(new Command.CreateSession(session.id, session.transacted()));
        sessions.add(session);
        if (started) {
            session.start();
        }
        return session;
    }

    void sessionClosed(FerrySession session) {
        sessions.remove(session);
    }

    void register(FerryMessageConsumer consumer) {
        consumers.put(consumer.id, consumer);
    }

    void unregister(FerryMessageConsumer consumer) {
        consumers.remove(consumer.id);
    }

    // ---- client ID ----

    @Override
    public String getClientID() throws JMSException {
        checkOpen();
        return clientId;
    }

    @Override
    public void setClientID(String clientID) throws JMSException {
        checkOpen();
        if (clientIdFixed) {
            throw new IllegalStateException("The client ID can only be set right after the connection is created, "
                    + "before any other use" + (clientId != null ? ", and it is already '" + clientId + "'" : ""));
        }
        if (clientID == null || clientID.isEmpty()) {
            throw new InvalidClientIDException("A client ID must not be null or empty");
        }
        transport.request(new Command.SetClientId(clientID));
        clientId = clientID;
        clientIdFixed = true;
    }

    // ---- start, stop, close ----

    @Override
    public void start() throws JMSException {
        checkOpen();
        used();
        synchronized (lifecycle) {
            if (started) {
                return;
            }
            started = true;
            for (FerrySession session : sessions) {
                session.start();
            }
        }
    }

    @Override
    public void stop() throws JMSException {
        checkOpen();
        used();
        checkNotInOwnListener("stop", FerrySession.currentListenerSession());
        synchronized (lifecycle) {
            if (!started) {
                return;
            }
            started = false;
            for (FerrySession session : sessions) {
                session.awaitListenersIdle();
            }
            // what the application consumed before stop() is acknowledged when it returns
            for (FerrySession session : sessions) {
                session.acknowledgements.settle();
            }
        }
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        checkNotInOwnListener("close", FerrySession.currentCallbackSession());
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closing = true;
            started = false;
            JMSException failure = null;
            for (FerrySession session : sessions) {
                try {
                    session.close();
                } catch (JMSException e) {
                    if (!brokerGone) { // once the broker is gone there is nothing left to close there
                        failure = failure == null ? e : failure;
                    }
                }
            }
            try {
                transport.request(new Command.CloseConnection());
            } catch (JMSException e) {
                LOG.debug("Closing connection {}: {}", connectionId, e.toString());
            }
            transport.close();
            closed = true;
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * Refuses stop (from a MessageListener) and close (from a MessageListener or
     * CompletionListener) of this connection: they would wait for the callback that calls them.
     */
    private void checkNotInOwnListener(String operation, FerrySession current) throws IllegalStateException {
        if (current != null && current.connection == this) {
            throw new IllegalStateException("A MessageListener or CompletionListener must not call " + operation
                    + "() on its own connection");
        }
    }

    // ---- metadata and exceptions ----

    @Override
    public ConnectionMetaData getMetaData() throws JMSException {
        checkOpen();
        return FerryConnectionMetaData.INSTANCE;
    }

    @Override
    public ExceptionListener getExceptionListener() throws JMSException {
        checkOpen();
        return exceptionListener;
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) throws JMSException {
        checkOpen();
        used();
        this.exceptionListener = listener;
    }

    // ---- broker callbacks (ClientChannel) ----

    @Override
    public void deliver(Delivery delivery) {
        FerryMessageConsumer consumer = consumers.get(delivery.consumerId());
        if (consumer != null) {
            consumer.arrived(delivery);
        }
    }

    @Override
    public void acknowledgementsSettled(long sessionId, int deliveries, JMSException failure) {
        for (FerrySession session : sessions) {
            if (session.id == sessionId) {
                session.acknowledgements.settled(deliveries, failure);
                return;
            }
        }
    }

    @Override
    public void connectionFailed(JMSException cause) {
        brokerGone = true;
        for (FerrySession session : sessions) {
            session.acknowledgements.abandon();
        }
        ExceptionListener listener = exceptionListener;
        if (listener != null && !closed && !closing) {
            try {
                listener.onException(cause);
            } catch (RuntimeException e) {
                LOG.warn("ExceptionListener of connection {} threw {}", connectionId, e.toString());
            } catch (Throwable e) { // an Error must not stop the broker's shutdown that called us
                LOG.error("ExceptionListener of connection {} threw {}", connectionId, e.toString(), e);
            }
        }
    }

    // ---- reconnecting (RecoverableChannel) ----

    @Override
    public void setConnectionStateListener(ConnectionStateListener listener) {
        this.stateListener = listener;
    }

    @Override
    public ConnectionStateListener getConnectionStateListener() {
        return stateListener;
    }

    @Override
    public void connectionInterrupted(JMSException cause) {
        for (FerrySession session : sessions) {
            session.acknowledgements.abandon(); // nobody waits for the lost connection's settlements
            for (FerryMessageConsumer consumer : session.consumers()) {
                consumer.connectionLost();
            }
        }
        ConnectionStateListener listener = stateListener;
        if (listener != null && !closed) {
            try {
                listener.interrupted(cause);
            } catch (RuntimeException e) {
                LOG.warn("ConnectionStateListener of connection {} threw {}", connectionId, e.toString());
            }
        }
    }

    @Override
    public void rebuild(Transport fresh) throws JMSException {
        fresh.request(new Command.OpenConnection(connectionId, user, password, clientId));
        if (closed || closing) {
            return; // its closing commands follow
        }
        List<FerryMessageConsumer> lost = new ArrayList<>();
        for (FerrySession session : sessions) {
            if (session.isClosing()) {
                continue;
            }
            session.failedOver();
            fresh.request(new Command.CreateSession(session.id, session.transacted()));
            for (FerryMessageConsumer consumer : session.consumers()) {
                if (consumer.info().destination().kind().isTemporary()) {
                    lost.add(consumer); // its destination ended with the lost connection
                    continue;
                }
                boolean credit = consumer.failedOver();
                fresh.request(new Command.CreateConsumer(consumer.info()));
                if (credit) {
                    fresh.request(new Command.Credit(consumer.id, consumer.info().prefetch()));
                }
            }
        }
        synchronized (orphaned) {
            orphaned.clear();
            orphaned.addAll(lost);
        }
    }

    @Override
    public void connectionResumed(String server) {
        List<FerryMessageConsumer> lost;
        synchronized (orphaned) {
            lost = List.copyOf(orphaned);
            orphaned.clear();
        }
        for (FerryMessageConsumer consumer : lost) {
            consumer.closeLocally();
            consumer.session.consumerClosed(consumer);
        }
        ConnectionStateListener listener = stateListener;
        if (listener != null && !closed) {
            try {
                listener.resumed(server);
            } catch (RuntimeException e) {
                LOG.warn("ConnectionStateListener of connection {} threw {}", connectionId, e.toString());
            }
        }
        ExceptionListener exceptions = exceptionListener;
        if (!lost.isEmpty() && exceptions != null && !closed && !closing) {
            StringBuilder names = new StringBuilder();
            for (FerryMessageConsumer consumer : lost) {
                names.append(names.length() == 0 ? "" : ", ").append(consumer);
            }
            try {
                exceptions.onException(new InvalidDestinationException("Connection " + connectionId + " was restored "
                        + "after its server connection was lost, but its temporary destinations ended with that "
                        + "connection; these consumers on them are closed: " + names + ". Create new temporary "
                        + "destinations"));
            } catch (RuntimeException e) {
                LOG.warn("ExceptionListener of connection {} threw {}", connectionId, e.toString());
            }
        }
    }

    // ---- temporary destinations ----

    DestinationName createTemporary(DestinationName.Kind kind) throws JMSException {
        checkOpen();
        return transport.request(new Command.CreateTemporaryDestination(kind));
    }

    @Override
    public void deleteTemporaryDestination(FerryDestination destination) throws JMSException {
        checkOpen();
        transport.request(new Command.DeleteTemporaryDestination(destination.destinationName()));
    }

    // ---- application-server facilities (optional in the spec) ----

    @Override
    public ConnectionConsumer createConnectionConsumer(Destination destination, String messageSelector,
            ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        checkOpen();
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createSharedConnectionConsumer(Topic topic, String subscriptionName,
            String messageSelector, ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        checkOpen();
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createDurableConnectionConsumer(Topic topic, String subscriptionName,
            String messageSelector, ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        checkOpen();
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createSharedDurableConnectionConsumer(Topic topic, String subscriptionName,
            String messageSelector, ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        checkOpen();
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Queue queue, String messageSelector,
            ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        checkOpen();
        throw unsupportedConnectionConsumer();
    }

    @Override
    public ConnectionConsumer createConnectionConsumer(Topic topic, String messageSelector,
            ServerSessionPool sessionPool, int maxMessages) throws JMSException {
        checkOpen();
        throw unsupportedConnectionConsumer();
    }

    private static JMSException unsupportedConnectionConsumer() {
        return new JMSException("Connection consumers (ServerSessionPool) are an optional application-server "
                + "facility that FerryMQ does not provide; use MessageListeners, or message-driven beans "
                + "through the FerryMQ resource adapter");
    }

    @Override
    public String toString() {
        return "FerryConnection[" + connectionId + (clientId == null ? "" : ", clientID=" + clientId) + "]";
    }
}
