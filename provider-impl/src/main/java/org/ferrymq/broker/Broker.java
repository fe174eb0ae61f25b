package org.ferrymq.broker;

import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.ResourceAllocationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.management.MalformedObjectNameException;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.journal.Journals;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.LargeBody;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.ferrymq.security.Authenticator;
import org.ferrymq.security.Authorizer;
import org.ferrymq.security.Identity;
import org.ferrymq.security.Operation;
import org.ferrymq.selector.Selector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker: its lifecycle, the security and client IDs of its connections, and the wiring of
 * its parts. Clients reach it only through {@link BrokerConnection}s, one per client
 * connection, whatever the transport; what they ask of it is carried out by the part it
 * belongs to, and the methods here for connections and sessions only hand it on:
 * <ul>
 *   <li>{@link Destinations} and {@link Subscriptions}: the queues, topics and subscriptions;
 *   <li>{@link Routing}: where a sent message goes, and the journal write that makes sends and
 *       acknowledgements take effect;
 *   <li>{@link Redelivery}: messages that come back from consumers, and the dead-letter queue;
 *   <li>{@link Expiry}: expired messages, dropped or moved to an expiry queue;
 *   <li>{@link XaTransactions}: the XA branches;
 *   <li>{@link DuplicateIds}: duplicate detection, the windows of duplicate IDs;
 *   <li>{@link Storage}: the journal, the memory that journaled messages hold, paging;
 *   <li>{@link Timers}: timed work;
 *   <li>{@link Recovery}: the start from the journal.
 * </ul>
 *
 * <p>Every state change that must survive a restart is written to the journal before it
 * becomes visible: a persistent message is stored before any consumer can see it, and an
 * acknowledgement is stored before the message leaves its queue for good.
 */
