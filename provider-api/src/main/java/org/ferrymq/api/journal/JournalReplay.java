package org.ferrymq.api.journal;

/** Receives a journal's contents on broker start, in the order documented on {@link Journal#load}. */
public interface JournalReplay {

    void destination(JournalRecord.DestinationCreated destination);

    void subscription(JournalRecord.SubscriptionCreated subscription);

    /**
     * A durable queue (a queue, or a durable subscription's queue) that holds references:
     * its id, how many, and the highest place among them. The broker reads them with
     * {@link Journal#readQueue}, and the delayed ones with {@link Journal#readDelayed}, as it
     * needs them.
     */
    void queue(long queueId, long references, long lastSeq);

    /**
     * Queue {@code queueId} (reported by {@link #queue} before) holds messages waiting for their
     * redelivery ({@link JournalRecord.RedeliveryScheduled}), the last of them until
     * {@code latestTime}; a time already past is reported too, or not at all. A queue that keeps
     * strict order delivers nothing else until they are back. A journal that cannot tell never
     * calls it.
     */
    default void redeliveriesWaiting(long queueId, long latestTime) {
    }

    /**
     * A duplicate ID the journal holds, after every queue's state and before the prepared
     * branches, in the order of their entries. A journal replays what it was given and not yet
     * told to forget; the broker keeps of it what its windows hold now.
     */
    default void duplicateId(JournalRecord.DuplicateIdAdded id) {
    }

    /**
     * A prepared XA branch not yet ended, after every queue and subscription; its
     * acknowledged places are among the references {@link #queue} counted.
     */
    void prepared(PreparedTransaction transaction);

    /**
     * The highest number in the journal among messages, XA branches and queue ids (which the
     * broker draws from one sequence), so new ones are numbered after it.
     */
    void highestNumber(long number);
}
