package org.ferrymq.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.protocol.DeadLetterAnnotations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages that come back from their consumers (recovered, rolled back, refused, or never
 * seen): they go back to their queues in order, to be delivered again, unless they have used
 * up their delivery attempts ({@link BrokerConfig#maxDeliveryAttempts()}); those move to the
 * dead-letter queue, so a message that always makes its consumer fail stops being redelivered
 * without being lost. The messages of dead-letter and expiry queues are never moved.
 */
final class Redelivery {

    private static final Logger LOG = LoggerFactory.getLogger(Redelivery.class);

    private final Storage storage;
    private final DeadLettering deadLettering;

    Redelivery(Storage storage, DeadLettering deadLettering) {
        this.storage = storage;
        this.deadLettering = deadLettering;
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
        int max = entry.queue.policy().maxDeliveryAttempts();
        return max > 0 && entry.deliveryCount + entry.refusedAttempts >= max
                && !deadLettering.isDeadLetterOrExpiryQueue(entry.queue); // which covers a queue that is its own
    }

    /**
     * Moves entries that used up their delivery attempts to the dead-letter queue, so a
     * message that always makes its consumer fail stops being redelivered without being lost:
     * as annotated copies (see {@link DeadLettering}); if the move cannot be stored they go back
     * to their queues.
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
        deadLettering.move(exhausted, dlqName, DeadLetterAnnotations.MAX_DELIVERIES, () -> {
            storage.removed(exhausted);
            for (QueueEntry entry : exhausted) {
                entry.queue.statistics.deadLettered(1);
                if (entry.refusedAttempts == 0) {
                    LOG.warn("Message {} on '{}' was delivered {} times without being acknowledged; moved to '{}'",
                            entry.message.messageId(), entry.queue.name, entry.deliveryCount, dlqName);
                } else {
                    LOG.warn("Message {} on '{}' was delivered {} times and its body refused by receiveBody {} times "
                            + "(not of the type asked for) without being acknowledged; moved to '{}'",
                            entry.message.messageId(), entry.queue.name, entry.deliveryCount, entry.refusedAttempts,
                            dlqName);
                }
            }
        }, () -> exhausted.forEach(entry -> entry.queue.enqueueNow(List.of(entry))));
    }
}
