package org.ferrymq.broker;

import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.ResourceAllocationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.XidData;
import org.ferrymq.security.Identity;
import org.ferrymq.security.Operation;
import org.ferrymq.selector.Selector;

/**
 * One client connection as the broker sees it: the commands it sends, the sessions and
 * consumers it owns, its temporary destinations and its client ID. Every transport feeds
 * commands into {@link #handle}, which hands each to this connection's method for its type
 * (a {@link Command.Visitor}: a command without one does not compile).
 *
 * <p>Its sessions, consumers and temporary destinations stay within the broker's limits per
 * connection: a slot is taken before one is made and given back when it goes, so a refused
 * one leaves nothing behind.
 *
 * <p>What its user may do is checked before a command has any effect (see
 * {@link Broker#authorize}): a refused send, consumer, browse or unsubscribe sends, creates,
 * consumes and removes nothing. Its temporary destinations are its own: no other connection
 * may consume from or browse them.
 */
public final class BrokerConnection implements Command.Visitor<JMSException> {

    private static final AtomicLong IDS = new AtomicLong();

    final String id;
    final ClientChannel channel;
    private final Broker broker;
    private final Map<Long, BrokerSession> sessions = new ConcurrentHashMap<>();
    private final Map<Long, BrokerConsumer> consumers = new ConcurrentHashMap<>();
    private final Set<DestinationName> temporaries = ConcurrentHashMap.newKeySet();
    private final Allowance sessionSlots = new Allowance();
    private final Allowance consumerSlots = new Allowance();
    private final Allowance temporarySlots = new Allowance();
    /** The user name the connection was opened with (null: none), counted by the broker while open. */
    private volatile String user;
    /** Who the connection is, with the user's roles; anonymous until it is open. */
    private volatile Identity identity = Identity.ANONYMOUS;
    private volatile String clientId;
    /** The id the client gave its connection: the same after the client reconnects. */
    private volatile String clientConnectionId;
    private volatile boolean open;
    private volatile boolean closed;

    BrokerConnection(Broker broker, ClientChannel channel) {
        this.broker = broker;
        this.channel = channel;
        this.id = broker.name() + "-" + IDS.incrementAndGet();
    }

    String clientId() {
        return clientId;
    }

    /** Who the connection is: its user and the user's roles. */
    Identity identity() {
        return identity;
    }

    /** Whether the connection is closed at the broker, by its client or by the broker. */
    public boolean isClosed() {
        return closed;
    }

    /** Whether the broker has stopped: a command refused now was refused for that, not for itself. */
    public boolean brokerStopped() {
        return broker.isClosed();
    }

    /**
     * Carries out one command and answers it; broker-side failures are thrown as the JMSException
     * the spec names. Until an OpenConnection has succeeded, only OpenConnection and
     * CloseConnection are taken: everything else is refused before it has any effect.
     */
    public <R> R handle(Command<R> command) throws JMSException {
        checkUsable(command);
        return command.accept(this);
    }

    /** Refuses commands on a closed connection, and all but opening and closing on one not open yet. */
    private void checkUsable(Command<?> command) throws JMSException {
        if (closed) {
            throw new IllegalStateException(broker.isClosed() ? broker.closedMessage()
                    : "The connection to broker '" + broker.name() + "' is closed");
        }
        if (!open && !(command instanceof Command.OpenConnection) && !(command instanceof Command.CloseConnection)) {
            // a client of the TCP port could otherwise skip authentication by never asking for it
            throw new IllegalStateException("The connection to broker '" + broker.name() + "' is not open yet; "
                    + command.getClass().getSimpleName() + " refused: open it first (OpenConnection, with a user "
                    + "name and password if the broker requires them)");
        }
    }

    // ---- one method per command; transports call handle(), which refuses commands on a closed connection ----

    @Override
    public Void openConnection(Command.OpenConnection c) throws JMSException {
        if (open) {
            throw new IllegalStateException("Connection is already open");
        }
        // a client that proved a certificate over mutual TLS and gives no user name is the user it names
        String certified = c.user() == null ? channel.certificateSubject() : null;
        String connecting = certified != null ? certified : c.user();
        Identity who = certified == null ? broker.authenticate(c.user(), c.password(), channel.remoteAddress())
                : broker.certified(certified);
        broker.userConnected(connecting);
        try {
            if (c.clientId() != null) {
                claimClientId(c.clientId(), c.connectionId());
                clientId = c.clientId();
            }
        } catch (JMSException | RuntimeException e) {
            broker.userDisconnected(connecting);
            throw e;
        }
        user = connecting;
        identity = who;
        clientConnectionId = c.connectionId();
        open = true;
        return null;
    }

