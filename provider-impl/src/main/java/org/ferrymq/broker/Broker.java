package org.ferrymq.broker;

import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private final Journal journal;
    /**
     * Runs timed work that never waits for the journal: delayed deliveries above all. Timed work
     * that may wait for it (an XA branch's timeout) is only handed over here to {@link #journalWork},
     * so a database outage cannot hold up unrelated timers.
     */
    private final ScheduledThreadPoolExecutor scheduler;
    /** Runs timed work that may wait for the journal, each task on a thread of its own. */
    private final ExecutorService journalWork;
    /** Reads pages back from the journal, so no dispatching thread waits for the database. */
    private final ExecutorService pager;
    /**
     * Carries out what follows a journal write that settled after its caller gave up on it, in
     * the order the writes settle; never on the journal's own thread, which must not wait for itself.
     */
    private final ExecutorService lateWrites;
    /** Bytes of journaled messages held in memory, against {@link BrokerConfig#maxMemory()}. */
    private final AtomicLong memoryInUse = new AtomicLong();

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

    private final AtomicLong messageNumbers = new AtomicLong();
    private final AtomicLong deliveryIds = new AtomicLong();
    private final AtomicLong temporaryNames = new AtomicLong();
    private final XaTransactions xa;
    private volatile boolean closed;
    /** Completes when {@link #close} has finished: the journal's writes are settled and its lease released. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Why the broker stopped by itself (its journal failed beyond repair), or null. */
    private volatile String stoppedBecause;

    private Broker(BrokerConfig config, Journal journal) {
        this.config = config;
        this.journal = journal;
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon(config.name() + "-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.pager = Executors.newSingleThreadExecutor(daemon(config.name() + "-pager"));
        this.journalWork = Executors.newCachedThreadPool(daemon(config.name() + "-journal-work"));
        this.lateWrites = Executors.newSingleThreadExecutor(daemon(config.name() + "-late-writes"));
        this.xa = new XaTransactions(this, config.transactionTimeoutSeconds());
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, "ferrymq-" + name);
            t.setDaemon(true);
            return t;
        };
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
        for (BrokerConnection connection : List.copyOf(connections)) {
            connection.brokerClosing();
        }
        if (stoppedBecause == null) {
            settleDeliveryCounts();
        }
        scheduler.shutdownNow();
        pager.shutdownNow();
        journalWork.shutdownNow();
        journal.close();
        lateWrites.shutdown(); // what the journal settled on closing is still carried out
        LOG.info("FerryMQ broker '{}' stopped{}", config.name(),
                stoppedBecause == null ? "" : " because " + stoppedBecause);
        stopped.complete(null);
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
            persist(records);
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

    /** The open connection that holds {@code clientId}, or null. */
    BrokerConnection holderOf(String clientId) {
        for (BrokerConnection connection : connections) {
            if (clientId.equals(connection.clientId())) {
                return connection;
            }
        }
        return null;
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
            long id = nextNumber();
            return new Creation<>(new JournalRecord.DestinationCreated(id, "queue", name.name()),
                    () -> new MessageQueue(this, name.name(), id));
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
            journal.append(List.of(c.record())).whenComplete((ok, failure) -> {
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
        await(underWay.thenAccept(made -> { }));
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
            queues.put(destination, new MessageQueue(this, name, MessageQueue.NOT_JOURNALED));
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
        MessageQueue queue = new MessageQueue(this, "private:" + topic.name + ":" + temporaryNames.incrementAndGet(),
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
                    long id = durable ? nextNumber() : MessageQueue.NOT_JOURNALED;
                    MessageQueue queue = new MessageQueue(this, subscriptionQueueName(clientId, name), id);
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
                    : journal.append(List.of(new JournalRecord.SubscriptionDeleted(replaced.queue.id))))
                    .thenCompose(ok -> journal.append(List.of(new JournalRecord.SubscriptionCreated(created.queue.id,
                            clientId, name, topic.name, selectorText, noLocal, shared))));
            settle(key, change, written, () -> {
                namedSubscriptions.put(key, created);
                topic.subscriptions.add(created);
            });
            await(change);
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
        await(change.exceptionally(failure -> null));
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
            settle(key, change, journal.append(List.of(new JournalRecord.SubscriptionDeleted(subscription.queue.id))),
                    () -> { });
            await(change);
            return;
        }
    }

    /** Takes a named subscription out of routing and lookup, and empties its queue; the journal is the caller's. */
    private void forget(Subscription subscription) {
        namedSubscriptions.remove(subscriptionKey(subscription.clientId, subscription.name));
        subscription.topic.subscriptions.remove(subscription);
        removed(subscription.queue.delete());
    }

    private static String forClient(String clientId) {
        return clientId == null ? "" : " for client ID '" + clientId + "'";
    }

    // ---- routing ----

    /** Wraps a sent message for the broker. */
    ServerMessage accept(MessageData data, BrokerConnection sender) {
        return new ServerMessage(nextNumber(), data, sender.id, sender.clientId());
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
            removal(entry, records);
        }
        CompletableFuture<Void> written = append(records);
        try {
            await(written);
        } catch (OutcomeUnknownException e) {
            afterSettled(written, failure -> {
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
        removed(acked);
        for (QueueEntry entry : routed) {
            entry.queue.enqueue(entry);
        }
    }

    /** A store failed: the routed entries never join their queues, the acknowledged ones are delivered again. */
    private void undone(List<QueueEntry> routed, List<QueueEntry> acked) {
        routed.forEach(entry -> entry.queue.abandon(entry));
        giveBack(acked, List.of());
    }

    /**
     * Runs {@code then} once a journal write a caller gave up on settles, with its failure
     * (null once stored), on the broker's own thread for late writes, in settling order.
     */
    void afterSettled(CompletableFuture<Void> written, Consumer<Throwable> then) {
        written.whenCompleteAsync((ok, failure) -> {
            Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
            try {
                then.accept(cause);
            } catch (RuntimeException e) {
                LOG.error("Broker '{}' could not settle a late journal write", config.name(), e);
            }
        }, lateWrites);
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
            removal(entry, records);
        }
        if (records.isEmpty()) { // nothing journaled: settled at once
            removed(acked);
            settled.accept(null);
            return;
        }
        CompletableFuture<JMSException> outcome = new CompletableFuture<>();
        outcome.thenAccept(settled);
        long timeout = config.journalTimeoutMillis();
        outcome.completeOnTimeout(new JMSException("The journal of broker '" + config.name() + "' did not store "
                + "an acknowledgement within " + timeout + " ms (setting " + BrokerConfig.JOURNAL_TIMEOUT + "); "
                + "its database may be down or overloaded"), timeout, TimeUnit.MILLISECONDS);
        append(records).whenComplete((ok, failure) -> {
            if (failure == null) {
                removed(acked);
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
            if (scheduleJournalWork(0, () -> {
                giveBack(acked, List.of());
                outcome.complete(reported);
            }) == null) {
                outcome.complete(reported); // the broker is closing: nothing left to give back to
            }
        });
    }

    /**
     * Gives dispatched entries back to their queues, one batch per queue so each keeps its
     * order: {@code seen} ones count as delivered, {@code unseen} ones were only prefetched.
     */
    void giveBack(List<QueueEntry> seen, List<QueueEntry> unseen) {
        if (seen.isEmpty() && unseen.isEmpty()) {
            return;
        }
        Map<MessageQueue, List<QueueEntry>> byQueue = new HashMap<>();
        for (QueueEntry entry : seen) {
            byQueue.computeIfAbsent(entry.queue, q -> new ArrayList<>()).add(entry);
        }
        for (QueueEntry entry : unseen) {
            byQueue.computeIfAbsent(entry.queue, q -> new ArrayList<>()).add(entry);
        }
        Set<QueueEntry> unseenSet = unseen.isEmpty() ? Set.of() : new HashSet<>(unseen);
        List<QueueEntry> exhausted = new ArrayList<>();
        byQueue.forEach((queue, list) -> exhausted.addAll(queue.release(list, unseenSet)));
        if (!exhausted.isEmpty()) {
            deadLetter(exhausted);
        }
    }

    /** Records that an entry leaves its queue for good (acknowledged, expired or discarded). */
    void removal(QueueEntry entry, List<JournalRecord> records) {
        if (entry.journaled() && !entry.queue.isDeleted()) {
            records.add(new JournalRecord.ReferenceRemoved(entry.queue.id, entry.sequence, entry.message));
        }
    }

    /** Entries whose removal is stored: their memory is free. */
    void removed(List<QueueEntry> entries) {
        for (QueueEntry entry : entries) {
            if (entry.journaled()) {
                memoryInUse.addAndGet(-entry.message.size);
            }
        }
    }

    /** An expired entry found while dispatching: it is dropped without delivery. */
    void discard(QueueEntry entry) {
        List<JournalRecord> records = new ArrayList<>(1);
        removal(entry, records);
        removed(List.of(entry));
        if (!records.isEmpty()) {
            journal.append(records).exceptionally(e -> {
                LOG.warn("Could not record the expiry of message {} on '{}': {}", entry.message.messageId(),
                        entry.queue.name, e.toString());
                return null;
            });
        }
    }

    void memoryAcquired(QueueEntry entry) {
        memoryInUse.addAndGet(entry.message.size);
    }

    boolean memoryFull() {
        return memoryInUse.get() > config.maxMemory();
    }

    /** Bytes of journaled messages held in memory now, the figure {@code maxMemory} limits. */
    long memoryInUse() {
        return memoryInUse.get();
    }

    Journal journal() {
        return journal;
    }

    void readPageLater(MessageQueue queue) {
        try {
            pager.execute(queue::readPage);
        } catch (RejectedExecutionException e) {
            // the broker is closing
        }
    }

    /**
     * Whether an entry that came back from a consumer has had all the delivery attempts it may
     * have: deliveries, and bodies receiveBody refused.
     */
    boolean deliveryAttemptsUsedUp(QueueEntry entry) {
        int max = config.maxDeliveryAttempts();
        return max > 0 && entry.deliveryCount + entry.refusedAttempts >= max
                && entry.queue != queues.get(DestinationName.queue(config.deadLetterQueue()));
    }

    /**
     * Moves entries that used up their delivery attempts to the dead-letter queue, so a
     * message that always makes its consumer fail stops being redelivered without being lost.
     */
    void deadLetter(List<QueueEntry> exhausted) {
        MessageQueue dlq;
        try {
            dlq = queue(DestinationName.queue(config.deadLetterQueue()), true);
        } catch (JMSException e) {
            LOG.error("Cannot create the dead-letter queue '{}'; {} message(s) go back to their queues: {}",
                    config.deadLetterQueue(), exhausted.size(), e.getMessage());
            exhausted.forEach(entry -> entry.queue.enqueueNow(List.of(entry)));
            return;
        }
        List<JournalRecord> records = new ArrayList<>();
        List<QueueEntry> moved = new ArrayList<>(exhausted.size());
        for (QueueEntry entry : exhausted) {
            QueueEntry dead = dlq.newEntry(entry.message);
            if (entry.journaled()) {
                records.add(new JournalRecord.ReferenceMoved(entry.queue.id, entry.sequence, dlq.id, dead.sequence));
            } else if (dead.journaled()) { // a persistent message from a non-durable subscription: stored only now
                entry.message.references(1);
                records.add(new JournalRecord.MessageStored(entry.message));
                records.add(new JournalRecord.ReferenceAdded(dlq.id, dead.sequence, entry.message.messageNo, 0,
                        dead.delayedUntil));
            }
            moved.add(dead);
            if (entry.refusedAttempts == 0) {
                LOG.warn("Message {} on '{}' was delivered {} times without being acknowledged; moved to '{}'",
                        entry.message.messageId(), entry.queue.name, entry.deliveryCount, dlq.name);
            } else {
                LOG.warn("Message {} on '{}' was delivered {} times and its body refused by receiveBody {} times "
                        + "(not of the type asked for) without being acknowledged; moved to '{}'",
                        entry.message.messageId(), entry.queue.name, entry.deliveryCount, entry.refusedAttempts,
                        dlq.name);
            }
        }
        try {
            persist(records);
        } catch (JMSException e) {
            LOG.error("Could not record the move of {} message(s) to '{}'; they stay where they were: {}",
                    exhausted.size(), dlq.name, e.getMessage());
            moved.forEach(dlq::abandon);
            exhausted.forEach(entry -> entry.queue.enqueueNow(List.of(entry)));
            return;
        }
        removed(exhausted);
        moved.forEach(dlq::enqueue);
    }

    /** Writes a batch to the journal and waits until it is durable. */
    void persist(List<JournalRecord> records) throws JMSException {
        if (!records.isEmpty()) {
            await(journal.append(records));
        }
    }

    /** Appends a batch (none when it is empty) without waiting. */
    CompletableFuture<Void> append(List<JournalRecord> records) {
        return records.isEmpty() ? CompletableFuture.completedFuture(null) : journal.append(records);
    }

    /**
     * Waits for a journal write, at most the journal timeout: a sender hears of a database
     * outage as a JMSException, not as a hang. A write still unfinished by then, or one whose
     * commit the database failed to confirm, may still be stored: that is an
     * {@link OutcomeUnknownException}, never a plain failure.
     */
    void await(CompletableFuture<Void> written) throws JMSException {
        long timeout = config.journalTimeoutMillis();
        try {
            written.get(timeout, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutcomeUnknownException("Interrupted while waiting for the journal of broker '" + config.name()
                    + "'; the change may still be stored", e);
        } catch (TimeoutException e) {
            throw new OutcomeUnknownException("The journal of broker '" + config.name() + "' did not confirm the "
                    + "change within " + timeout + " ms (setting " + BrokerConfig.JOURNAL_TIMEOUT + "); its database "
                    + "may be down, overloaded or waiting for a lock. The change is not applied yet, but its outcome "
                    + "is unknown: it may still be stored", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JournalOutcomeUnknownException) {
                throw new OutcomeUnknownException("The journal of broker '" + config.name() + "' cannot tell whether "
                        + "the change was stored: " + cause.getMessage(), cause);
            }
            JMSException failure = new JMSException("The journal of broker '" + config.name()
                    + "' could not store the change: " + cause.getMessage());
            failure.initCause(cause);
            throw failure;
        }
    }

    XaTransactions xa() {
        return xa;
    }

    /** A new message number, XA branch number or queue id, unique in the journal. */
    long nextNumber() {
        return messageNumbers.incrementAndGet();
    }

    /** Runs a task after a delay unless cancelled first; nothing runs once the broker is closed. */
    ScheduledFuture<?> scheduleCancellable(long delayMillis, Runnable task) {
        try {
            return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the broker is closing
        }
    }

    /**
     * As {@link #scheduleCancellable}, for a task that may wait for the journal: when due, the
     * scheduler only hands it over to a thread of its own, and runs the next timer at once.
     */
    ScheduledFuture<?> scheduleJournalWork(long delayMillis, Runnable task) {
        return scheduleCancellable(delayMillis, () -> {
            try {
                journalWork.execute(task);
            } catch (RejectedExecutionException e) {
                // the broker is closing
            }
        });
    }

    /** Runs a task at a time; it must not wait for the journal (see {@link #scheduleJournalWork}). */
    void schedule(long atMillis, Runnable task) {
        long delay = Math.max(0, atMillis - System.currentTimeMillis());
        scheduler.schedule(task, delay, TimeUnit.MILLISECONDS);
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
            journal.load(new JournalReplay() {
                @Override
                public void destination(JournalRecord.DestinationCreated d) {
                    if (d.kind().equals("queue")) {
                        MessageQueue queue = new MessageQueue(Broker.this, d.name(), d.queueId());
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
                    MessageQueue queue = new MessageQueue(Broker.this, subscriptionQueueName(s.clientId(), s.name()),
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
                    messageNumbers.accumulateAndGet(number, Math::max);
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
