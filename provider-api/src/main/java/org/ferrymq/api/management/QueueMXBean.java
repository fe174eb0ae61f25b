package org.ferrymq.api.management;

/**
 * A queue as JMX shows it, with broker setting {@code jmx=true}: a queue destination
 * ({@code org.ferrymq:type=Queue,broker=<broker>,name=<queue>}) or the queue of a durable or shared
 * subscription ({@code org.ferrymq:type=Subscription,broker=<broker>,clientId=<client ID or "">,name=<name>}).
 * The counts are since the broker started; the message count is now, and covers the messages the
 * queue holds in the journal only (paged) as well as those in memory.
 */
public interface QueueMXBean {

    /** The queue's name; for a subscription, the name of its queue. */
    String getName();

    /** For a subscription, its topic; for a queue, its own name. */
    String getDestination();

    /** Messages on the queue now: waiting, delivered and not yet acknowledged, scheduled. */
    long getMessageCount();

    /** Messages stored on the queue since the broker started. */
    long getMessagesAdded();

    /** Messages consumers acknowledged (or committed) since the broker started. */
    long getMessagesAcknowledged();

    /** Deliveries made again, flagged redelivered, since the broker started. */
    long getMessagesRedelivered();

    /** Messages that expired here (dropped, or moved to an expiry queue) since the broker started. */
    long getMessagesExpired();

    /** Messages moved to a dead-letter queue, their delivery attempts used up, since the broker started. */
    long getMessagesDeadLettered();

    /** Consumers attached now. */
    int getConsumerCount();
}