    /**
     * Claims the client ID, taking it over from a connection the same client connection had
     * before it reconnected (the same connection id): the broker may not yet have noticed that
     * the old one is gone (its socket half-open, its heartbeat not yet expired), and a durable
     * subscriber must get its client ID, and its subscription, back at once. The old connection
     * is closed as if its client had vanished: what it held unacknowledged is redelivered.
     */
    private void claimClientId(String wanted, String connectionId) throws JMSException {
        for (int attempt = 1; ; attempt++) {
            try {
                broker.claimClientId(wanted, this);
                return;
            } catch (InvalidClientIDException e) {
                BrokerConnection holder = broker.holderOf(wanted);
                if (holder == null && attempt < 3) {
                    continue; // freed meanwhile (its connection closed): claim it again
                }
                if (holder == null || holder == this || connectionId == null
                        || !connectionId.equals(holder.clientConnectionId) || attempt >= 3) {
                    throw e;
                }
                holder.channel.connectionFailed(new IllegalStateException("This connection was replaced by a new "
                        + "one of the same client (client ID '" + wanted + "'), which reconnected"));
                holder.close();
            }
        }
    }

    @Override
    public Void setClientId(Command.SetClientId c) throws JMSException {
        broker.claimClientId(c.clientId(), this);
        clientId = c.clientId();
        return null;
    }

    @Override
    public Void closeConnection(Command.CloseConnection c) {
        close();
        return null;
    }

    @Override
    public Void createSession(Command.CreateSession c) throws JMSException {
        take(sessionSlots, broker.config().maxSessionsPerConnection(), BrokerConfig.MAX_SESSIONS_PER_CONNECTION,
                "sessions open", "close sessions");
        if (sessions.put(c.sessionId(), new BrokerSession(broker, this, c.sessionId(), c.transacted())) != null) {
            sessionSlots.giveBack(); // the client reused a session id: still one session
        }
        return null;
    }

    @Override
    public Void closeSession(Command.CloseSession c) {
        closeSession(c.sessionId(), c.consumed());
        return null;
    }

    @Override
    public Void createConsumer(Command.CreateConsumer c) throws JMSException {
        ConsumerInfo info = c.info();
        checkPrefetch("Prefetch", info.prefetch());
        BrokerSession session = session(info.sessionId());
        take(consumerSlots, broker.config().maxConsumersPerConnection(), BrokerConfig.MAX_CONSUMERS_PER_CONNECTION,
                "consumers open", "close consumers");
        try {
            createConsumer(info, session);
        } catch (JMSException | RuntimeException e) {
            consumerSlots.giveBack();
            throw e;
        }
        return null;
    }

    private void createConsumer(ConsumerInfo info, BrokerSession session) throws JMSException {
        DestinationName destination = info.destination();
        if (!broker.mayConsume(destination, this)) {
            throw new InvalidDestinationException("Temporary destination '" + destination.name()
                    + "' belongs to another connection; only the connection that created it may consume from it");
        }
        Selector selector = broker.selector(info.selector());
        authorizeConsumer(info, selector);
        BrokerConsumer consumer;
        if (destination.kind().isQueue()) {
            MessageQueue queue = broker.queue(destination, false);
            consumer = new BrokerConsumer(info.consumerId(), session, queue, selector, null,
                    broker.maxUnacknowledged());
        } else {
            BrokerTopic topic = broker.topic(destination, false);
            Subscription subscription;
            if (info.subscriptionName() == null) {
                subscription = broker.privateSubscription(topic, selector, info.noLocal(), this);
            } else {
                if (info.durable() && !info.shared() && clientId == null) {
                    throw new IllegalStateException("An unshared durable subscription needs a client ID; "
                            + "set one on the connection or connection factory first");
                }
                subscription = broker.namedSubscription(topic, clientId, info.subscriptionName(), selector,
                        info.noLocal(), info.durable(), info.shared(), this);
            }
            // the subscription filters with the selector; its consumers take everything it holds
            consumer = new BrokerConsumer(info.consumerId(), session, subscription.queue, null, subscription,
                    broker.maxUnacknowledged());
        }
        if (consumers.put(info.consumerId(), consumer) != null) {
            consumerSlots.giveBack(); // the client reused a consumer id: still one consumer
        }
        consumer.queue.addConsumer(consumer);
    }

