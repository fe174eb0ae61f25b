package org.ferrymq.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.selector.Selector;

/**
 * The messages waiting for one queue or one topic subscription, and the consumers competing
 * for them.
 *
 * <p>Invariant: an entry is either waiting here ({@code available}) or dispatched to exactly
 * one consumer, never both; all of it is guarded by this queue's monitor. Dispatch runs on
 * whichever thread changed the queue (a send, a credit, a release), so an idle consumer
 * costs no thread.
 */
final class MessageQueue {

    final String name;
    /** Whether references to persistent messages are journaled (queues and durable subscriptions). */
    final boolean durable;
    private final Broker broker;

    private final TreeSet<QueueEntry> available = new TreeSet<>(QueueEntry.DELIVERY_ORDER);
    private final List<BrokerConsumer> consumers = new ArrayList<>();
    private int nextConsumer;
    private int consumersWithSelector;
    private boolean deleted;

    MessageQueue(Broker broker, String name, boolean durable) {
        this.broker = broker;
        this.name = name;
        this.durable = durable;
    }

    /** Makes an entry available now, or at its delivery time if that is still ahead. */
    void enqueue(QueueEntry entry) {
        long deliveryTime = entry.message.data.deliveryTime();
        if (deliveryTime > System.currentTimeMillis()) {
            broker.schedule(deliveryTime, () -> enqueueNow(List.of(entry)));
        } else {
            enqueueNow(List.of(entry));
        }
    }

    synchronized void enqueueNow(Collection<QueueEntry> entries) {
        if (deleted) {
            return;
        }
        available.addAll(entries);
        dispatch();
    }

    synchronized void addConsumer(BrokerConsumer consumer) {
        consumers.add(consumer);
        if (consumer.selector != null) {
            consumersWithSelector++;
        }
        dispatch();
    }

    synchronized void removeConsumer(BrokerConsumer consumer) {
        if (consumers.remove(consumer) && consumer.selector != null) {
            consumersWithSelector--;
        }
    }

    synchronized int consumerCount() {
        return consumers.size();
    }

    synchronized void addCredit(BrokerConsumer consumer, int credit) {
        consumer.credit += credit;
        dispatch();
    }

    /** Dispatches what is available to consumers that have credit. */
    synchronized void dispatch() {
        if (consumers.isEmpty() || available.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        Iterator<QueueEntry> it = available.iterator();
        while (it.hasNext()) {
            QueueEntry entry = it.next();
            if (entry.message.data.isExpired(now)) {
                it.remove();
                broker.discard(entry);
                continue;
            }
            BrokerConsumer consumer = pickConsumer(entry.message.data);
            if (consumer == null) {
                if (consumersWithSelector == 0 || !anyCredit()) {
                    return;
                }
                continue; // no selector matches this one; a later message may match
            }
            it.remove();
            consumer.credit--;
            entry.consumer = consumer;
            entry.deliveryCount++;
            consumer.session.dispatched(consumer, entry);
        }
    }

    private BrokerConsumer pickConsumer(MessageData message) {
        int n = consumers.size();
        for (int i = 0; i < n; i++) {
            int index = (nextConsumer + i) % n;
            BrokerConsumer candidate = consumers.get(index);
            if (candidate.credit > 0 && (candidate.selector == null || candidate.selector.matches(message))) {
                nextConsumer = (index + 1) % n;
                return candidate;
            }
        }
        return null;
    }

    private boolean anyCredit() {
        for (BrokerConsumer c : consumers) {
            if (c.credit > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Puts dispatched entries back and dispatches again, so that they go out in their
     * original order. Entries in {@code unseen} were only prefetched: they do not count as
     * a delivery, and their consumer gets its credit back. Answers the entries that have used
     * up their delivery attempts: they are not put back, and belong to the dead-letter queue.
     */
    synchronized List<QueueEntry> release(Collection<QueueEntry> entries, Set<QueueEntry> unseen) {
        List<QueueEntry> exhausted = List.of();
        for (QueueEntry entry : entries) {
            if (unseen.contains(entry)) {
                entry.deliveryCount--;
                if (entry.consumer != null) {
                    entry.consumer.credit++;
                }
            }
            entry.consumer = null;
            if (deleted) {
                continue;
            }
            if (broker.deliveryAttemptsUsedUp(entry)) {
                if (exhausted.isEmpty()) {
                    exhausted = new ArrayList<>();
                }
                exhausted.add(entry);
            } else {
                available.add(entry);
            }
        }
        dispatch();
        return exhausted;
    }

    synchronized List<MessageData> browse(Selector selector) {
        long now = System.currentTimeMillis();
        List<MessageData> result = new ArrayList<>();
        for (QueueEntry entry : available) {
            MessageData data = entry.message.data;
            if (!data.isExpired(now) && (selector == null || selector.matches(data))) {
                result.add(data);
            }
        }
        return result;
    }

    /** Empties the queue for good; returns what was waiting so the journal can forget it. */
    synchronized List<QueueEntry> delete() {
        deleted = true;
        List<QueueEntry> dropped = new ArrayList<>(available);
        available.clear();
        return dropped;
    }

    @Override
    public String toString() {
        return name;
    }
}
