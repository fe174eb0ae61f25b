package org.ferrymq.broker;

import org.ferrymq.api.journal.MessageContent;
import org.ferrymq.api.journal.StoredMessage;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.codec.CodecException;
import org.ferrymq.protocol.codec.MessageContents;

/**
 * A message as the broker holds it: the client's immutable snapshot plus what the broker
 * knows about its origin. One instance is shared by every queue a topic fans it out to
 * (until a queue pages it out and reads it back as an instance of its own).
 */
final class ServerMessage implements StoredMessage {

    final long messageNo;
    final MessageData data;
    /** The sending connection and its client ID, for noLocal subscriptions; null for recovered messages. */
    final String senderConnectionId;
    final String senderClientId;
    /** Durable queues that referenced the message when it was stored; set by routing before it is journaled. */
    private int references;
    /** What the message costs in memory, roughly: the unit of the broker's memory limit. */
    final int size;
    /** Its {@code JMSXGroupID}, read once for every queue it reaches; null for none. */
    final String groupId;

    ServerMessage(long messageNo, MessageData data, String senderConnectionId, String senderClientId) {
        this.messageNo = messageNo;
        this.data = data;
        this.senderConnectionId = senderConnectionId;
        this.senderClientId = senderClientId;
        this.size = data.estimatedSize();
        this.groupId = MessageGroups.groupOf(data);
    }

    /** The broker's form of a message a journal gives back. */
    static ServerMessage restored(StoredMessage stored) {
        if (stored instanceof ServerMessage message) {
            return message;
        }
        MessageData data;
        try {
            data = MessageContents.toMessageData(stored.content());
        } catch (CodecException e) {
            // a journal reports and leaves out a message it cannot read back; it never gives one back
            throw new IllegalStateException("The journal gave back message " + stored.messageNo()
                    + " that cannot be read: " + e.getMessage(), e);
        }
        ServerMessage message = new ServerMessage(stored.messageNo(), data, null, null);
        message.references = stored.references();
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

    MessageData data() {
        return data;
    }

    /** What the journal stores of the message: its snapshot's headers, properties and body, not copied. */
    @Override
    public MessageContent content() {
        return MessageContents.of(data);
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
