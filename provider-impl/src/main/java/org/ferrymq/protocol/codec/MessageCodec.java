package org.ferrymq.protocol.codec;

import jakarta.jms.DeliveryMode;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.LargeBody;
import org.ferrymq.protocol.MessageData;

/**
 * The binary form of a whole {@link MessageData}: headers, properties and body, for the
 * wire. One instance per format version: a peer that speaks version {@code v} reads and
 * writes with {@link #forVersion forVersion(v)}, so a later format can be added beside this
 * one without breaking peers that still speak it. The version itself travels outside the
 * message (in the connection's handshake), not in every message.
 *
 * <p>Version 1, in order: the body type (a byte: 0 message, 1 text, 2 bytes, 3 map, 4 stream,
 * 5 object); a flags byte (bit 0: the correlation ID was set as bytes; bit 1: the body is a
 * {@link LargeBody}); the message ID, the
 * timestamp, the correlation ID; the destination and the reply-to (a kind byte, 0 for none,
 * then the name); the delivery mode (a byte); JMSType; expiration; delivery time; priority (a
 * byte); the sending connection's id; the properties (a count and each name with its tagged
 * value, see {@link ValueCodec}); then the body: a text is a string, a bytes or object body
 * a byte[], a map or stream body a presence byte and the map or list; a large body (a bytes
 * message's only) its id and its size, two longs. Strings and byte[]s
 * that may be null are written by {@link ValueCodec#writeNullableString} and
 * {@link ValueCodec#writeNullableBytes}.
 *
 * <p>Decoding checks everything it reads: a damaged or hostile input fails with a
 * {@link CodecException} naming the field, never with a message that differs from the one
 * written or with an allocation larger than the input.
 */
public final class MessageCodec {

    /** The first format. */
    public static final int VERSION_1 = 1;
    /** The format this FerryMQ writes. */
    public static final int CURRENT_VERSION = VERSION_1;

    private static final MessageCodec V1 = new MessageCodec(VERSION_1);

    private static final int CORRELATION_ID_BYTES = 1;
    private static final int LARGE = 2;
    private static final MessageData.BodyType[] BODY_TYPES = {
        MessageData.BodyType.MESSAGE, MessageData.BodyType.TEXT, MessageData.BodyType.BYTES,
        MessageData.BodyType.MAP, MessageData.BodyType.STREAM, MessageData.BodyType.OBJECT};
    private static final DestinationName.Kind[] KINDS = {
        null, DestinationName.Kind.QUEUE, DestinationName.Kind.TOPIC, DestinationName.Kind.TEMP_QUEUE,
        DestinationName.Kind.TEMP_TOPIC};

    private final int version;

    private MessageCodec(int version) {
        this.version = version;
    }

    /** The codec of format {@code version}. */
    public static MessageCodec forVersion(int version) throws CodecException {
        if (version != VERSION_1) {
            throw new CodecException("message format version " + version + " is unknown; this FerryMQ reads "
                    + "version " + VERSION_1 + " to " + CURRENT_VERSION);
        }
        return V1;
    }

    /** The codec of {@link #CURRENT_VERSION}. */
    public static MessageCodec current() {
        return V1;
    }

    public int version() {
        return version;
    }

    /** A message in this format, as a new array. */
    public byte[] encode(MessageData message) {
        ByteArrayOutput out = new ByteArrayOutput(256 + estimatedBodySize(message));
        write(message, out);
        return out.toByteArray();
    }

    /** A message from an array that holds exactly one, in this format. */
    public MessageData decode(byte[] bytes) throws CodecException {
        ByteBufferInput in = new ByteBufferInput(bytes);
        MessageData message = read(in);
        if (in.remaining() != 0) {
            throw new CodecException("a message is followed by " + in.remaining() + " bytes that belong to none");
        }
        return message;
    }

    public void write(MessageData message, Output out) {
        out.writeByte(bodyTypeCode(message.bodyType()));
        out.writeByte((message.correlationIdIsBytes() ? CORRELATION_ID_BYTES : 0) | (message.isLarge() ? LARGE : 0));
        ValueCodec.writeNullableString(out, message.messageId());
        out.writeLong(message.timestamp());
        ValueCodec.writeNullableString(out, message.correlationId());
        writeDestination(out, message.destination());
        writeDestination(out, message.replyTo());
        out.writeByte(message.deliveryMode());
        ValueCodec.writeNullableString(out, message.type());
        out.writeLong(message.expiration());
        out.writeLong(message.deliveryTime());
        out.writeByte(message.priority());
        ValueCodec.writeNullableString(out, message.senderConnectionId());
        ValueCodec.writeMap(out, message.properties());
        writeBody(out, message.bodyType(), message.body());
    }

