package org.ferrymq.api.journal;

/**
 * A persistent message as the journal sees it: the broker's number for it, how many queues
 * reference it, and its {@link MessageContent}, which is all a journal writes and all it gives
 * back. The broker's own message type implements this; a journal gives back its own.
 */
public interface StoredMessage {

    /** The broker's number for the message, unique in its journal. */
    long messageNo();

    /** How many durable queues referenced the message when it was stored; 1 for a message sent to a queue. */
    int references();

    /** The message's headers, properties and body. */
    MessageContent content();

    default String messageId() {
        return content().messageId();
    }

    default int priority() {
        return content().priority();
    }

    default long expiration() {
        return content().expiration();
    }

    default long deliveryTime() {
        return content().deliveryTime();
    }
}
