package org.ferrymq.broker;

import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalOutcomeUnknownException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.JournalReplay;
import org.ferrymq.api.journal.PreparedTransaction;
import org.ferrymq.journal.Journals;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.ferrymq.selector.Selector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker core: destinations, subscriptions, routing and the journal. Clients reach it
 * only through {@link BrokerConnection}s, one per client connection, whatever the transport.
 *
 * <p>Every state change that must survive a restart is written to the journal before it
 * becomes visible: a persistent message is stored before any consumer can see it, and an
 * acknowledgement is stored before the message leaves its queue for good.
 *
 * <p>No lock is held while waiting for the journal. A destination or named subscription whose
 * record is being written is known by name in {@link #queueCreations}, {@link #topicCreations}
 * or {@link #subscriptionChanges} until the write settles: a call for the same name waits for
 * that write, calls for other names and sends to existing destinations go on.
 */
public final class Broker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final Timers timers;
    private final Storage storage;
    private final Redelivery redelivery;

    private final Map<DestinationName, MessageQueue> queues = new ConcurrentHashMap<>();
    private final Map<DestinationName, BrokerTopic> topics = new ConcurrentHashMap<>();
    /** Queues and topics whose creation record is being written: they join {@link #queues} or {@link #topics} when it is. */
    private final Map<DestinationName, CompletableFuture<MessageQueue>> queueCreations = new ConcurrentHashMap<>();
    private final Map<DestinationName, CompletableFuture<BrokerTopic>> topicCreations = new ConcurrentHashMap<>();
    /** Durable and shared subscriptions by {@link #subscriptionKey}; guarded by this broker's monitor. */
    private final Map<String, Subscription> namedSubscriptions = new HashMap<>();
    /** Named subscriptions whose creation or removal is being journaled, by key. */
    private final Map<String, CompletableFuture<Void>> subscriptionChanges = new ConcurrentHashMap<>();
    private final Set<String> clientIds = ConcurrentHashMap.newKeySet();
    private final Set<BrokerConnection> connections = ConcurrentHashMap.newKeySet();

    private final AtomicLong deliveryIds = new AtomicLong();
    private final AtomicLong temporaryNames = new AtomicLong();
    private final XaTransactions xa;
    private volatile boolean closed;
    /** Why the broker stopped by itself (its journal failed beyond repair), or null. */
    private volatile String stoppedBecause;

    private Broker(BrokerConfig config, Journal journal) {
        this.config = config;
        this.timers = new Timers(config.name());
        this.storage = new Storage(config, journal);
        this.redelivery = new Redelivery(config, this, storage);
        this.xa = new XaTransactions(this, timers, storage, redelivery, config.transactionTimeoutSeconds());
    }

    /** Starts a broker: opens and replays its journal, then creates the configured destinations. */
    public static Broker start(BrokerConfig config) throws JMSException {
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
        Broker broker = new Broker(config, journal);
        journal.onFailure(broker::journalFailed);
        try {
            broker.recover();
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
        LOG.info("FerryMQ broker '{}' started", config.name());
        return broker;
    }

    public String name() {
        return config.name();
    }

    /** The most messages one consumer may hold unsettled (BrokerConfig.MAX_UNACKNOWLEDGED). */
    int maxUnacknowledged() {
        return config.maxUnacknowledged();
    }

    /** A new connection from a client; the client talks to it with commands. */
    public BrokerConnection connect(ClientChannel channel) throws JMSException {
        if (closed) {
            throw new IllegalStateException(closedMessage());
        }
        BrokerConnection connection = new BrokerConnection(this, channel);
        connections.add(connection);
        return connection;
    }

    boolean isClosed() {
        return closed;
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
    }

    private void settleDeliveryCounts() {
        List<MessageQueue> durable = new ArrayList<>();
        queues.values().stream().filter(q -> q.durable).forEach(durable::add);
        synchronized (this) {
            namedSubscriptions.values().stream().filter(s -> s.durable).forEach(s -> durable.add(s.queue));
        }
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

    void authenticate(String user, String password) throws JMSSecurityException {
        if (user == null) {
            if (config.requireCredentials()) {
                throw new JMSSecurityException("Broker '" + config.name()
                        + "' requires a user name and password; pass them to createConnection(user, password)");
            }
            return;
        }
        Map<String, String> users = config.users();
        if (users.isEmpty() && !config.requireCredentials()) {
            return; // no users configured: security is off
        }
        String expected = users.get(user);
        if (expected == null || !expected.equals(password == null ? "" : password)) {
            throw new JMSSecurityException("User '" + user + "' is unknown to broker '" + config.name()
                    + "' or the password is wrong");
        }
    }

    void claimClientId(String clientId) throws InvalidClientIDException {
        if (clientId == null || clientId.isEmpty()) {
            throw new InvalidClientIDException("A client ID must not be null or empty");
        }
        if (!clientIds.add(clientId)) {
            throw new InvalidClientIDException("Client ID '" + clientId
                    + "' is already in use by another connection; close it first or choose another ID");
        }
    }

    void releaseClientId(String clientId) {
        if (clientId != null) {
            clientIds.remove(clientId);
        }
    }

    void disconnected(BrokerConnection connection) {
        connections.remove(connection);
    }

    // ---- destinations ----

    MessageQueue queue(DestinationName name, boolean create) throws JMSException {
        MessageQueue queue = queues.get(name);
        if (queue != null) {
            return queue;
        }
        if (name.kind().isTemporary()) {
            throw new InvalidDestinationException("Temporary queue '" + name.name()
                    + "' does not exist: it was deleted or its connection was closed");
        }
        if (!create && !config.autoCreateDestinations()) {
            throw new InvalidDestinationException("Queue '" + name.name() + "' does not exist on broker '"
                    + config.name() + "'; declare it in the broker configuration or enable autoCreateDestinations");
        }
        refuseUnstorable(name);
        return createOnce(name, queues, queueCreations, () -> {
            long id = storage.nextNumber();
            return new Creation<>(new JournalRecord.DestinationCreated(id, "queue", name.name()),
                    () -> new MessageQueue(timers, storage, name.name(), id));
        });
    }

    BrokerTopic topic(DestinationName name, boolean create) throws JMSException {
        BrokerTopic topic = topics.get(name);
        if (topic != null) {
            return topic;
        }
        if (name.kind().isTemporary()) {
            throw new InvalidDestinationException("Temporary topic '" + name.name()
                    + "' does not exist: it was deleted or its connection was closed");
        }
        if (!create && !config.autoCreateDestinations()) {
            throw new InvalidDestinationException("Topic '" + name.name() + "' does not exist on broker '"
                    + config.name() + "'; declare it in the broker configuration or enable autoCreateDestinations");
        }
        refuseUnstorable(name);
        return createOnce(name, topics, topicCreations, () -> new Creation<>(
                new JournalRecord.DestinationCreated(0, "topic", name.name()), () -> new BrokerTopic(name.name(), null)));
    }

    /** A destination's creation record, and the destination it makes once the record is stored. */
    private record Creation<T>(JournalRecord record, Supplier<T> make) {}

    /**
     * The destination {@code name} of {@code existing}, created if it is not there yet. The
     * record is written with no lock held; a second caller for the same name waits for the first
     * one's write instead of writing again. A write that outlasts the caller's journal timeout
     * stays in {@code pending} until it settles: the destination appears if it lands, and later
     * callers wait for it meanwhile.
     */
    private <T> T createOnce(DestinationName name, Map<DestinationName, T> existing,
            Map<DestinationName, CompletableFuture<T>> pending, Supplier<Creation<T>> creation) throws JMSException {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> underWay = pending.putIfAbsent(name, mine);
        if (underWay == null) {
            T found = existing.get(name); // made by a write that settled after the caller looked
            if (found != null) {
                pending.remove(name, mine);
                return found;
            }
            Creation<T> c = creation.get();
            storage.journal().append(List.of(c.record())).whenComplete((ok, failure) -> {
                if (failure == null) {
                    T made = c.make().get();
                    existing.put(name, made); // before it leaves pending: a caller always finds one or the other
                    pending.remove(name, mine);
                    mine.complete(made);
                } else {
                    pending.remove(name, mine);
                    mine.completeExceptionally(failure);
                }
            });
            underWay = mine;
        }
        storage.await(underWay.thenAccept(made -> { }));
        return underWay.join();
    }

    private static void refuseUnstorable(DestinationName name) throws InvalidDestinationException {
        String problem = unstorable(name.name());
        if (problem != null) {
            throw new InvalidDestinationException((name.kind().isQueue() ? "Queue" : "Topic") + " name '"
                    + shown(name.name()) + "' " + problem + "; choose another name");
        }
    }

    /**
     * Why the journal cannot keep a name exactly as it is, or null when it can: too long for
     * its columns, or holding what not every database stores (PostgreSQL refuses NUL; an
     * unpaired surrogate is no character, and a driver would store it as '?').
     */
    static String unstorable(String name) {
        if (name.length() > Journal.MAX_NAME_LENGTH) {
            return "is " + name.length() + " characters long; the journal keeps names of at most "
                    + Journal.MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\u0000') {
                return "contains a NUL character (U+0000), which not every journal database can store";
            }
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate (at index " + i + "), which is not a character";
            }
        }
        return null;
    }

    /** A name for an error message: a long one cut short. */
    private static String shown(String name) {
        return name.length() <= 40 ? name : name.substring(0, 40) + "...";
    }

    void checkDestination(DestinationName name) throws JMSException {
        if (name.kind().isQueue()) {
            queue(name, false);
        } else {
            topic(name, false);
        }
    }

    DestinationName createTemporary(DestinationName.Kind kind, BrokerConnection owner) {
        String name = (kind == DestinationName.Kind.TEMP_QUEUE ? "temp-queue-" : "temp-topic-")
                + owner.id + "-" + temporaryNames.incrementAndGet();
        DestinationName destination = new DestinationName(kind, name);
        if (kind == DestinationName.Kind.TEMP_QUEUE) {
            queues.put(destination, new MessageQueue(timers, storage, name, MessageQueue.NOT_JOURNALED));
        } else {
            topics.put(destination, new BrokerTopic(name, owner));
        }
        return destination;
    }

    void deleteTemporary(DestinationName destination, BrokerConnection requester) throws JMSException {
        if (destination.kind() == DestinationName.Kind.TEMP_QUEUE) {
            MessageQueue queue = queues.get(destination);
            if (queue == null) {
                return;
            }
            if (queue.consumerCount() > 0) {
                throw new IllegalStateException("Temporary queue '" + destination.name()
                        + "' still has consumers; close them before deleting it");
            }
            queues.remove(destination);
            queue.delete();
        } else if (destination.kind() == DestinationName.Kind.TEMP_TOPIC) {
            BrokerTopic topic = topics.get(destination);
            if (topic == null) {
                return;
            }
            if (!topic.subscriptions.isEmpty()) {
                throw new IllegalStateException("Temporary topic '" + destination.name()
                        + "' still has subscribers; close them before deleting it");
            }
            topics.remove(destination);
        }
    }

    /** Whether a temporary destination belongs to {@code connection}; other destinations always do. */
    boolean mayConsume(DestinationName destination, BrokerConnection connection) {
        if (!destination.kind().isTemporary()) {
            return true;
        }
        return destination.name().startsWith((destination.kind() == DestinationName.Kind.TEMP_QUEUE
                ? "temp-queue-" : "temp-topic-") + connection.id + "-");
    }

    // ---- subscriptions ----

    private static String subscriptionKey(String clientId, String name) {
        return (clientId == null ? "" : clientId) + '\u0000' + name;
    }

    /** A private, non-durable subscription for one topic consumer. */
    Subscription privateSubscription(BrokerTopic topic, Selector selector, boolean noLocal, BrokerConnection owner) {
        MessageQueue queue = new MessageQueue(timers, storage, "private:" + topic.name + ":" + temporaryNames.incrementAndGet(),
                MessageQueue.NOT_JOURNALED);
        Subscription subscription = new Subscription(queue, topic, owner.clientId(), null, selector, noLocal,
                false, false, owner.id);
        topic.subscriptions.add(subscription);
        return subscription;
    }

    /**
     * Finds or creates a named subscription (durable, shared, or both). A durable one that
     * differs in topic, selector or noLocal and has no consumer is replaced, as the spec says.
     * The journal is written with no lock held; a call for a subscription whose change is being
     * written waits for it, then looks again.
     */
    Subscription namedSubscription(BrokerTopic topic, String clientId, String name, Selector selector,
            boolean noLocal, boolean durable, boolean shared, BrokerConnection owner) throws JMSException {
        String key = subscriptionKey(clientId, name);
        String selectorText = selector == null ? null : selector.expression();
        if (durable) {
            refuseUnstorable(clientId, name);
        }
        while (true) {
            CompletableFuture<Void> underWay;
            CompletableFuture<Void> change = null;
            Subscription existing = null;
            Subscription made = null;
            synchronized (this) {
                underWay = subscriptionChanges.get(key);
                if (underWay == null) {
                    existing = namedSubscriptions.get(key);
                    if (existing != null) {
                        if (existing.durable != durable) {
                            throw new JMSException("There is already a " + (existing.durable ? "durable" : "non-durable")
                                    + " subscription named '" + name + "'" + forClient(clientId)
                                    + "; use another name or remove it first");
                        }
                        if (existing.shared != shared) {
                            throw new JMSException("Subscription '" + name + "'" + forClient(clientId)
                                    + " already exists as " + (existing.shared ? "a shared" : "an unshared")
                                    + " subscription; it cannot also be " + (shared ? "shared" : "unshared"));
                        }
                        if (!shared && existing.queue.consumerCount() > 0) {
                            throw new IllegalStateException("Durable subscription '" + name + "'" + forClient(clientId)
                                    + " already has an active consumer; close it first or use a shared subscription");
                        }
                        if (existing.sameAs(topic, selectorText, noLocal)) {
                            return existing;
                        }
                        if (existing.queue.consumerCount() > 0) {
                            throw new JMSException("Shared subscription '" + name + "'" + forClient(clientId)
                                    + " is active with another topic or selector; close its consumers first");
                        }
                        forget(existing);
                    }
                    long id = durable ? storage.nextNumber() : MessageQueue.NOT_JOURNALED;
                    MessageQueue queue = new MessageQueue(timers, storage, subscriptionQueueName(clientId, name), id);
                    made = new Subscription(queue, topic, clientId, name, selector, noLocal, durable, shared, owner.id);
                    if (!durable) {
                        namedSubscriptions.put(key, made);
                        topic.subscriptions.add(made);
                        return made;
                    }
                    change = new CompletableFuture<>();
                    subscriptionChanges.put(key, change);
                }
            }
            if (underWay != null) {
                awaitOther(underWay);
                continue;
            }
            Subscription replaced = existing;
            Subscription created = made;
            // the old one's references go with it, those paged out included; then the new one is made
            CompletableFuture<Void> written = (replaced == null ? CompletableFuture.<Void>completedFuture(null)
                    : storage.journal().append(List.of(new JournalRecord.SubscriptionDeleted(replaced.queue.id))))
                    .thenCompose(ok -> storage.journal().append(List.of(new JournalRecord.SubscriptionCreated(created.queue.id,
                            clientId, name, topic.name, selectorText, noLocal, shared))));
            settle(key, change, written, () -> {
                namedSubscriptions.put(key, created);
                topic.subscriptions.add(created);
            });
            storage.await(change);
            return created;
        }
    }

    /**
     * When {@code written} settles: on success runs {@code apply} under the monitor, and in any
     * case ends the change of subscription {@code key}, so calls waiting for it look again.
     */
    private void settle(String key, CompletableFuture<Void> change, CompletableFuture<Void> written, Runnable apply) {
        written.whenComplete((ok, failure) -> {
            synchronized (this) {
                if (failure == null) {
                    apply.run();
                }
                subscriptionChanges.remove(key, change);
            }
            if (failure == null) {
                change.complete(null);
            } else {
                change.completeExceptionally(failure);
            }
        });
    }

    /** Waits for another call's change of a subscription to settle, however it ends (its caller hears how). */
    private void awaitOther(CompletableFuture<Void> change) throws JMSException {
        storage.await(change.exceptionally(failure -> null));
    }

    /** What a subscription's queue is called in log messages; the journal knows it by its id alone. */
    private static String subscriptionQueueName(String clientId, String name) {
        return "sub:" + (clientId == null ? "" : clientId) + ":" + name;
    }

    private static void refuseUnstorable(String clientId, String name) throws JMSException {
        String problem = unstorable(name);
        if (problem != null) {
            throw new JMSException("Durable subscription name '" + shown(name) + "' " + problem
                    + "; choose another name");
        }
        problem = clientId == null ? null : unstorable(clientId);
        if (problem != null) {
            throw new JMSException("Client ID '" + shown(clientId) + "' " + problem + ", so its durable subscriptions "
                    + "cannot be kept; choose another client ID");
        }
    }

    /** Called when a consumer of a subscription closes: non-durable ones die with their last consumer. */
    synchronized void consumerClosed(Subscription subscription) {
        if (!subscription.durable && subscription.queue.consumerCount() == 0) {
            subscription.topic.subscriptions.remove(subscription);
            if (subscription.name != null) {
                namedSubscriptions.remove(subscriptionKey(subscription.clientId, subscription.name), subscription);
            }
            subscription.queue.delete();
        }
    }

    void unsubscribe(String clientId, String name, Set<MessageQueue> pendingInSession) throws JMSException {
        String key = subscriptionKey(clientId, name);
        while (true) {
            CompletableFuture<Void> underWay;
            CompletableFuture<Void> change = null;
            Subscription subscription = null;
            synchronized (this) {
                underWay = subscriptionChanges.get(key);
                if (underWay == null) {
                    subscription = namedSubscriptions.get(key);
                    if (subscription == null || !subscription.durable) {
                        throw new InvalidDestinationException("There is no durable subscription named '" + name + "'"
                                + forClient(clientId));
                    }
                    if (subscription.queue.consumerCount() > 0) {
                        throw new IllegalStateException("Durable subscription '" + name + "'" + forClient(clientId)
                                + " has an active consumer; close the consumer before unsubscribing");
                    }
                    if (pendingInSession.contains(subscription.queue)) {
                        throw new IllegalStateException("Durable subscription '" + name + "'" + forClient(clientId)
                                + " has messages not yet acknowledged or committed in this session; finish them first");
                    }
                    forget(subscription);
                    change = new CompletableFuture<>();
                    subscriptionChanges.put(key, change);
                }
            }
            if (underWay != null) {
                awaitOther(underWay);
                continue;
            }
            // the journal drops the subscription's references with it, those paged out included
            settle(key, change, storage.journal().append(List.of(new JournalRecord.SubscriptionDeleted(subscription.queue.id))),
                    () -> { });
            storage.await(change);
            return;
        }
    }

    /** Takes a named subscription out of routing and lookup, and empties its queue; the journal is the caller's. */
    private void forget(Subscription subscription) {
        namedSubscriptions.remove(subscriptionKey(subscription.clientId, subscription.name));
        subscription.topic.subscriptions.remove(subscription);
        storage.removed(subscription.queue.delete());
    }

    private static String forClient(String clientId) {
        return clientId == null ? "" : " for client ID '" + clientId + "'";
    }

    // ---- routing ----

    /** Wraps a sent message for the broker. */
    ServerMessage accept(MessageData data, BrokerConnection sender) {
        return new ServerMessage(storage.nextNumber(), data, sender.id, sender.clientId());
    }

    /** The queues a message goes to: the queue it was sent to, or each subscription of its topic that accepts it. */
    List<MessageQueue> targets(ServerMessage message) throws JMSException {
        DestinationName destination = message.data.destination();
        if (destination.kind().isQueue()) {
            return List.of(queue(destination, false));
        }
        List<MessageQueue> targets = new ArrayList<>();
        for (Subscription subscription : topic(destination, false).subscriptions) {
            if (subscription.accepts(message)) {
                targets.add(subscription.queue);
            }
        }
        return targets;
    }

    /**
     * The queue entries a message produces: one for a queue, one per accepting subscription
     * for a topic. Journal records for the durable ones are added to {@code records}; until
     * they are stored, the caller must {@link MessageQueue#enqueue} or {@link MessageQueue#abandon}
     * every entry.
     */
    List<QueueEntry> route(ServerMessage message, List<JournalRecord> records) throws JMSException {
        return place(message, targets(message), records, true);
    }

    /**
     * Entries for a message on each of {@code targets} still there, with the records of the
     * journaled ones; {@code storeMessage} adds the message itself when any is journaled.
     */
    List<QueueEntry> place(ServerMessage message, List<MessageQueue> targets, List<JournalRecord> records,
            boolean storeMessage) {
        List<QueueEntry> entries = new ArrayList<>(targets.size());
        int references = 0;
        for (MessageQueue target : targets) {
            if (!target.isDeleted()) {
                QueueEntry entry = target.newEntry(message);
                entries.add(entry);
                if (entry.journaled()) {
                    references++;
                }
            }
        }
        if (references > 0) {
            if (storeMessage) {
                message.references(references);
                records.add(new JournalRecord.MessageStored(message));
            }
            for (QueueEntry entry : entries) {
                if (entry.journaled()) {
                    records.add(new JournalRecord.ReferenceAdded(entry.queue.id, entry.sequence, message.messageNo,
                            entry.journaledDeliveryCount, entry.delayedUntil));
                }
            }
        }
        return entries;
    }

    /**
     * Journals {@code routed} entries and the removal of {@code acked} ones in one batch, then
     * makes the change visible. If the journal fails, nothing changes: the routed entries are
     * dropped and the acknowledged ones go back for redelivery. If its outcome is unknown (see
     * {@link #store(List, List, List, Consumer)}), an {@link OutcomeUnknownException} says so.
     */
    void store(List<JournalRecord> records, List<QueueEntry> routed, List<QueueEntry> acked) throws JMSException {
        store(records, routed, acked, stored -> { });
    }

    /**
     * As {@link #store(List, List, List)}; when the journal does not confirm the write within
     * the journal timeout, or cannot tell whether it committed, the outcome is unknown: an
     * {@link OutcomeUnknownException} is thrown and the acknowledged entries are held (neither
     * available nor redelivered, locked as a prepared XA branch's are) until the write
     * settles. Stored after all, the change then takes effect, once; failed, it is undone as
     * above. {@code settled} then hears which (true: stored). If even the journal cannot tell,
     * nothing is undone and {@code settled} is not called: the held entries wait for a restart,
     * which reads the outcome from the database.
     */
    void store(List<JournalRecord> records, List<QueueEntry> routed, List<QueueEntry> acked, Consumer<Boolean> settled)
            throws JMSException {
        for (QueueEntry entry : acked) {
            storage.removal(entry, records);
        }
        CompletableFuture<Void> written = storage.append(records);
        try {
            storage.await(written);
        } catch (OutcomeUnknownException e) {
            storage.afterSettled(written, failure -> {
                if (failure == null) {
                    applied(routed, acked);
                    settled.accept(true);
                } else if (failure instanceof JournalOutcomeUnknownException) {
                    routed.forEach(entry -> entry.queue.abandon(entry)); // the journal, if anything, holds them
                    LOG.warn("Broker '{}' holds {} acknowledged message(s) and {} sent one(s) of a write whose outcome "
                            + "the journal cannot tell; restart the broker to settle them from the database",
                            config.name(), acked.size(), routed.size());
                } else {
                    undone(routed, acked);
                    settled.accept(false);
                }
            });
            throw e;
        } catch (JMSException e) {
            undone(routed, acked);
            throw e;
        }
        applied(routed, acked);
    }

    /** A store took effect: the acknowledged entries are gone, the routed ones join their queues. */
    private void applied(List<QueueEntry> routed, List<QueueEntry> acked) {
        storage.removed(acked);
        for (QueueEntry entry : routed) {
            entry.queue.enqueue(entry);
        }
    }

    /** A store failed: the routed entries never join their queues, the acknowledged ones are delivered again. */
    private void undone(List<QueueEntry> routed, List<QueueEntry> acked) {
        routed.forEach(entry -> entry.queue.abandon(entry));
        redelivery.giveBack(acked, List.of());
    }

    /**
     * Journals the removal of acknowledged entries without waiting for it (AUTO_ACKNOWLEDGE and
     * DUPS_OK_ACKNOWLEDGE). Meanwhile the entries are held: on no queue and in no session's
     * flight, so nothing delivers them again. Once the removal is stored they are gone; if it
     * fails they go back to their queues counted as delivered, to come again flagged as
     * redelivered (each was journaled as delivered before it went out). {@code settled} runs
     * exactly once: when the outcome is known, or with a failure when the journal timeout passes
     * first; the entries stay held until the write itself ends, since it may still land.
     */
    void acknowledgeAsync(List<QueueEntry> acked, Consumer<JMSException> settled) {
        List<JournalRecord> records = new ArrayList<>(acked.size());
        for (QueueEntry entry : acked) {
            storage.removal(entry, records);
        }
        if (records.isEmpty()) { // nothing journaled: settled at once
            storage.removed(acked);
            settled.accept(null);
            return;
        }
        CompletableFuture<JMSException> outcome = new CompletableFuture<>();
        outcome.thenAccept(settled);
        long timeout = config.journalTimeoutMillis();
        outcome.completeOnTimeout(new JMSException("The journal of broker '" + config.name() + "' did not store "
                + "an acknowledgement within " + timeout + " ms (setting " + BrokerConfig.JOURNAL_TIMEOUT + "); "
                + "its database may be down or overloaded"), timeout, TimeUnit.MILLISECONDS);
        storage.append(records).whenComplete((ok, failure) -> {
            if (failure == null) {
                storage.removed(acked);
                outcome.complete(null);
                return;
            }
            JMSException reported = new JMSException("The journal of broker '" + config.name()
                    + "' could not store an acknowledgement: " + failure.getMessage());
            reported.initCause(failure);
            // Also when the journal cannot tell whether the removal committed: these messages may then
            // come again, flagged, which AUTO_ACKNOWLEDGE and DUPS_OK allow after a failure, rather
            // than stay held until a restart. Not on the journal's thread: giving back may dead-letter,
            // which waits for the journal.
            if (timers.scheduleJournalWork(0, () -> {
                redelivery.giveBack(acked, List.of());
                outcome.complete(reported);
            }) == null) {
                outcome.complete(reported); // the broker is closing: nothing left to give back to
            }
        });
    }

    /** Bytes of journaled messages held in memory now, the figure {@code maxMemory} limits. */
    long memoryInUse() {
        return storage.memoryInUse();
    }

    /** Gives dispatched entries back to their queues (see {@link Redelivery#giveBack}). */
    void giveBack(List<QueueEntry> seen, List<QueueEntry> unseen) {
        redelivery.giveBack(seen, unseen);
    }

    /** The queue {@code name} if it exists, or null; none is created. */
    MessageQueue existingQueue(DestinationName name) {
        return queues.get(name);
    }

    XaTransactions xa() {
        return xa;
    }

    long nextDeliveryId() {
        return deliveryIds.incrementAndGet();
    }

    // ---- recovery ----

    private void recover() throws JMSException {
        Map<Long, MessageQueue> durableQueues = new HashMap<>();
        Map<Long, long[]> contents = new HashMap<>();
        List<PreparedTransaction> prepared = new ArrayList<>();
        try {
            storage.journal().load(new JournalReplay() {
                @Override
                public void destination(JournalRecord.DestinationCreated d) {
                    if (d.kind().equals("queue")) {
                        MessageQueue queue = new MessageQueue(timers, storage, d.name(), d.queueId());
                        queues.put(DestinationName.queue(d.name()), queue);
                        durableQueues.put(d.queueId(), queue);
                    } else {
                        topics.put(DestinationName.topic(d.name()), new BrokerTopic(d.name(), null));
                    }
                }

                @Override
                public void subscription(JournalRecord.SubscriptionCreated s) {
                    BrokerTopic topic = topics.computeIfAbsent(DestinationName.topic(s.topic()),
                            n -> new BrokerTopic(s.topic(), null));
                    Selector selector = null;
                    String unreadable = null;
                    try {
                        selector = Selector.parse(s.selector());
                    } catch (JMSException e) {
                        unreadable = s.selector();
                        LOG.error("Durable subscription '{}'{} on topic '{}' has the selector \"{}\", which no longer "
                                + "parses ({}). It keeps the messages it holds but takes no new ones until it is "
                                + "subscribed again with a valid selector (which replaces it and its messages) or "
                                + "unsubscribed", s.name(), forClient(s.clientId()), s.topic(), unreadable, e.getMessage());
                    }
                    MessageQueue queue = new MessageQueue(timers, storage, subscriptionQueueName(s.clientId(), s.name()),
                            s.queueId());
                    Subscription subscription = Subscription.recovered(queue, topic, s.clientId(), s.name(), selector,
                            unreadable, s.noLocal(), s.shared());
                    topic.subscriptions.add(subscription);
                    namedSubscriptions.put(subscriptionKey(s.clientId(), s.name()), subscription);
                    durableQueues.put(s.queueId(), queue);
                }

                @Override
                public void queue(long queueId, long references, long lastSeq) {
                    contents.put(queueId, new long[] {references, lastSeq});
                }

                @Override
                public void prepared(PreparedTransaction transaction) {
                    prepared.add(transaction);
                }

                @Override
                public void highestNumber(long number) {
                    storage.numbersAfter(number);
                }
            });
        } catch (JournalException e) {
            JMSException failure = new JMSException("Broker '" + config.name() + "' could not read its journal: "
                    + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        contents.forEach((queueId, state) -> {
            MessageQueue queue = durableQueues.get(queueId);
            if (queue == null) {
                LOG.warn("The journal holds {} message(s) for queue id {}, which is neither a queue nor a durable "
                        + "subscription; they are left where they are", state[0], queueId);
                return;
            }
            queue.recovered(state[0], state[1]);
        });
        // locks first: a page read must not deliver what a prepared branch acknowledged
        prepared.forEach(tx -> xa.recovered(tx, durableQueues::get));
        contents.keySet().stream().map(durableQueues::get).filter(q -> q != null)
                .forEach(MessageQueue::readPage); // the first page at once: the queue is ready when start returns
    }
}
