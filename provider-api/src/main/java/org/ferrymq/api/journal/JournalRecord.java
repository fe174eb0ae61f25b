package org.ferrymq.api.journal;

/**
 * One state change. A message body is stored once ({@link MessageStored}) and referenced by
 * every queue that must deliver it ({@link ReferenceAdded}); a message whose last reference
 * is removed is no longer needed.
 */
public sealed interface JournalRecord {

    /** A queue or topic, {@code kind} being "queue" or "topic". */
    record DestinationCreated(String kind, String name) implements JournalRecord {}

    record DestinationDeleted(String kind, String name) implements JournalRecord {}

    /** A durable subscription; {@code queue} is the name of the queue that holds its messages. */
    record SubscriptionCreated(String queue, String topic, String clientId, String name,
            String selector, boolean noLocal, boolean shared) implements JournalRecord {}

    record SubscriptionDeleted(String queue) implements JournalRecord {}

    record MessageStored(long messageNo, StoredMessage message) implements JournalRecord {}

    record ReferenceAdded(String queue, long messageNo) implements JournalRecord {}

    /** The message was acknowledged (or expired, or dead-lettered) on that queue. */
    record ReferenceRemoved(String queue, long messageNo) implements JournalRecord {}
}
