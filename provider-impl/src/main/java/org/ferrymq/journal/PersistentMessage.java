package org.ferrymq.journal;

import org.ferrymq.api.journal.StoredMessage;
import org.ferrymq.protocol.MessageData;

/**
 * A stored message together with its content: what FerryMQ's journals write, and what they
 * give back when they read a message from storage.
 */
public interface PersistentMessage extends StoredMessage {

    MessageData data();

    @Override
    default String messageId() {
        return data().messageId();
    }

    @Override
    default int priority() {
        return data().priority();
    }

    @Override
    default long expiration() {
        return data().expiration();
    }

    @Override
    default long deliveryTime() {
        return data().deliveryTime();
    }

    /** A message read back from storage. */
    record Loaded(long messageNo, int references, MessageData data) implements PersistentMessage {}
}
