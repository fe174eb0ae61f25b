package org.ferrymq.api.journal;

/** Receives a journal's contents on broker start, in the order documented on {@link Journal#load}. */
public interface JournalReplay {

    void destination(String kind, String name);

    void subscription(JournalRecord.SubscriptionCreated subscription);

    void message(long messageNo, StoredMessage message);

    /** A queue reference, in the queue's original order. */
    void reference(String queue, long messageNo, int deliveryCount);
}