public final class Broker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final String USER_ID = "JMSXUserID";
    private static final String CLOSE_CONNECTIONS =
            "close connections the application no longer uses, or raise the setting";

    private final BrokerConfig config;
    private final Timers timers;
    private final Storage storage;
    private final Destinations destinations;
    private final Subscriptions subscriptions;
    private final Redelivery redelivery;
    private final Expiry expiry;
    private final Routing routing;
    private final DuplicateIds duplicateIds;
    private final Authenticator authenticator;
    private final Authorizer authorizer;

    /** Each client ID in use, and the connection that holds it. */
    private final Map<String, BrokerConnection> clientIds = new ConcurrentHashMap<>();
    private final Set<BrokerConnection> connections = ConcurrentHashMap.newKeySet();
    /** One slot per element of {@link #connections}: taken before a connection is made. */
    private final Allowance connectionSlots = new Allowance();
    /** Open connections by the user name they were opened with (the null key: without one). */
    private final Map<String, Integer> connectionsPerUser = new HashMap<>();

    private final AtomicLong deliveryIds = new AtomicLong();
    private final XaTransactions xa;
    /** The queues in JMX, with broker setting jmx; null without. */
    private final QueueMBeans queueMBeans;
    private volatile boolean closed;
    /** Completes when {@link #close} has finished: the journal's writes are settled and its lease released. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Why the broker stopped by itself (its journal failed beyond repair), or null. */
    private volatile String stoppedBecause;

    private Broker(BrokerConfig config, Journal journal, Authenticator authenticator, Authorizer authorizer) {
        this.config = config;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.timers = new Timers(config.name());
        this.storage = new Storage(config, journal);
        this.destinations = new Destinations(config, timers, storage);
        this.subscriptions = new Subscriptions(storage, destinations);
        DeadLettering deadLettering = new DeadLettering(destinations, storage);
        this.redelivery = new Redelivery(storage, deadLettering);
        this.expiry = new Expiry(timers, storage, deadLettering);
        storage.onExpired(expiry::expired);
        this.routing = new Routing(config, timers, storage, destinations, redelivery);
        this.duplicateIds = new DuplicateIds(config, destinations.policies());
        this.xa = new XaTransactions(config.name(), timers, storage, routing, redelivery,
                config.transactionTimeoutSeconds(), authorizer, duplicateIds);
        this.queueMBeans = config.jmx() ? new QueueMBeans(config.name(), this::queuesForJmx) : null;
    }

    /** The queues and named subscriptions now, by the names JMX shows them under. */
    private Map<MessageQueue, QueueMBeans.Named> queuesForJmx() {
        Map<MessageQueue, QueueMBeans.Named> live = new HashMap<>();
        try {
            for (MessageQueue queue : destinations.queueDestinations()) {
                live.put(queue, new QueueMBeans.Named(QueueMBeans.queueName(config.name(), queue.name), queue.name));
            }
            for (Subscription subscription : subscriptions.named()) {
                live.put(subscription.queue, new QueueMBeans.Named(QueueMBeans.subscriptionName(config.name(),
                        subscription.clientId, subscription.name), subscription.topic.name));
            }
        } catch (MalformedObjectNameException e) {
            throw new java.lang.IllegalStateException("a quoted name is always well formed", e);
        }
        return live;
    }

    /** Keeps the JMX registrations up with the queues, until the broker closes. */
    private void syncMBeansEvery(long periodMillis) {
        queueMBeans.sync();
        timers.scheduleCancellable(periodMillis, () -> syncMBeansEvery(periodMillis));
    }

    /** Starts a broker: opens and replays its journal, then creates the configured destinations. */
    public static Broker start(BrokerConfig config) throws JMSException {
        Authenticator authenticator = Authenticator.start(config); // a wrong users file fails the start at once
        Authorizer authorizer = Authorizer.start(config); // and so does a wrong permissions file
        Journal journal = config.journal();
        if (journal == null) {
            try {
                journal = Journals.open(config);
            } catch (JournalException e) {
                JMSException failure = new JMSException("Broker '" + config.name() + "' cannot start: "
                        + e.getMessage());
                failure.initCause(e);
                throw failure;
            }
        }
        Broker broker = new Broker(config, journal, authenticator, authorizer);
        journal.onFailure(broker::journalFailed);
        try {
            new Recovery(config.name(), broker.storage, broker.destinations, broker.subscriptions, broker.xa,
                    broker.duplicateIds).recover();
        } catch (JMSException | RuntimeException e) {
            broker.close();
            throw e;
        }
        for (String queue : config.queues()) {
            broker.queue(DestinationName.queue(queue), true);
        }
        for (String topic : config.topics()) {
            broker.topic(DestinationName.topic(topic), true);
        }
        broker.expiry.scanEvery(config.expiryScanPeriodMillis(), broker.destinations::allQueues);
        if (broker.queueMBeans != null) {
            broker.syncMBeansEvery(QueueMBeans.PERIOD_MILLIS);
        }
        LOG.info("FerryMQ broker '{}' started", config.name());
        return broker;
    }

    /**
     * Takes the destination policies of {@code changed} (its {@code destination.*} settings, and
     * {@code maxDeliveryAttempts} and {@code deadLetterQueue}, their defaults) from now on; the
     * broker's other settings stay as it started.
     */
    public void updateDestinationPolicies(BrokerConfig changed) {
        destinations.policies().update(changed);
    }

    public String name() {
        return config.name();
    }

    /** The most messages one consumer may hold unsettled (BrokerConfig.MAX_UNACKNOWLEDGED). */
    int maxUnacknowledged() {
        return config.maxUnacknowledged();
    }

    /** The broker's settings, for the limits its connections keep. */
    BrokerConfig config() {
        return config;
    }

    /** A client's selector, parsed within this broker's maxSelectorLength and maxSelectorDepth. */
    Selector selector(String expression) throws InvalidSelectorException {
        return Selector.parse(expression, config.maxSelectorLength(), config.maxSelectorDepth());
    }

    /**
     * Refuses a message whose properties pass maxProperties or maxPropertiesSize, before
     * anything of it is stored: the message is well formed, the broker only declines to hold it.
     */
    void checkProperties(MessageData message) throws ResourceAllocationException {
        int count = message.properties().size();
        if (count > config.maxProperties()) {
            throw new ResourceAllocationException("The message has " + count + " properties, more than the "
                    + config.maxProperties() + " the broker accepts (broker setting '" + BrokerConfig.MAX_PROPERTIES
                    + "'); send fewer, or raise the setting");
        }
        if (message.propertiesSizeBound() <= config.maxPropertiesSize()) {
            return; // every send of normal properties: no string read char by char
        }
        long size = message.propertiesSize();
        if (size > config.maxPropertiesSize()) {
            throw new ResourceAllocationException("The properties of the message take " + size + " bytes, more than the "
                    + config.maxPropertiesSize() + " the broker accepts, names and values counted in UTF-8 (broker "
                    + "setting '" + BrokerConfig.MAX_PROPERTIES_SIZE + "'); send less, or raise the setting");
        }
    }

    /** Runs an expiry scan now (see {@link Expiry}); answers how many expired messages it took off their queues. */
    int scanExpired() {
        return expiry.scan(destinations.allQueues());
    }

    /** Bytes of journaled messages held in memory now, the figure {@code maxMemory} limits. */
    long memoryInUse() {
        return storage.memoryInUse();
    }

    /**
     * A new connection from a client; the client talks to it with commands. Refused with a
     * ResourceAllocationException when maxConnections are open, opened or not yet: a client
     * that never opens the connection it made holds a slot as well.
     */
    public BrokerConnection connect(ClientChannel channel) throws JMSException {
        if (closed) {
            throw new IllegalStateException(closedMessage());
        }
        if (!connectionSlots.take(config.maxConnections())) {
            throw new ResourceAllocationException("Broker '" + config.name() + "' has " + config.maxConnections()
                    + " client connections open, as many as it accepts (broker setting '"
                    + BrokerConfig.MAX_CONNECTIONS + "'); " + CLOSE_CONNECTIONS);
        }
        BrokerConnection connection = new BrokerConnection(this, channel);
        connections.add(connection);
        return connection;
    }

    boolean isClosed() {
        return closed;
    }

    /** Whether the broker takes connections: not closed, and not stopped by a failed journal. */
    public boolean isRunning() {
        return !closed;
    }

    /**
     * Runs {@code action} once the broker has stopped, closed or stopped by its journal, and has
     * let go of its journal (another broker may open it then); at once if it has already.
     */
    public void whenStopped(Runnable action) {
        stopped.thenRun(action);
    }

    /** What a client of a closed broker is told: that it was shut down, or why it stopped by itself. */
    String closedMessage() {
        String reason = stoppedBecause;
        return reason == null ? "Broker '" + config.name() + "' was shut down"
                : "Broker '" + config.name() + "' stopped because " + reason + "; restart it";
    }

    /**
     * The journal failed beyond repair (its writer died of an Error): the broker stops, as if
     * closed, without writing anything more; its clients hear why on their next call.
     */
    private void journalFailed(JournalException reason) {
        stoppedBecause = reason.getMessage();
        close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (queueMBeans != null) {
            queueMBeans.close();
        }
        for (BrokerConnection connection : List.copyOf(connections)) {
            connection.brokerClosing();
        }
        if (stoppedBecause == null) {
            settleDeliveryCounts();
        }
        timers.close();
        storage.close(); // what the journal settled on closing is still carried out
        LOG.info("FerryMQ broker '{}' stopped{}", config.name(),
                stoppedBecause == null ? "" : " because " + stoppedBecause);
        stopped.complete(null);
    }

    private void settleDeliveryCounts() {
        List<MessageQueue> durable = destinations.durableQueues();
        durable.addAll(subscriptions.durableQueues());
        List<JournalRecord> records = new ArrayList<>();
        durable.forEach(q -> records.addAll(q.settleDeliveryCounts()));
        try {
            storage.persist(records);
        } catch (JMSException e) {
            LOG.warn("Broker '{}' could not settle delivery counts on shutdown; some messages will come back "
                    + "flagged as redelivered: {}", config.name(), e.getMessage());
        }
    }

    // ---- security and client IDs ----

    /**
     * Lets a client in and answers who it is, or refuses it (see {@link Authenticator});
     * {@code address} is where it connects from.
     */
    Identity authenticate(String user, String password, String address) throws JMSSecurityException {
        return authenticator.authenticate(user, password, address);
    }

    /** Who a client is that proved a certificate naming {@code subject} over mutual TLS. */
    Identity certified(String subject) {
        return authenticator.certified(subject);
    }

    /**
     * Refuses {@code operation} on {@code destination} unless {@code who} may do it, and, when
     * the destination does not exist yet and the call would create it, unless {@code who} may
     * also createDestination there. A null {@code operation} checks the creation only.
     * Temporary destinations are not subject to permissions: only their connection may consume
     * from them (see {@link BrokerConnection}), anyone may send to them (the reply pattern).
     */
    void authorize(Identity who, Operation operation, DestinationName destination) throws JMSSecurityException {
        if (!authorizer.restricts() || destination.kind().isTemporary()) {
            return; // without a permissions file every send pays nothing here
        }
        String kind = destination.kind().isQueue() ? "queue" : "topic";
        if (operation != null) {
            authorizer.check(who, operation, kind, destination.name());
        }
        if (config.autoCreateDestinations() && !exists(destination)) {
            authorizer.check(who, Operation.CREATE_DESTINATION, kind, destination.name());
        }
    }

    /** Whether the queue or topic {@code destination} exists now. */
    boolean exists(DestinationName destination) {
        return destinations.exists(destination);
    }

    /** Whether a permissions file restricts what users may do (without one, nothing needs checking). */
    boolean restrictsUsers() {
        return authorizer.restricts();
    }

    /** Refuses {@code operation} on the topic {@code topic} unless {@code who} may do it. */
    void authorizeOnTopic(Identity who, Operation operation, String topic) throws JMSSecurityException {
        authorizer.check(who, operation, "topic", topic);
    }

    /** The named subscription {@code name} of {@code clientId}, or null. */
    Subscription existingSubscription(String clientId, String name) {
        return subscriptions.existing(clientId, name);
    }

    /**
     * Counts a connection opened by {@code user} (null: without a user name; all those count
     * together), or refuses it with a ResourceAllocationException if maxConnectionsPerUser of
     * that user are open. {@link #userDisconnected} gives the slot back.
     */
    void userConnected(String user) throws ResourceAllocationException {
        synchronized (connectionsPerUser) {
            int open = connectionsPerUser.getOrDefault(user, 0);
            if (open >= config.maxConnectionsPerUser()) {
                throw new ResourceAllocationException((user == null ? "Connections without a user name have "
                        : "User '" + user + "' has ") + open + " connections open to broker '" + config.name()
                        + "', as many as it accepts of one user (broker setting '"
                        + BrokerConfig.MAX_CONNECTIONS_PER_USER + "'); " + CLOSE_CONNECTIONS);
            }
            connectionsPerUser.put(user, open + 1);
        }
    }

    void userDisconnected(String user) {
        synchronized (connectionsPerUser) {
            connectionsPerUser.computeIfPresent(user, (u, open) -> open == 1 ? null : open - 1);
        }
    }

    void claimClientId(String clientId, BrokerConnection connection) throws InvalidClientIDException {
        if (clientId == null || clientId.isEmpty()) {
            throw new InvalidClientIDException("A client ID must not be null or empty");
        }
        if (clientIds.putIfAbsent(clientId, connection) != null) {
            throw new InvalidClientIDException("Client ID '" + clientId
                    + "' is already in use by another connection; close it first or choose another ID");
        }
    }

    /** The open connection that holds {@code clientId}, or null. */
    BrokerConnection holderOf(String clientId) {
        return clientIds.get(clientId);
    }

    /** Frees {@code clientId} if {@code connection} holds it (a connection taken over no longer does). */
    void releaseClientId(String clientId, BrokerConnection connection) {
        if (clientId != null) {
            clientIds.remove(clientId, connection);
        }
    }

    void disconnected(BrokerConnection connection) {
        if (connections.remove(connection)) {
            connectionSlots.giveBack();
        }
    }

    // ---- destinations and subscriptions, for connections and sessions ----

    MessageQueue queue(DestinationName name, boolean create) throws JMSException {
        return destinations.queue(name, create);
    }

    BrokerTopic topic(DestinationName name, boolean create) throws JMSException {
        return destinations.topic(name, create);
    }

    void checkDestination(DestinationName name) throws JMSException {
        destinations.checkDestination(name);
    }

    DestinationName createTemporary(DestinationName.Kind kind, BrokerConnection owner) {
        return destinations.createTemporary(kind, owner);
    }

    void deleteTemporary(DestinationName destination, BrokerConnection requester) throws JMSException {
        destinations.deleteTemporary(destination, requester);
        duplicateIds.forget(destination);
    }

    boolean mayConsume(DestinationName destination, BrokerConnection connection) {
        return destinations.mayConsume(destination, connection);
    }

    Subscription privateSubscription(BrokerTopic topic, Selector selector, boolean noLocal, BrokerConnection owner) {
        return subscriptions.privateSubscription(topic, selector, noLocal, owner.id, owner.clientId());
    }

    Subscription namedSubscription(BrokerTopic topic, String clientId, String name, Selector selector,
            boolean noLocal, boolean durable, boolean shared, BrokerConnection owner) throws JMSException {
        return subscriptions.namedSubscription(topic, clientId, name, selector, noLocal, durable, shared, owner.id);
    }

    void consumerClosed(Subscription subscription) {
        subscriptions.consumerClosed(subscription);
    }

    void unsubscribe(String clientId, String name, Set<MessageQueue> pendingInSession) throws JMSException {
        subscriptions.unsubscribe(clientId, name, pendingInSession);
    }

    // ---- sends, acknowledgements, returns and XA, for sessions ----

    /** Wraps a sent message for the broker; a large one keeps the number its body's chunks are stored under. */
    ServerMessage accept(MessageData data, BrokerConnection sender) {
        long number = data.body() instanceof LargeBody large ? large.bodyId() : storage.nextNumber();
        return new ServerMessage(number, data, sender.id, sender.clientId());
    }

    /** Where large bodies are stored and read: the broker's storage. */
    Storage storage() {
        return storage;
    }

    /**
     * {@code data} as the broker takes it from {@code user}: with stampUserId, its JMSXUserID
     * is the sending user's (none for a connection without a user name), whatever the sender set.
     */
    MessageData stamped(MessageData data, String user) {
        if (!config.stampUserId() || Objects.equals(data.properties().get(USER_ID), user)) {
            return data;
        }
        Map<String, Object> properties = new LinkedHashMap<>(data.properties());
        if (user == null) {
            properties.remove(USER_ID);
        } else {
            properties.put(USER_ID, user);
        }
        return data.toBuilder().properties(properties).build();
    }

    /**
     * The entries a sent message produces, within the limits of memory-only messages (see
     * {@link Routing#routeWithinLimits}); null when {@code mayWait} is false and it would wait for room.
     */
    List<QueueEntry> route(ServerMessage message, List<JournalRecord> records, boolean mayWait) throws JMSException {
        return routing.routeWithinLimits(message, records, mayWait);
    }

    /** Journals sends and acknowledgements in one batch, then makes them visible (see {@link Routing#store}). */
    void store(List<JournalRecord> records, List<QueueEntry> routed, List<QueueEntry> acked) throws JMSException {
        routing.store(records, routed, acked);
    }

    /**
     * As {@link #store(List, List, List)}, settling the duplicate-ID {@code claims} of the stored
     * sends with it: accepted once stored, released if not. While the outcome is unknown they
     * stay held, and are settled when the write does (see {@link Routing#store(List, List, List,
     * Consumer)}).
     */
    void store(List<JournalRecord> records, List<QueueEntry> routed, List<QueueEntry> acked,
            List<DuplicateIds.Claim> claims) throws JMSException {
        try {
            routing.store(records, routed, acked, stored -> claims.forEach(claim -> claim.settled(stored)));
        } catch (OutcomeUnknownException e) {
            throw e;
        } catch (JMSException | RuntimeException e) {
            claims.forEach(DuplicateIds.Claim::released);
            throw e;
        }
        claims.forEach(DuplicateIds.Claim::accepted);
    }

    /** Duplicate detection. */
    DuplicateIds duplicateIds() {
        return duplicateIds;
    }

    /** Journals the removal of acknowledged entries without waiting (see {@link Routing#acknowledgeAsync}). */
    void acknowledgeAsync(List<QueueEntry> acked, Consumer<JMSException> settled) {
        routing.acknowledgeAsync(acked, settled);
    }

    /** Gives dispatched entries back to their queues (see {@link Redelivery#giveBack}). */
    void giveBack(List<QueueEntry> seen, List<QueueEntry> unseen) {
        redelivery.giveBack(seen, unseen);
    }

    XaTransactions xa() {
        return xa;
    }

    /** How many sends to {@code destination} were dropped as duplicates (the statistics issue will show it). */
    long duplicatesDropped(DestinationName destination) {
        return duplicateIds.dropped(destination);
    }

    long nextDeliveryId() {
        return deliveryIds.incrementAndGet();
    }
}
