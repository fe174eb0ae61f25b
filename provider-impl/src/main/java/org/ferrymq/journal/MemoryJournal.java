package org.ferrymq.journal;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.JournalReplay;
import org.ferrymq.api.journal.StoredMessage;

/**
 * A journal that keeps its records in this JVM's memory. It survives a broker restart in the
 * same JVM (the same instance handed to the new broker) but not the JVM: the default until a
 * durable journal is configured.
 */
public final class MemoryJournal implements Journal {

    private final Set<String> queues = new LinkedHashSet<>();
    private final Set<String> topics = new LinkedHashSet<>();
    private final Map<String, JournalRecord.SubscriptionCreated> subscriptions = new LinkedHashMap<>();
    private final Map<Long, StoredMessage> messages = new LinkedHashMap<>();
    /** Per queue, its message numbers in arrival order. */
    private final Map<String, Set<Long>> references = new LinkedHashMap<>();
    /** Per stored message, how many queues still reference it; at zero it is forgotten. */
    private final Map<Long, Integer> referenceCounts = new HashMap<>();

    @Override
    public synchronized void load(JournalReplay replay) {
        queues.forEach(q -> replay.destination("queue", q));
        topics.forEach(t -> replay.destination("topic", t));
        subscriptions.values().forEach(replay::subscription);
        messages.forEach(replay::message);
        references.forEach((queue, refs) -> refs.forEach(no -> replay.reference(queue, no, 0)));
    }

    @Override
    public synchronized CompletableFuture<Void> append(List<JournalRecord> batch) {
        for (JournalRecord record : batch) {
            apply(record);
        }
        return CompletableFuture.completedFuture(null);
    }

    private void apply(JournalRecord record) {
        if (record instanceof JournalRecord.DestinationCreated r) {
            (r.kind().equals("queue") ? queues : topics).add(r.name());
        } else if (record instanceof JournalRecord.DestinationDeleted r) {
            (r.kind().equals("queue") ? queues : topics).remove(r.name());
            removeQueue(r.name());
        } else if (record instanceof JournalRecord.SubscriptionCreated r) {
            subscriptions.put(r.queue(), r);
        } else if (record instanceof JournalRecord.SubscriptionDeleted r) {
            subscriptions.remove(r.queue());
            removeQueue(r.queue());
        } else if (record instanceof JournalRecord.MessageStored r) {
            messages.put(r.messageNo(), r.message());
        } else if (record instanceof JournalRecord.ReferenceAdded r) {
            if (references.computeIfAbsent(r.queue(), q -> new LinkedHashSet<>()).add(r.messageNo())) {
                referenceCounts.merge(r.messageNo(), 1, Integer::sum);
            }
        } else if (record instanceof JournalRecord.ReferenceRemoved r) {
            Set<Long> refs = references.get(r.queue());
            if (refs != null && refs.remove(r.messageNo())) {
                unreference(r.messageNo());
            }
        }
    }

    private void removeQueue(String queue) {
        Set<Long> refs = references.remove(queue);
        if (refs != null) {
            refs.forEach(this::unreference);
        }
    }

    private void unreference(long messageNo) {
        if (referenceCounts.merge(messageNo, -1, Integer::sum) <= 0) {
            referenceCounts.remove(messageNo);
            messages.remove(messageNo);
        }
    }

    /** The number of stored messages, for tests and management. */
    public synchronized int messageCount() {
        return messages.size();
    }

    @Override
    public void close() {
    }
}
