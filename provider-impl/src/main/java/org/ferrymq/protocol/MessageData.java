package org.ferrymq.protocol;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of a message, taken by the client when the application sends it.
 * This is what travels through the transport and lives in the broker: nothing the
 * application holds can change it afterwards.
 *
 * <p>Bodies are immutable too: {@code TEXT} carries a {@link String}, {@code BYTES} and
 * {@code OBJECT} a {@code byte[]} that nobody writes to after the snapshot (an object body
 * is kept in its serialized form), {@code MAP} an unmodifiable {@link Map} and
 * {@code STREAM} an unmodifiable {@link List}; {@code MESSAGE} has no body. A large
 * {@code BYTES} body is a {@link LargeBody}: only where its chunks are. Property
 * values are the boxed JMS property types ({@code Boolean}, {@code Byte}, {@code Short},
 * {@code Integer}, {@code Long}, {@code Float}, {@code Double}, {@code String}).
 *
 * <p>{@code JMSRedelivered} and {@code JMSXDeliveryCount} are not part of the snapshot:
 * they belong to a delivery, not to the message.
 */
public final class MessageData {

    public enum BodyType { MESSAGE, TEXT, BYTES, MAP, STREAM, OBJECT }

    public static final int DEFAULT_PRIORITY = 4;

    private final BodyType bodyType;
    private final String messageId;          // "ID:..." or null when IDs are disabled
    private final long timestamp;            // 0 when timestamps are disabled
    private final String correlationId;      // as set by setJMSCorrelationID or bytes as ISO-8859-1
    private final boolean correlationIdBytes; // true when set through setJMSCorrelationIDAsBytes
    private final DestinationName destination;
    private final DestinationName replyTo;
    private final int deliveryMode;          // DeliveryMode.PERSISTENT or NON_PERSISTENT
    private final String type;               // JMSType
    private final long expiration;           // 0 = never
    private final long deliveryTime;         // JMSDeliveryTime
    private final int priority;              // 0..9
    private final Map<String, Object> properties;
    private final Object body;
    private final String senderConnectionId; // for noLocal; never shown to applications

    private MessageData(Builder b) {
        this.bodyType = b.bodyType;
        this.messageId = b.messageId;
        this.timestamp = b.timestamp;
        this.correlationId = b.correlationId;
        this.correlationIdBytes = b.correlationIdBytes;
        this.destination = b.destination;
        this.replyTo = b.replyTo;
        this.deliveryMode = b.deliveryMode;
        this.type = b.type;
        this.expiration = b.expiration;
        this.deliveryTime = b.deliveryTime;
        this.priority = b.priority;
        this.properties = b.properties == null || b.properties.isEmpty()
                ? Collections.emptyMap() : Collections.unmodifiableMap(b.properties);
        this.body = b.body;
        this.senderConnectionId = b.senderConnectionId;
    }

    public static Builder builder(BodyType bodyType) {
        return new Builder(bodyType);
    }

    /** A builder that starts as a copy of this snapshot, for the broker to re-address it. */
    public Builder toBuilder() {
        Builder b = new Builder(bodyType);
        b.messageId = messageId;
        b.timestamp = timestamp;
        b.correlationId = correlationId;
        b.correlationIdBytes = correlationIdBytes;
        b.destination = destination;
        b.replyTo = replyTo;
        b.deliveryMode = deliveryMode;
        b.type = type;
        b.expiration = expiration;
        b.deliveryTime = deliveryTime;
        b.priority = priority;
        b.properties = properties.isEmpty() ? null : new java.util.LinkedHashMap<>(properties);
        b.body = body;
        b.senderConnectionId = senderConnectionId;
        return b;
    }

    public BodyType bodyType() { return bodyType; }
    public String messageId() { return messageId; }
    public long timestamp() { return timestamp; }
    public String correlationId() { return correlationId; }
    public boolean correlationIdIsBytes() { return correlationIdBytes; }
    public DestinationName destination() { return destination; }
    public DestinationName replyTo() { return replyTo; }
    public int deliveryMode() { return deliveryMode; }
    public boolean persistent() { return deliveryMode == jakarta.jms.DeliveryMode.PERSISTENT; }
    public String type() { return type; }
    public long expiration() { return expiration; }
    public long deliveryTime() { return deliveryTime; }
    public int priority() { return priority; }
    public Map<String, Object> properties() { return properties; }
    public Object body() { return body; }
    public String senderConnectionId() { return senderConnectionId; }

