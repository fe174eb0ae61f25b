package org.ferrymq.api.journal;

/** Receives a journal's contents on broker start, in the order documented on {@link Journal#load}. */
public interface JournalReplay {

    void destination(String kind, String name);

    void subscription(JournalRecord.SubscriptionCreated subscription);

    /**
     * A durable queue (a queue, or a durable subscription's queue) that holds references:
     * how many, and the highest place among them. The broker reads them with
     * {@link Journal#readQueue} as it needs them.
     */
    void queue(String queue, long references, long lastSeq);

    /** The highest message number in the journal, so new messages are numbered after it. */
    void highestMessageNo(long messageNo);
}