    /**
     * Refuses a consumer its user may not create, before anything of it exists: consume on its
     * destination (and createDestination if that is not there yet); for a durable or shared
     * subscription that does not exist yet as asked, createDurable on its topic too, and
     * deleteDurable on the topic of the durable subscription it would replace.
     */
    private void authorizeConsumer(ConsumerInfo info, Selector selector) throws JMSException {
        DestinationName destination = info.destination();
        broker.authorize(identity, Operation.CONSUME, destination);
        if (!broker.restrictsUsers() || destination.kind().isQueue() || destination.kind().isTemporary()
                || info.subscriptionName() == null) {
            return;
        }
        Subscription existing = broker.existingSubscription(clientId, info.subscriptionName());
        String selectorText = selector == null ? null : selector.expression();
        boolean same = existing != null && existing.topic.name.equals(destination.name())
                && Objects.equals(existing.selectorText(), selectorText) && existing.noLocal == info.noLocal();
        if (!same) {
            broker.authorizeOnTopic(identity, Operation.CREATE_DURABLE, destination.name());
            if (existing != null && existing.durable) {
                broker.authorizeOnTopic(identity, Operation.DELETE_DURABLE, existing.topic.name);
            }
        }
    }

    @Override
    public Void closeConsumer(Command.CloseConsumer c) {
        BrokerConsumer consumer = consumers.remove(c.consumerId());
        if (consumer == null) {
            return null;
        }
        consumerSlots.giveBack();
        consumer.queue.removeConsumer(consumer);
        consumer.session.consumerClosed(consumer, c.consumed());
        if (consumer.subscription != null) {
            broker.consumerClosed(consumer.subscription);
        }
        return null;
    }

    @Override
    public Void credit(Command.Credit c) throws JMSException {
        BrokerConsumer consumer = consumers.get(c.consumerId());
        if (consumer != null) {
            checkPrefetch("Credit", c.credit());
            consumer.queue.addCredit(consumer, c.credit());
        }
        return null;
    }

    @Override
    public Void pull(Command.Pull c) {
        BrokerConsumer consumer = consumers.get(c.consumerId());
        if (consumer != null) {
            consumer.queue.dispatch();
        }
        return null;
    }

    @Override
    public Void send(Command.Send c) throws JMSException {
        send(c, true);
        return null;
    }

    /**
     * Sends where the caller must not wait (a network transport's I/O thread): answers false,
     * having kept nothing, when the send would have to wait for room in the broker's memory for
     * messages kept in memory only; the caller then sends it again, in order, where it may wait.
     */
    public boolean sendWithoutWaiting(Command.Send c) throws JMSException {
        checkUsable(c);
        return send(c, false);
    }

    private boolean send(Command.Send c, boolean mayWait) throws JMSException {
        BrokerSession session = session(c.sessionId());
        broker.authorize(identity, Operation.SEND, c.message().destination());
        MessageData message = broker.stamped(c.message(), user);
        broker.checkProperties(message);
        return session.send(message, mayWait);
    }

    /**
     * {@code send} was refused and its client did not wait for the answer (a one-way send of a
     * network transport, which hears of it later): a transaction it belonged to can now only
     * roll back, and its commit says why.
     */
    public void sendRefusedUnheard(Command.Send send, JMSException refusal) {
        BrokerSession session = sessions.get(send.sessionId());
        if (session != null) {
            session.sendRefusedUnheard(refusal);
        }
    }

    @Override
    public Void acknowledge(Command.Acknowledge c) throws JMSException {
        session(c.sessionId()).acknowledge(c.deliveryIds());
        return null;
    }

    @Override
    public Void acknowledgeAsync(Command.AcknowledgeAsync c) throws JMSException {
        session(c.sessionId()).acknowledgeAsync(c.deliveryIds());
        return null;
    }