    /**
     * Roughly the bytes this snapshot occupies in the heap: what a broker counts against its
     * memory limit. Exact enough to decide when to page, never used for correctness.
     */
    public int estimatedSize() {
        long size = 256; // the object, its header strings and the destination
        size += properties.size() * 64L;
        for (Object value : properties.values()) {
            if (value instanceof String s) {
                size += 2L * s.length();
            }
        }
        if (body instanceof String s) {
            size += 2L * s.length();
        } else if (body instanceof byte[] b) {
            size += b.length;
        } else if (body instanceof Map<?, ?> m) {
            size += 64L * m.size();
        } else if (body instanceof List<?> l) {
            size += 32L * l.size();
        } else if (body instanceof LargeBody) {
            size += 32; // the body itself is in chunks, not in memory
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /**
     * The bytes the properties take: each name and string value its length in UTF-8, each
     * other value its size as a Java primitive (1 to 8 bytes). What {@code maxPropertiesSize}
     * limits.
     */
    public long propertiesSize() {
        long size = 0;
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            size += utf8Length(property.getKey());
            Object value = property.getValue();
            if (value instanceof String s) {
                size += utf8Length(s);
            } else {
                size += primitiveSize(value);
            }
        }
        return size;
    }

    /**
     * At least {@link #propertiesSize()}, found without reading a string (at most 3 UTF-8 bytes
     * a char): a send whose bound fits a limit needs no exact count.
     */
    public long propertiesSizeBound() {
        long size = 0;
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            size += 3L * property.getKey().length();
            Object value = property.getValue();
            size += value instanceof String s ? 3L * s.length() : primitiveSize(value);
        }
        return size;
    }

    private static int primitiveSize(Object value) {
        if (value == null) {
            return 0;
        } else if (value instanceof Boolean || value instanceof Byte) {
            return 1;
        } else if (value instanceof Short || value instanceof Character) {
            return 2;
        } else if (value instanceof Integer || value instanceof Float) {
            return 4;
        }
        return 8; // Long, Double
    }

    private static long utf8Length(String s) {
        long length = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                length += 1; // a surrogate pair takes 4 bytes
            } else if (c >= 0x800) {
                length += 2;
            } else if (c >= 0x80) {
                length += 1;
            }
        }
        return length;
    }

    /** Whether the body is a {@link LargeBody}, kept in chunks. */
    public boolean isLarge() {
        return body instanceof LargeBody;
    }

    public boolean isExpired(long now) {
        return expiration != 0 && expiration <= now;
    }

    public static final class Builder {
        private final BodyType bodyType;
        private String messageId;
        private long timestamp;
        private String correlationId;
        private boolean correlationIdBytes;
        private DestinationName destination;
        private DestinationName replyTo;
        private int deliveryMode = jakarta.jms.DeliveryMode.PERSISTENT;
        private String type;
        private long expiration;
        private long deliveryTime;
        private int priority = DEFAULT_PRIORITY;
        private Map<String, Object> properties;
        private Object body;
        private String senderConnectionId;

        private Builder(BodyType bodyType) {
            this.bodyType = bodyType;
        }

        public Builder messageId(String v) { messageId = v; return this; }
        public Builder timestamp(long v) { timestamp = v; return this; }
        public Builder correlationId(String v, boolean fromBytes) { correlationId = v; correlationIdBytes = fromBytes; return this; }
        public Builder destination(DestinationName v) { destination = v; return this; }
        public Builder replyTo(DestinationName v) { replyTo = v; return this; }
        public Builder deliveryMode(int v) { deliveryMode = v; return this; }
        public Builder type(String v) { type = v; return this; }
        public Builder expiration(long v) { expiration = v; return this; }
        public Builder deliveryTime(long v) { deliveryTime = v; return this; }
        public Builder priority(int v) { priority = v; return this; }
        /** Takes ownership of the map: the caller must not touch it afterwards. */
        public Builder properties(Map<String, Object> v) { properties = v; return this; }
        /** Takes ownership of the body: see the class comment for the accepted types. */
        public Builder body(Object v) { body = v; return this; }
        public Builder senderConnectionId(String v) { senderConnectionId = v; return this; }

        public MessageData build() {
            return new MessageData(this);
        }
    }
}
