package org.ferrymq.api.journal;

/**
 * A queue's reference to a stored message, as read back from the journal; {@code deliveryTime}
 * is the one it was added with ({@link JournalRecord.ReferenceAdded#deliveryTime()}), or its
 * redelivery time ({@link JournalRecord.RedeliveryScheduled}).
 */
public record StoredReference(long seq, int deliveryCount, StoredMessage message, long deliveryTime) {}
