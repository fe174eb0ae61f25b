package org.ferrymq.broker;

import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.selector.Selector;

/**
 * The topic subscriptions: private ones, one per topic consumer, and named ones (durable,
 * shared, or both), found by client ID and name. Each is a queue bound to its topic.
 *
 * <p>No lock is held while waiting for the journal. A named subscription whose creation or
 * removal is being written is known by key in {@link #subscriptionChanges} until the write
 * settles: a call for the same subscription waits for it, then looks again; calls for others go
 * on. The named subscriptions are guarded by this object's monitor.
 */
final class Subscriptions {

    private final Storage storage;
    private final Destinations destinations;
    /** Durable and shared subscriptions by {@link #subscriptionKey}; guarded by this object's monitor. */
    private final Map<String, Subscription> namedSubscriptions = new HashMap<>();
    /** Named subscriptions whose creation or removal is being journaled, by key. */
    private final Map<String, CompletableFuture<Void>> subscriptionChanges = new ConcurrentHashMap<>();

    Subscriptions(Storage storage, Destinations destinations) {
        this.storage = storage;
        this.destinations = destinations;
    }

    private static String subscriptionKey(String clientId, String name) {
        return (clientId == null ? "" : clientId) + '\u0000' + name;
    }

    /** A private, non-durable subscription for one topic consumer of connection {@code ownerConnectionId}. */
    Subscription privateSubscription(BrokerTopic topic, Selector selector, boolean noLocal, String ownerConnectionId,
            String ownerClientId) {
        MessageQueue queue = destinations.newQueue("private:" + topic.name + ":" + destinations.nextTemporaryNumber(),
                topic.name, MessageQueue.NOT_JOURNALED);
        Subscription subscription = new Subscription(queue, topic, ownerClientId, null, selector, noLocal,
                false, false, ownerConnectionId);
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
            boolean noLocal, boolean durable, boolean shared, String ownerConnectionId) throws JMSException {
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
                    MessageQueue queue = destinations.newQueue(subscriptionQueueName(clientId, name), topic.name, id);
                    made = new Subscription(queue, topic, clientId, name, selector, noLocal, durable, shared,
                            ownerConnectionId);
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
                    .thenCompose(ok -> storage.journal().append(List.of(new JournalRecord.SubscriptionCreated(
                            created.queue.id, clientId, name, topic.name, selectorText, noLocal, shared))));
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
        String problem = Storage.unstorable(name);
        if (problem != null) {
            throw new JMSException("Durable subscription name '" + Storage.shown(name) + "' " + problem
                    + "; choose another name");
        }
        problem = clientId == null ? null : Storage.unstorable(clientId);
        if (problem != null) {
            throw new JMSException("Client ID '" + Storage.shown(clientId) + "' " + problem
                    + ", so its durable subscriptions cannot be kept; choose another client ID");
        }
    }

    /** The named subscription {@code name} of {@code clientId}, or null. */
    synchronized Subscription existing(String clientId, String name) {
        return namedSubscriptions.get(subscriptionKey(clientId, name));
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
            settle(key, change,
                    storage.journal().append(List.of(new JournalRecord.SubscriptionDeleted(subscription.queue.id))),
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

    static String forClient(String clientId) {
        return clientId == null ? "" : " for client ID '" + clientId + "'";
    }

    /** The queues of the durable subscriptions. */
    /** The durable and shared subscriptions. */
    synchronized List<Subscription> named() {
        return new ArrayList<>(namedSubscriptions.values());
    }

    synchronized List<MessageQueue> durableQueues() {
        List<MessageQueue> durable = new ArrayList<>();
        namedSubscriptions.values().stream().filter(s -> s.durable).forEach(s -> durable.add(s.queue));
        return durable;
    }

    /** A durable subscription the journal holds, bound to its topic again; answers its queue. */
    synchronized MessageQueue recovered(JournalRecord.SubscriptionCreated s, BrokerTopic topic, Selector selector,
            String unreadableSelector) {
        MessageQueue queue = destinations.newQueue(subscriptionQueueName(s.clientId(), s.name()), topic.name,
                s.queueId());
        Subscription subscription = Subscription.recovered(queue, topic, s.clientId(), s.name(), selector,
                unreadableSelector, s.noLocal(), s.shared());
        topic.subscriptions.add(subscription);
        namedSubscriptions.put(subscriptionKey(s.clientId(), s.name()), subscription);
        return queue;
    }
}
