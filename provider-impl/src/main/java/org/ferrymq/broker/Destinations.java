package org.ferrymq.broker;

import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.protocol.DestinationName;

/**
 * The broker's queues and topics by name: those declared or created on first use, journaled
 * before they appear, and the temporary ones, which live only as long as their connection.
 *
 * <p>No lock is held while waiting for the journal. A destination whose creation record is
 * being written is known by name in {@link #queueCreations} or {@link #topicCreations} until
 * the write settles: a call for the same name waits for that write, calls for other names and
 * sends to existing destinations go on.
 */
final class Destinations {

    private final BrokerConfig config;
    private final Timers timers;
    private final Storage storage;
    private final Policies policies;
    private final Map<DestinationName, MessageQueue> queues = new ConcurrentHashMap<>();
    private final Map<DestinationName, BrokerTopic> topics = new ConcurrentHashMap<>();
    /** Queues and topics whose creation record is being written: they join {@link #queues} or {@link #topics} when it is. */
    private final Map<DestinationName, CompletableFuture<MessageQueue>> queueCreations = new ConcurrentHashMap<>();
    private final Map<DestinationName, CompletableFuture<BrokerTopic>> topicCreations = new ConcurrentHashMap<>();
    private final AtomicLong temporaryNames = new AtomicLong();

    Destinations(BrokerConfig config, Timers timers, Storage storage) {
        this.config = config;
        this.timers = timers;
        this.storage = storage;
        this.policies = new Policies(config);
    }

    /** A new queue {@code name}, whose policy is that of {@code destination}; {@code id} as in {@link MessageQueue#id}. */
    MessageQueue newQueue(String name, String destination, long id) {
        return new MessageQueue(timers, storage, policies, name, destination, id);
    }

    /** The destination policies, replaced as a whole when a server's settings change. */
    Policies policies() {
        return policies;
    }

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
                    () -> newQueue(name.name(), name.name(), id));
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
        String problem = Storage.unstorable(name.name());
        if (problem != null) {
            throw new InvalidDestinationException((name.kind().isQueue() ? "Queue" : "Topic") + " name '"
                    + Storage.shown(name.name()) + "' " + problem + "; choose another name");
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
            queues.put(destination, newQueue(name, name, MessageQueue.NOT_JOURNALED));
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

    /** Whether the queue or topic {@code name} exists now. */
    boolean exists(DestinationName name) {
        return name.kind().isQueue() ? queues.containsKey(name) : topics.containsKey(name);
    }

    /** The queue {@code name} if it exists, or null; none is created. */
    MessageQueue existingQueue(DestinationName name) {
        return queues.get(name);
    }

    /** A number for the name of a temporary destination or a private subscription's queue. */
    long nextTemporaryNumber() {
        return temporaryNames.incrementAndGet();
    }

    /** Every queue: the queues, temporary ones included, and the queues of every topic's subscriptions. */
    /** The queue destinations, temporary ones included (not the subscriptions' queues). */
    List<MessageQueue> queueDestinations() {
        return new ArrayList<>(queues.values());
    }

    List<MessageQueue> allQueues() {
        List<MessageQueue> all = new ArrayList<>(queues.values());
        for (BrokerTopic topic : topics.values()) {
            topic.subscriptions.forEach(subscription -> all.add(subscription.queue));
        }
        return all;
    }

    /** The queues (not subscriptions) whose references to persistent messages are journaled. */
    List<MessageQueue> durableQueues() {
        List<MessageQueue> durable = new ArrayList<>();
        queues.values().stream().filter(q -> q.durable).forEach(durable::add);
        return durable;
    }

    // ---- recovery ----

    /** A queue the journal holds, as the broker had it before it stopped. */
    MessageQueue recoveredQueue(String name, long id) {
        MessageQueue queue = newQueue(name, name, id);
        queues.put(DestinationName.queue(name), queue);
        return queue;
    }

    /** A topic the journal holds. */
    void recoveredTopic(String name) {
        topics.put(DestinationName.topic(name), new BrokerTopic(name, null));
    }

    /** The topic of a subscription the journal holds, made if the topic itself was not read before it. */
    BrokerTopic recoveredTopicOf(String name) {
        return topics.computeIfAbsent(DestinationName.topic(name), n -> new BrokerTopic(name, null));
    }
}
