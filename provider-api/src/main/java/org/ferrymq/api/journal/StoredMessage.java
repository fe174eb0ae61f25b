package org.ferrymq.api.journal;

/**
 * A persistent message as the journal sees it. The broker's own message type implements
 * this; a journal keeps whatever else of the message it needs to give it back.
 */
public interface StoredMessage {

    /** The broker's number for the message, unique in its journal. */
    long messageNo();

    /** How many durable queues referenced the message when it was stored; 1 for a message sent to a queue. */
    int references();

    String messageId();

    int priority();

    long expiration();

    long deliveryTime();
}
