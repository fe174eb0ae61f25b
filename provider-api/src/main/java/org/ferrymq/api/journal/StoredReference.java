package org.ferrymq.api.journal;

/** A queue's reference to a stored message, as read back from the journal. */
public record StoredReference(long seq, int deliveryCount, StoredMessage message) {}