    @Override
    public Void commit(Command.Commit c) throws JMSException {
        session(c.sessionId()).commit(c.consumed());
        return null;
    }

    @Override
    public Integer rollback(Command.Rollback c) throws JMSException {
        return session(c.sessionId()).rollback(c.consumed());
    }

    @Override
    public Integer recover(Command.Recover c) throws JMSException {
        return session(c.sessionId()).recover(c.consumed(), c.refused());
    }

    @Override
    public Void unsubscribe(Command.Unsubscribe c) throws JMSException {
        Subscription existing = broker.restrictsUsers() ? broker.existingSubscription(clientId, c.subscriptionName())
                : null;
        if (existing != null && existing.durable) {
            broker.authorizeOnTopic(identity, Operation.DELETE_DURABLE, existing.topic.name);
        }
        Set<MessageQueue> pending = new java.util.HashSet<>();
        sessions.values().forEach(s -> pending.addAll(s.queuesInFlight()));
        broker.unsubscribe(clientId, c.subscriptionName(), pending);
        return null;
    }

    @Override
    public DestinationName createTemporaryDestination(Command.CreateTemporaryDestination c) throws JMSException {
        take(temporarySlots, broker.config().maxTemporaryDestinationsPerConnection(),
                BrokerConfig.MAX_TEMPORARY_DESTINATIONS_PER_CONNECTION, "temporary destinations",
                "delete temporary destinations");
        DestinationName name;
        try {
            name = broker.createTemporary(c.kind(), this);
        } catch (RuntimeException e) {
            temporarySlots.giveBack();
            throw e;
        }
        temporaries.add(name);
        return name;
    }

    @Override
    public Void deleteTemporaryDestination(Command.DeleteTemporaryDestination c) throws JMSException {
        if (!temporaries.contains(c.destination())) {
            throw new InvalidDestinationException("Temporary destination '" + c.destination().name()
                    + "' belongs to another connection; only its creator may delete it");
        }
        broker.deleteTemporary(c.destination(), this);
        if (temporaries.remove(c.destination())) {
            temporarySlots.giveBack();
        }
        return null;
    }

    @Override
    public List<MessageData> browse(Command.Browse c) throws JMSException {
        if (!broker.mayConsume(c.queue(), this)) {
            throw new InvalidDestinationException("Temporary queue '" + c.queue().name()
                    + "' belongs to another connection; only the connection that created it may browse it");
        }
        Selector selector = broker.selector(c.selector());
        broker.authorize(identity, Operation.BROWSE, c.queue());
        return broker.queue(c.queue(), false).browse(selector);
    }

    @Override
    public Void checkDestination(Command.CheckDestination c) throws JMSException {
        broker.authorize(identity, null, c.destination()); // it creates a destination that is not there yet
        broker.checkDestination(c.destination());
        return null;
    }

    @Override
    public Integer xaStart(Command.XaStart c) throws JMSException {
        return broker.xa().start(session(c.sessionId()), c.xid(), c.flags(), c.timeoutSeconds());
    }

    @Override
    public Integer xaEnd(Command.XaEnd c) throws JMSException {
        // a session closed inside its branch has ended its association already
        return broker.xa().end(sessions.get(c.sessionId()), c.xid(), c.flags(), c.consumed());
    }

    @Override
    public Integer xaPrepare(Command.XaPrepare c) throws JMSException {
        return broker.xa().prepare(c.xid(), identity);
    }

    @Override
    public Integer xaCommit(Command.XaCommit c) throws JMSException {
        return broker.xa().commit(c.xid(), c.onePhase(), identity);
    }

    @Override
    public Integer xaRollback(Command.XaRollback c) throws JMSException {
        return broker.xa().rollback(c.xid(), identity);
    }

    @Override
    public Integer xaForget(Command.XaForget c) throws JMSException {
        return broker.xa().forget(c.xid(), identity);
    }

    @Override
    public List<XidData> xaRecover(Command.XaRecover c) throws JMSException {
        return broker.xa().recover(identity);
    }

    // ---- large messages ----

