package org.ferrymq.api.journal;

/** Receives a journal's contents on broker start, in the order documented on {@link Journal#load}. */
public interface JournalReplay {

    void destination(String kind, String name);

    void subscription(JournalRecord.SubscriptionCreated subscription);

    /**
     * A durable queue (a queue, or a durable subscription's queue) that holds references:
     * how many, and the highest place among them. The broker reads them with
     * {@link Journal#readQueue}, and the delayed ones with {@link Journal#readDelayed}, as it
     * needs them.
     */
    void queue(String queue, long references, long lastSeq);

    /**
     * A prepared XA branch not yet ended, after every queue and subscription; its
     * acknowledged places are among the references {@link #queue} counted.
     */
    void prepared(PreparedTransaction transaction);

    /** The highest message or branch number in the journal, so new ones are numbered after it. */
    void highestMessageNo(long messageNo);
}