    /** Reads one message written in this format; bytes after it are left unread. */
    public MessageData read(Input in) throws CodecException {
        String field = "body type";
        try {
            MessageData.BodyType bodyType = bodyType(in.readByte());
            field = "flags";
            int flags = in.readByte();
            if ((flags & ~(CORRELATION_ID_BYTES | LARGE)) != 0) {
                throw new CodecException("unknown flags " + Integer.toBinaryString(flags & 0xff));
            }
            if ((flags & LARGE) != 0 && bodyType != MessageData.BodyType.BYTES) {
                throw new CodecException("a " + bodyType + " message is marked as having a large body, which only a "
                        + "BYTES message has");
            }
            MessageData.Builder message = MessageData.builder(bodyType);
            field = "JMSMessageID";
            message.messageId(ValueCodec.readNullableString(in));
            field = "JMSTimestamp";
            message.timestamp(in.readLong());
            field = "JMSCorrelationID";
            message.correlationId(ValueCodec.readNullableString(in), (flags & CORRELATION_ID_BYTES) != 0);
            field = "JMSDestination";
            message.destination(readDestination(in));
            field = "JMSReplyTo";
            message.replyTo(readDestination(in));
            field = "JMSDeliveryMode";
            int deliveryMode = in.readByte();
            if (deliveryMode != DeliveryMode.PERSISTENT && deliveryMode != DeliveryMode.NON_PERSISTENT) {
                throw new CodecException("unknown delivery mode " + deliveryMode);
            }
            message.deliveryMode(deliveryMode);
            field = "JMSType";
            message.type(ValueCodec.readNullableString(in));
            field = "JMSExpiration";
            message.expiration(in.readLong());
            field = "JMSDeliveryTime";
            message.deliveryTime(in.readLong());
            field = "JMSPriority";
            int priority = in.readByte();
            if (priority < 0 || priority > 9) {
                throw new CodecException("priority " + priority + " is outside 0-9");
            }
            message.priority(priority);
            field = "sending connection";
            message.senderConnectionId(ValueCodec.readNullableString(in));
            field = "properties";
            message.properties(readProperties(in));
            field = "body";
            message.body((flags & LARGE) != 0 ? readLargeBody(in) : readBody(in, bodyType));
            return message.build();
        } catch (CodecException e) {
            throw new CodecException("cannot decode a message (format version " + version + "): its " + field
                    + " is damaged: " + e.getMessage(), e);
        }
    }

    /** Writes a destination, or null: its kind (0 for none) and its name. */
    public static void writeDestination(Output out, DestinationName destination) {
        if (destination == null) {
            out.writeByte(0);
            return;
        }
        int kind = 1;
        while (KINDS[kind] != destination.kind()) {
            kind++;
        }
        out.writeByte(kind);
        ValueCodec.writeString(out, destination.name());
    }

    public static DestinationName readDestination(Input in) throws CodecException {
        int kind = in.readByte();
        if (kind < 0 || kind >= KINDS.length) {
            throw new CodecException("unknown destination kind " + kind);
        }
        return kind == 0 ? null : new DestinationName(KINDS[kind], ValueCodec.readString(in));
    }

    private static void writeBody(Output out, MessageData.BodyType bodyType, Object body) {
        if (body instanceof LargeBody large) {
            out.writeLong(large.bodyId());
            out.writeLong(large.size());
            return;
        }
        switch (bodyType) {
            case MESSAGE -> { }
            case TEXT -> ValueCodec.writeNullableString(out, (String) body);
            case BYTES, OBJECT -> ValueCodec.writeNullableBytes(out, (byte[]) body);
            case MAP -> {
                out.writeBoolean(body != null);
                if (body != null) {
                    ValueCodec.writeMap(out, (Map<?, ?>) body);
                }
            }
            case STREAM -> {
                out.writeBoolean(body != null);
                if (body != null) {
                    ValueCodec.writeList(out, (List<?>) body);
                }
            }
        }
    }

    private static Object readBody(Input in, MessageData.BodyType bodyType) throws CodecException {
        return switch (bodyType) {
            case MESSAGE -> null;
            case TEXT -> ValueCodec.readNullableString(in);
            case BYTES, OBJECT -> ValueCodec.readNullableBytes(in);
            case MAP -> present(in) ? Collections.unmodifiableMap(ValueCodec.readMap(in)) : null;
            case STREAM -> present(in) ? Collections.unmodifiableList(ValueCodec.readList(in)) : null;
        };
    }

    private static LargeBody readLargeBody(Input in) throws CodecException {
        long bodyId = in.readLong();
        long size = in.readLong();
        if (size < 0) {
            throw new CodecException("a large body of " + size + " bytes");
        }
        return new LargeBody(bodyId, size);
    }

    private static boolean present(Input in) throws CodecException {
        int present = in.readByte();
        if (present != 0 && present != 1) {
            throw new CodecException("presence byte " + present + " is neither 0 nor 1");
        }
        return present == 1;
    }

    private static Map<String, Object> readProperties(Input in) throws CodecException {
        Map<String, Object> properties = ValueCodec.readMap(in);
        for (Map.Entry<String, Object> p : properties.entrySet()) {
            if (!ValueType.isPropertyValue(p.getValue())) {
                throw new CodecException("property '" + p.getKey() + "' holds a " + ValueType.of(p.getValue()).typeName()
                        + ", which is no property type");
            }
        }
        return properties;
    }

    private static int bodyTypeCode(MessageData.BodyType bodyType) {
        for (int code = 0; code < BODY_TYPES.length; code++) {
            if (BODY_TYPES[code] == bodyType) {
                return code;
            }
        }
        throw new IllegalArgumentException("body type " + bodyType + " has no code in message format version 1");
    }

    private static MessageData.BodyType bodyType(int code) throws CodecException {
        if (code < 0 || code >= BODY_TYPES.length) {
            throw new CodecException("unknown body type " + code);
        }
        return BODY_TYPES[code];
    }

    private static int estimatedBodySize(MessageData message) {
        Object body = message.body();
        if (body instanceof byte[] bytes) {
            return bytes.length;
        } else if (body instanceof String s) {
            return s.length() * 3 / 2;
        }
        return 0;
    }
}
