package org.ferrymq.broker;

import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.ferrymq.api.journal.JournalOutcomeUnknownException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.protocol.DeadLetterAnnotations;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.LargeBody;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages to a dead-letter or expiry queue. A moved message is a new message, a copy of
 * the old one with the {@link DeadLetterAnnotations} added, stored on the target queue in the
 * same journal write that removes the old reference, the new reference first: a broker killed
 * at any moment leaves each message either on its queue or on the target, never on both and
 * never on neither.
 *
 * <p>A large message's copy ({@link LargeBody}) gets a copy of the body's chunks, made by the
 * database in that same write ({@link JournalRecord.LargeBodyCopied}), never through the broker's
 * memory: each message owns its chunks, and the original's are released as they always are.
 *
 * <p>The entries to move are the caller's: taken off their queue (held, neither waiting nor
 * delivered) until the move settles; then exactly one of the caller's two continuations runs,
 * or neither when even the journal cannot tell whether the write committed (a restart settles
 * that from the database, as for a send).
 */
final class DeadLettering {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLettering.class);

    private final Destinations destinations;
    private final Storage storage;

    DeadLettering(Destinations destinations, Storage storage) {
        this.destinations = destinations;
        this.storage = storage;
    }

    /** Whether {@code queue} takes dead letters or expired messages: its own are never moved again. */
    boolean isDeadLetterOrExpiryQueue(MessageQueue queue) {
        return destinations.policies().isDeadLetterOrExpiryQueue(queue.name);
    }

    /**
     * Moves held {@code entries} to the queue {@code targetName} (created if need be), annotated
     * with {@code reason}. Once the move is stored, the copies join the target and {@code moved}
     * runs; the caller then lets go of the old entries ({@link Storage#removed}). If it cannot be
     * stored, nothing changed and {@code notMoved} runs: the entries are still the caller's.
     */
    void move(List<QueueEntry> entries, String targetName, String reason, Runnable moved, Runnable notMoved) {
        MessageQueue target;
        try {
            target = destinations.queue(DestinationName.queue(targetName), true);
        } catch (JMSException e) {
            LOG.error("Cannot create queue '{}' for {} message(s) ({}); they stay where they were: {}", targetName,
                    entries.size(), reason, e.getMessage());
            notMoved.run();
            return;
        }
        long now = System.currentTimeMillis();
        List<JournalRecord> records = new ArrayList<>();
        List<QueueEntry> copies = new ArrayList<>(entries.size());
        for (QueueEntry entry : entries) {
            long number = storage.nextNumber();
            MessageData data = annotated(entry, reason, now);
            if (data.body() instanceof LargeBody large) {
                // the copy owns a copy of the chunks, made by the database in this write: the
                // original's body goes with the original as ever, whatever else still holds it
                records.add(new JournalRecord.LargeBodyCopied(entry.message.messageNo, number));
                data = data.toBuilder().body(new LargeBody(number, large.size())).build();
            }
            ServerMessage copy = new ServerMessage(number, data, entry.message.senderConnectionId,
                    entry.message.senderClientId);
            QueueEntry placed = target.newEntry(copy);
            if (placed.journaled()) {
                copy.references(1);
                records.add(new JournalRecord.MessageStored(copy));
                records.add(new JournalRecord.ReferenceAdded(target.id, placed.sequence, copy.messageNo,
                        placed.journaledDeliveryCount, placed.delayedUntil));
            }
            storage.removal(entry, records); // after the new reference: the design's rule, though one write
            copies.add(placed);
        }
        Runnable stored = () -> {
            storage.countWithoutLimit(copies);
            copies.forEach(target::enqueue);
            moved.run();
        };
        Runnable failed = () -> {
            copies.forEach(target::abandon);
            notMoved.run();
        };
        write(records, "the move of " + entries.size() + " message(s) to '" + target.name + "'", stored, failed);
    }

    /**
     * Writes {@code records} in one batch; runs {@code stored} once it is durable, {@code failed}
     * once it is known not to be. A write still unsettled after the journal timeout is followed
     * to its end; one the journal cannot tell about runs neither.
     */
    void write(List<JournalRecord> records, String what, Runnable stored, Runnable failed) {
        CompletableFuture<Void> written = storage.append(records);
        try {
            storage.await(written);
        } catch (OutcomeUnknownException e) {
            storage.afterSettled(written, failure -> {
                if (failure == null) {
                    stored.run();
                } else if (failure instanceof JournalOutcomeUnknownException) {
                    LOG.warn("The journal cannot tell whether {} was stored; the messages are held until a restart "
                            + "reads the outcome from the database", what);
                } else {
                    LOG.error("Could not store {}; the messages stay where they were: {}", what, failure.getMessage());
                    failed.run();
                }
            });
            return;
        } catch (JMSException e) {
            LOG.error("Could not store {}; the messages stay where they were: {}", what, e.getMessage());
            failed.run();
            return;
        }
        stored.run();
    }

    /**
     * The message of {@code entry} as it goes to a dead-letter or expiry queue: its headers,
     * properties and body, every {@code JMS_FerryMQ_} property replaced by the broker's own.
     * No message takes its expiration along (its original expiration is kept as an annotation): it
     * would only expire again, and nothing moves a message off those queues. One whose
     * delivery time is still ahead (it expired while delayed) is due at once.
     */
    static MessageData annotated(QueueEntry entry, String reason, long now) {
        MessageData data = entry.message.data;
        Map<String, Object> properties = new LinkedHashMap<>();
        data.properties().forEach((name, value) -> {
            if (!DeadLetterAnnotations.isAnnotation(name)) {
                properties.put(name, value);
            }
        });
        DestinationName origin = data.destination();
        properties.put(DeadLetterAnnotations.ORIGINAL_DESTINATION, origin.name());
        properties.put(DeadLetterAnnotations.ORIGINAL_DESTINATION_TYPE, origin.kind().isQueue() ? "queue" : "topic");
        if (data.messageId() != null) {
            properties.put(DeadLetterAnnotations.ORIGINAL_MESSAGE_ID, data.messageId());
        }
        if (!origin.kind().isQueue()) {
            properties.put(DeadLetterAnnotations.ORIGINAL_SUBSCRIPTION, entry.queue.name);
        }
        properties.put(DeadLetterAnnotations.DELIVERY_COUNT, entry.deliveryCount);
        properties.put(DeadLetterAnnotations.DEAD_LETTER_REASON, reason);
        properties.put(DeadLetterAnnotations.DEAD_LETTER_TIME, now);
        MessageData.Builder copy = data.toBuilder();
        if (data.expiration() != 0) {
            // it waits there for an operator: expiring again would drop it, as nothing moves it from there
            properties.put(DeadLetterAnnotations.ORIGINAL_EXPIRATION, data.expiration());
            copy.expiration(0);
        }
        if (data.deliveryTime() > now) {
            copy.deliveryTime(now);
        }
        return copy.properties(properties).build();
    }
}
