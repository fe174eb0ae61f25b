package org.ferrymq.broker;

import org.ferrymq.api.journal.StoredMessage;
import org.ferrymq.journal.PersistentMessage;
import org.ferrymq.protocol.MessageData;

/**
 * A message as the broker holds it: the client's immutable snapshot plus what the broker
 * knows about its origin. One instance is shared by every queue a topic fans it out to
 * (until a queue pages it out and reads it back as an instance of its own).
 */
final class ServerMessage implements PersistentMessage {

    final long messageNo;
    final MessageData data;
    /** The sending connection and its client ID, for noLocal subscriptions; null for recovered messages. */
    final String senderConnectionId;
    final String senderClientId;
    /** Durable queues that referenced the message when it was stored; set by routing before it is journaled. */
    private int references;
    /** What the message costs in memory, roughly: the unit of the broker's memory limit. */
    final int size;

    ServerMessage(long messageNo, MessageData data, String senderConnectionId, String senderClientId) {
        this.messageNo = messageNo;
        this.data = data;
        this.senderConnectionId = senderConnectionId;
        this.senderClientId = senderClientId;
        this.size = data.estimatedSize();
    }

    /** The broker's form of a message a journal gives back. */
    static ServerMessage restored(StoredMessage stored) {
        if (stored instanceof ServerMessage message) {
            return message;
        }
        PersistentMessage persistent = (PersistentMessage) stored;
        ServerMessage message = new ServerMessage(persistent.messageNo(), persistent.data(), null, null);
        message.references = persistent.references();
        return message;
    }

    boolean persistent() {
        return data.persistent();
    }

    void references(int count) {
        this.references = count;
    }

    @Override
    public long messageNo() {
        return messageNo;
    }

    @Override
    public int references() {
        return references;
    }

    @Override
    public MessageData data() {
        return data;
    }
}
