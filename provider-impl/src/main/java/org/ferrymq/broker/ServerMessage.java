package org.ferrymq.broker;

import org.ferrymq.api.journal.StoredMessage;
import org.ferrymq.protocol.MessageData;

/**
 * A message as the broker holds it: the client's immutable snapshot plus what the broker
 * knows about its origin. One instance is shared by every queue a topic fans it out to.
 */
final class ServerMessage implements StoredMessage {

    final long messageNo;
    final MessageData data;
    /** The sending connection and its client ID, for noLocal subscriptions; null for recovered messages. */
    final String senderConnectionId;
    final String senderClientId;

    ServerMessage(long messageNo, MessageData data, String senderConnectionId, String senderClientId) {
        this.messageNo = messageNo;
        this.data = data;
        this.senderConnectionId = senderConnectionId;
        this.senderClientId = senderClientId;
    }

    boolean persistent() {
        return data.persistent();
    }

    @Override
    public String messageId() {
        return data.messageId();
    }

    @Override
    public int priority() {
        return data.priority();
    }

    @Override
    public long expiration() {
        return data.expiration();
    }

    @Override
    public long deliveryTime() {
        return data.deliveryTime();
    }
}
