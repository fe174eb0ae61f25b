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
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.JournalReplay;
import org.ferrymq.api.journal.PreparedTransaction;
import org.ferrymq.journal.Journals;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
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
 */
public final class Broker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final Journal journal;
    private final ScheduledThreadPoolExecutor scheduler;
    /** Reads pages back from the journal, so no dispatching thread waits for the database. */
    private final ExecutorService pager;
    /** Bytes of journaled messages held in memory, against {@link BrokerConfig#maxMemory()}. */
    private final AtomicLong memoryInUse = new AtomicLong();

    private final Map<DestinationName, MessageQueue> queues = new ConcurrentHashMap<>();
    private final Map<DestinationName, BrokerTopic> topics = new ConcurrentHashMap<>();
    /** Durable and shared subscriptions by {@link #subscriptionKey}. */
    private final Map<String, Subscription> namedSubscriptions = new HashMap<>();
    private final Set<String> clientIds = ConcurrentHashMap.newKeySet();
    private final Set<BrokerConnection> connections = ConcurrentHashMap.newKeySet();

    private final AtomicLong messageNumbers = new AtomicLong();
    private final AtomicLong deliveryIds = new AtomicLong();
    private final AtomicLong temporaryNames = new AtomicLong();
    private final XaTransactions xa;
    private volatile boolean closed;

    private Broker(BrokerConfig config, Journal journal) {
        this.config = config;
        this.journal = journal;
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon(config.name() + "-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.pager = Executors.newSingleThreadExecutor(daemon(config.name() + "-pager"));
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

    /** A new connection from a client; the client talks to it with commands. */
    public BrokerConnection connect(ClientChannel channel) throws JMSException {
        if (closed) {
            throw new IllegalStateException("Broker '" + config.name() + "' is closed");
        }
        BrokerConnection connection = new BrokerConnection(this, channel);
        connections.add(connection);
        return connection;
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
        settleDeliveryCounts();
        scheduler.shutdownNow();
        pager.shutdownNow();
        journal.close();
        LOG.info("FerryMQ broker '{}' stopped", config.name());
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
        synchronized (this) {
            queue = queues.get(name);
            if (queue == null) {
                persist(List.of(new JournalRecord.DestinationCreated("queue", name.name())));
                queue = new MessageQueue(this, name.name(), true);
                queues.put(name, queue);
            }
            return queue;
        }
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
        synchronized (this) {
            topic = topics.get(name);
            if (topic == null) {
                persist(List.of(new JournalRecord.DestinationCreated("topic", name.name())));
                topic = new BrokerTopic(name.name(), null);
                topics.put(name, topic);
            }
            return topic;
        }
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
            queues.put(destination, new MessageQueue(this, name, false));
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
        MessageQueue queue = new MessageQueue(this, "private:" + topic.name + ":" + temporaryNames.incrementAndGet(), false);
        Subscription subscription = new Subscription(queue, topic, owner.clientId(), null, selector, noLocal,
                false, false, owner.id);
        topic.subscriptions.add(subscription);
        return subscription;
    }

    /**
     * Finds or creates a named subscription (durable, shared, or both). A durable one that
     * differs in topic, selector or noLocal and has no consumer is replaced, as the spec says.
     */
    synchronized Subscription namedSubscription(BrokerTopic topic, String clientId, String name, Selector selector,
            boolean noLocal, boolean durable, boolean shared, BrokerConnection owner) throws JMSException {
        String key = subscriptionKey(shared ? clientId : clientId, name);
        Subscription existing = namedSubscriptions.get(key);
        String selectorText = selector == null ? null : selector.expression();
        if (existing != null) {
            if (existing.durable != durable) {
                throw new JMSException("There is already a " + (existing.durable ? "durable" : "non-durable")
                        + " subscription named '" + name + "'" + forClient(clientId)
                        + "; use another name or remove it first");
            }
            if (existing.shared != shared) {
                throw new JMSException("Subscription '" + name + "'" + forClient(clientId) + " already exists as "
                        + (existing.shared ? "a shared" : "an unshared") + " subscription; it cannot also be "
                        + (shared ? "shared" : "unshared"));
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
            removeSubscription(existing);
        }
        String queueName = "sub:" + (clientId == null ? "" : clientId) + ":" + name;
        MessageQueue queue = new MessageQueue(this, queueName, durable);
        Subscription created = new Subscription(queue, topic, clientId, name, selector, noLocal, durable, shared,
                owner.id);
        if (durable) {
            persist(List.of(new JournalRecord.SubscriptionCreated(queueName, topic.name, clientId, name, selectorText,
                    noLocal, shared)));
        }
        namedSubscriptions.put(key, created);
        topic.subscriptions.add(created);
        return created;
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

    synchronized void unsubscribe(String clientId, String name, Set<MessageQueue> pendingInSession) throws JMSException {
        Subscription subscription = namedSubscriptions.get(subscriptionKey(clientId, name));
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
        removeSubscription(subscription);
    }

    private void removeSubscription(Subscription subscription) throws JMSException {
        namedSubscriptions.remove(subscriptionKey(subscription.clientId, subscription.name));
        subscription.topic.subscriptions.remove(subscription);
        removed(subscription.queue.delete());
        if (subscription.durable) {
            // the journal drops the subscription's references with it, those paged out included
            persist(List.of(new JournalRecord.SubscriptionDeleted(subscription.queue.name)));
        }
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
                    records.add(new JournalRecord.ReferenceAdded(entry.queue.name, entry.sequence, message.messageNo,
                            entry.journaledDeliveryCount, entry.delayedUntil));
                }
            }
        }
        return entries;
    }

    /**
     * Journals {@code routed} entries and the removal of {@code acked} ones in one batch, then
     * makes the change visible. If the journal fails, nothing changes: the routed entries are
     * dropped and the acknowledged ones go back for redelivery.
     */
    void store(List<JournalRecord> records, List<QueueEntry> routed, List<QueueEntry> acked) throws JMSException {
        for (QueueEntry entry : acked) {
            removal(entry, records);
        }
        CompletableFuture<Void> written = append(records);
        try {
            await(written);
        } catch (JMSException e) {
            giveBack(acked, List.of());
            written.whenComplete((ok, failure) -> {
                for (QueueEntry entry : routed) {
                    if (failure == null) {
                        entry.queue.enqueue(entry); // stored after all, only late: delivered, not lost
                    } else {
                        entry.queue.abandon(entry);
                    }
                }
            });
            throw e;
        }
        removed(acked);
        for (QueueEntry entry : routed) {
            entry.queue.enqueue(entry);
        }
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
            records.add(new JournalRecord.ReferenceRemoved(entry.queue.name, entry.sequence, entry.message));
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

    /** Whether an entry that came back from a consumer has had all the deliveries it may have. */
    boolean deliveryAttemptsUsedUp(QueueEntry entry) {
        int max = config.maxDeliveryAttempts();
        return max > 0 && entry.deliveryCount >= max && !entry.queue.name.equals(config.deadLetterQueue());
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
                records.add(new JournalRecord.ReferenceMoved(entry.queue.name, entry.sequence, dlq.name, dead.sequence));
            } else if (dead.journaled()) { // a persistent message from a non-durable subscription: stored only now
                entry.message.references(1);
                records.add(new JournalRecord.MessageStored(entry.message));
                records.add(new JournalRecord.ReferenceAdded(dlq.name, dead.sequence, entry.message.messageNo, 0,
                        dead.delayedUntil));
            }
            moved.add(dead);
            LOG.warn("Message {} on '{}' was delivered {} times without being acknowledged; moved to '{}'",
                    entry.message.messageId(), entry.queue.name, entry.deliveryCount, dlq.name);
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
     * outage as a JMSException, not as a hang.
     */
    void await(CompletableFuture<Void> written) throws JMSException {
        long timeout = config.journalTimeoutMillis();
        try {
            written.get(timeout, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("Interrupted while waiting for the journal of broker '" + config.name() + "'");
        } catch (TimeoutException e) {
            throw new JMSException("The journal of broker '" + config.name() + "' did not store the change within "
                    + timeout + " ms (setting " + BrokerConfig.JOURNAL_TIMEOUT + "); its database may be down or "
                    + "overloaded. The change was not applied here and may still reach the database.");
        } catch (ExecutionException e) {
            JMSException failure = new JMSException("The journal of broker '" + config.name()
                    + "' could not store the change: " + e.getCause().getMessage());
            failure.initCause(e.getCause());
            throw failure;
        }
    }

    XaTransactions xa() {
        return xa;
    }

    /** A new message or XA branch number, unique in the journal. */
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

    void schedule(long atMillis, Runnable task) {
        long delay = Math.max(0, atMillis - System.currentTimeMillis());
        scheduler.schedule(task, delay, TimeUnit.MILLISECONDS);
    }

    long nextDeliveryId() {
        return deliveryIds.incrementAndGet();
    }

    // ---- recovery ----

    private void recover() throws JMSException {
        Map<String, MessageQueue> durableQueues = new HashMap<>();
        Map<String, long[]> contents = new HashMap<>();
        List<PreparedTransaction> prepared = new ArrayList<>();
        try {
            journal.load(new JournalReplay() {
                @Override
                public void destination(String kind, String name) {
                    if (kind.equals("queue")) {
                        MessageQueue queue = new MessageQueue(Broker.this, name, true);
                        queues.put(DestinationName.queue(name), queue);
                        durableQueues.put(name, queue);
                    } else {
                        topics.put(DestinationName.topic(name), new BrokerTopic(name, null));
                    }
                }

                @Override
                public void subscription(JournalRecord.SubscriptionCreated s) {
                    BrokerTopic topic = topics.computeIfAbsent(DestinationName.topic(s.topic()),
                            n -> new BrokerTopic(s.topic(), null));
                    Selector selector;
                    try {
                        selector = Selector.parse(s.selector());
                    } catch (JMSException e) {
                        LOG.warn("Durable subscription '{}' has a selector that no longer parses ({}); it selects all",
                                s.name(), e.getMessage());
                        selector = null;
                    }
                    MessageQueue queue = new MessageQueue(Broker.this, s.queue(), true);
                    Subscription subscription = new Subscription(queue, topic, s.clientId(), s.name(), selector,
                            s.noLocal(), true, s.shared(), null);
                    topic.subscriptions.add(subscription);
                    namedSubscriptions.put(subscriptionKey(s.clientId(), s.name()), subscription);
                    durableQueues.put(s.queue(), queue);
                }

                @Override
                public void queue(String queue, long references, long lastSeq) {
                    contents.put(queue, new long[] {references, lastSeq});
                }

                @Override
                public void prepared(PreparedTransaction transaction) {
                    prepared.add(transaction);
                }

                @Override
                public void highestMessageNo(long messageNo) {
                    messageNumbers.accumulateAndGet(messageNo, Math::max);
                }
            });
        } catch (JournalException e) {
            JMSException failure = new JMSException("Broker '" + config.name() + "' could not read its journal: "
                    + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        contents.forEach((name, state) -> {
            MessageQueue queue = durableQueues.get(name);
            if (queue == null) {
                LOG.warn("The journal holds {} message(s) for '{}', which is neither a queue nor a durable "
                        + "subscription; they are left where they are", state[0], name);
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