    @Override
    public Void beginLargeBody(Command.BeginLargeBody c) throws JMSException {
        BrokerSession session = session(c.sessionId());
        broker.authorize(identity, Operation.SEND, c.destination()); // before anything of the body is stored
        session.beginLargeBody(c.bodyId(), c.destination());
        return null;
    }

    @Override
    public Void largeBodyChunk(Command.LargeBodyChunk c) throws JMSException {
        session(c.sessionId()).largeBodyChunk(c.bodyId(), c.data(), c.confirm());
        return null;
    }

    @Override
    public Void abortLargeBody(Command.AbortLargeBody c) {
        BrokerSession session = sessions.get(c.sessionId());
        if (session != null) {
            session.abortLargeBody(c.bodyId());
        }
        return null;
    }

    @Override
    public byte[] readLargeBody(Command.ReadLargeBody c) throws JMSException {
        return session(c.sessionId()).readLargeBody(c.deliveryId(), c.chunkNo());
    }

    private BrokerSession session(long sessionId) throws IllegalStateException {
        BrokerSession session = sessions.get(sessionId);
        if (session == null) {
            if (broker.isClosed()) { // the broker closes sessions before it marks the connection closed
                throw new IllegalStateException(broker.closedMessage());
            }
            throw new IllegalStateException("Session " + sessionId + " is closed");
        }
        return session;
    }

    /**
     * Takes one of this connection's slots for {@code things}, or refuses with a
     * ResourceAllocationException naming the limit and its broker setting if all are taken.
     */
    private void take(Allowance slots, int limit, String setting, String things, String remedy)
            throws ResourceAllocationException {
        if (!slots.take(limit)) {
            throw new ResourceAllocationException("This connection has " + limit + " " + things
                    + ", as many as broker '" + broker.name() + "' accepts on one connection (broker setting '"
                    + setting + "'); " + remedy + " the application no longer uses, or raise the setting");
        }
    }

    /** A client's prefetch window, or credit, is taken only within 1 to ConsumerInfo.MAX_PREFETCH. */
    private static void checkPrefetch(String what, int messages) throws JMSException {
        if (messages < 1 || messages > ConsumerInfo.MAX_PREFETCH) {
            throw new JMSException(what + " of " + messages + " messages refused: a consumer's prefetch is 1 to "
                    + ConsumerInfo.MAX_PREFETCH + "; set the connection's prefetch in that range");
        }
    }

    private void closeSession(long sessionId, long[] consumed) {
        BrokerSession session = sessions.remove(sessionId);
        if (session == null) {
            return;
        }
        sessionSlots.giveBack();
        List<BrokerConsumer> owned = new ArrayList<>();
        consumers.values().removeIf(consumer -> consumer.session == session && owned.add(consumer));
        for (BrokerConsumer consumer : owned) {
            consumerSlots.giveBack();
            consumer.queue.removeConsumer(consumer);
        }
        session.close(consumed);
        for (BrokerConsumer consumer : owned) {
            // subscriptions are settled after the session has returned its messages
            if (consumer.subscription != null) {
                broker.consumerClosed(consumer.subscription);
            }
        }
    }

    /**
     * Closes everything this connection owns. The client closes its sessions first, saying
     * what it consumed; sessions still open here (the broker is shutting down, or the client
     * went away) may have shown the application anything they had in flight, so all of it
     * comes back as redelivered. Synchronized: when the connection's own end (its socket closing)
     * and its takeover by a reconnected connection close it at once, the second waits until the
     * first is done, so the takeover finds the client ID free.
     */
    synchronized void close() {
        if (closed) {
            return;
        }
        for (long sessionId : List.copyOf(sessions.keySet())) {
            closeSession(sessionId, null);
        }
        for (DestinationName temporary : temporaries) {
            try {
                broker.deleteTemporary(temporary, this);
            } catch (JMSException e) {
                // consumers of another connection cannot exist on our temporaries; nothing to do
            }
        }
        temporaries.clear();
        broker.releaseClientId(clientId, this);
        if (open) {
            broker.userDisconnected(user);
        }
        closed = true;
        broker.disconnected(this);
    }

    void brokerClosing() {
        // the client hears it first, so that a call refused below is known to mean the broker is gone
        channel.connectionFailed(new IllegalStateException(broker.closedMessage()));
        close();
    }
}
