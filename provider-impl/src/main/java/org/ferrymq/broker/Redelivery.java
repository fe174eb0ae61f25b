package org.ferrymq.broker;

import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.protocol.DestinationName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages that come back from their consumers (recovered, rolled back, refused, or never
 * seen): they go back to their queues in order, to be delivered again, unless they have used
 * up their delivery attempts ({@link BrokerConfig#maxDeliveryAttempts()}); those move to the
 * dead-letter queue, so a message that always makes its consumer fail stops being redelivered
 * without being lost. The dead-letter queue's own messages are never moved.
 */
final class Redelivery {

    private static final Logger LOG = LoggerFactory.getLogger(Redelivery.class);

    private final BrokerConfig config;
    private final Destinations destinations;
    private final Storage storage;

    Redelivery(BrokerConfig config, Destinations destinations, Storage storage) {
        this.config = config;
        this.destinations = destinations;
        this.storage = storage;
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
        byQueue.forEach((queue, list) -> exhausted.addAll(queue.release(list, unseenSet, this::attemptsUsedUp)));
        if (!exhausted.isEmpty()) {
            deadLetter(exhausted);
        }
    }

    /**
     * Whether an entry that came back from a consumer has had all the delivery attempts its
     * queue's policy allows: deliveries, and bodies receiveBody refused. Entries of a dead-letter
     * queue stay where they are.
     */
    private boolean attemptsUsedUp(QueueEntry entry) {
        DestinationPolicy policy = entry.queue.policy();
        int max = policy.maxDeliveryAttempts();
        return max > 0 && entry.deliveryCount + entry.refusedAttempts >= max
                && !entry.queue.name.equals(policy.deadLetterQueueFor(entry.queue.destination))
                && !isDeadLetterQueue(entry.queue);
    }

    /** Whether {@code queue} is the broker's dead-letter queue, or one created for a destination. */
    private boolean isDeadLetterQueue(MessageQueue queue) {
        return queue.name.equals(config.deadLetterQueue()) || queue.name.startsWith(DestinationPolicy.DEAD_LETTER_PREFIX);
    }

    /**
     * Moves entries that used up their delivery attempts to the dead-letter queue, so a
     * message that always makes its consumer fail stops being redelivered without being lost.
     */
    private void deadLetter(List<QueueEntry> exhausted) {
        Map<String, List<QueueEntry>> byDeadLetterQueue = new LinkedHashMap<>();
        for (QueueEntry entry : exhausted) {
            byDeadLetterQueue.computeIfAbsent(entry.queue.policy().deadLetterQueueFor(entry.queue.destination),
                    name -> new ArrayList<>()).add(entry);
        }
        byDeadLetterQueue.forEach(this::deadLetter);
    }

    private void deadLetter(String dlqName, List<QueueEntry> exhausted) {
        MessageQueue dlq;
        try {
            dlq = destinations.queue(DestinationName.queue(dlqName), true);
        } catch (JMSException e) {
            LOG.error("Cannot create the dead-letter queue '{}'; {} message(s) go back to their queues: {}",
                    dlqName, exhausted.size(), e.getMessage());
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
            storage.persist(records);
        } catch (JMSException e) {
            LOG.error("Could not record the move of {} message(s) to '{}'; they stay where they were: {}",
                    exhausted.size(), dlq.name, e.getMessage());
            moved.forEach(dlq::abandon);
            exhausted.forEach(entry -> entry.queue.enqueueNow(List.of(entry)));
            return;
        }
        storage.countWithoutLimit(moved); // first: a large body the moved entries share must stay held
        storage.removed(exhausted);
        moved.forEach(dlq::enqueue);
    }
}
