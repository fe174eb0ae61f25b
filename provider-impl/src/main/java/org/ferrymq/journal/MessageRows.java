package org.ferrymq.journal;

import jakarta.jms.DeliveryMode;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;

/**
 * How a message maps to the rows of {@code FMQ_MESSAGE} and {@code FMQ_MSG_PROPERTY}: one
 * column per header, the body in {@code BODY_TEXT} (text) or {@code BODY_BYTES} (everything
 * else), one property row per property with its value as readable text.
 */
final class MessageRows {

    static final String MESSAGE_COLUMNS = "MSG_NO, REF_COUNT, JMS_MESSAGE_ID, DEST_TYPE, DEST_NAME, JMS_TIMESTAMP, "
            + "CORRELATION_ID, CORRELATION_IS_BYTES, REPLY_TO_TYPE, REPLY_TO_NAME, JMS_TYPE, PRIORITY, EXPIRATION, "
            + "DELIVERY_TIME, BODY_TYPE, BODY_TEXT, BODY_BYTES, PROPERTY_COUNT";

    static final String INSERT_MESSAGE = "INSERT INTO FMQ_MESSAGE (" + MESSAGE_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    static final String INSERT_PROPERTY =
            "INSERT INTO FMQ_MSG_PROPERTY (MSG_NO, PROP_NAME, PROP_TYPE, PROP_VALUE) VALUES (?, ?, ?, ?)";

    private MessageRows() {
    }

    /** Binds one FMQ_MESSAGE row to {@link #INSERT_MESSAGE}. */
    static void bindMessage(PreparedStatement insert, PersistentMessage message) throws SQLException {
        MessageData data = message.data();
        int i = 1;
        insert.setLong(i++, message.messageNo());
        insert.setInt(i++, message.references());
        insert.setString(i++, data.messageId());
        insert.setString(i++, kind(data.destination()));
        insert.setString(i++, data.destination().name());
        insert.setLong(i++, data.timestamp());
        boolean correlationBytes = data.correlationIdIsBytes() && data.correlationId() != null;
        insert.setString(i++, correlationBytes
                ? HexFormat.of().formatHex(data.correlationId().getBytes(StandardCharsets.ISO_8859_1))
                : data.correlationId());
        insert.setShort(i++, (short) (correlationBytes ? 1 : 0));
        insert.setString(i++, data.replyTo() == null ? null : kind(data.replyTo()));
        insert.setString(i++, data.replyTo() == null ? null : data.replyTo().name());
        insert.setString(i++, data.type());
        insert.setShort(i++, (short) data.priority());
        insert.setLong(i++, data.expiration());
        insert.setLong(i++, data.deliveryTime());
        insert.setString(i++, data.bodyType().name());
        Object body = data.body();
        String text = null;
        byte[] bytes = null;
        switch (data.bodyType()) {
            case TEXT -> {
                String s = (String) body;
                if (s != null && s.indexOf('\0') >= 0) {
                    bytes = s.getBytes(StandardCharsets.UTF_8); // some databases refuse NUL in text columns
                } else {
                    text = s;
                }
            }
            case BYTES, OBJECT -> bytes = (byte[]) body;
            case MAP -> bytes = body == null ? null : BodyCodec.encodeMap((Map<?, ?>) body);
            case STREAM -> bytes = body == null ? null : BodyCodec.encodeList((java.util.List<?>) body);
            case MESSAGE -> { }
        }
        insert.setString(i++, text);
        if (bytes == null) {
            insert.setNull(i++, Types.VARBINARY);
        } else {
            insert.setBytes(i++, bytes);
        }
        insert.setInt(i, data.properties().size());
    }

    /** Adds one FMQ_MSG_PROPERTY row per property to the batch of {@link #INSERT_PROPERTY}. */
    static void addProperties(PreparedStatement insert, PersistentMessage message) throws SQLException {
        for (Map.Entry<String, Object> p : message.data().properties().entrySet()) {
            Object value = p.getValue();
            insert.setLong(1, message.messageNo());
            insert.setString(2, p.getKey());
            insert.setString(3, propertyType(value));
            insert.setString(4, value == null ? null : value.toString());
            insert.addBatch();
        }
    }

    /**
     * The message of a row selected with {@link #MESSAGE_COLUMNS} starting at column {@code first}.
     * A failure of the database is an SQLException; columns that hold something no FerryMQ
     * writes (a row changed by hand, a bad migration) are a {@link DamagedMessage}.
     */
    static PersistentMessage.Loaded readMessage(ResultSet row, int first, Map<String, Object> properties)
            throws SQLException, DamagedMessage {
        int i = first;
        long messageNo = row.getLong(i++);
        int references = row.getInt(i++);
        String messageId = row.getString(i++);
        String destinationKind = row.getString(i++);
        String destinationName = row.getString(i++);
        long timestamp = row.getLong(i++);
        String correlationId = row.getString(i++);
        boolean correlationBytes = row.getShort(i++) != 0;
        String replyToType = row.getString(i++);
        String replyToName = row.getString(i++);
        String type = row.getString(i++);
        int priority = row.getShort(i++);
        long expiration = row.getLong(i++);
        long deliveryTime = row.getLong(i++);
        String bodyTypeName = row.getString(i++);
        String text = row.getString(i++);
        byte[] bytes = row.getBytes(i);
        try {
            if (correlationBytes && correlationId != null) {
                correlationId = new String(HexFormat.of().parseHex(correlationId), StandardCharsets.ISO_8859_1);
            }
            MessageData.BodyType bodyType = MessageData.BodyType.valueOf(bodyTypeName);
            Object body = switch (bodyType) {
                case TEXT -> text != null || bytes == null ? text : new String(bytes, StandardCharsets.UTF_8);
                case BYTES, OBJECT -> bytes;
                case MAP -> bytes == null ? null : java.util.Collections.unmodifiableMap(BodyCodec.decodeMap(bytes));
                case STREAM -> bytes == null ? null : java.util.Collections.unmodifiableList(BodyCodec.decodeList(bytes));
                case MESSAGE -> null;
            };
            MessageData data = MessageData.builder(bodyType)
                    .messageId(messageId)
                    .timestamp(timestamp)
                    .correlationId(correlationId, correlationBytes)
                    .destination(destination(destinationKind, destinationName))
                    .replyTo(replyToType == null ? null : destination(replyToType, replyToName))
                    .deliveryMode(DeliveryMode.PERSISTENT)
                    .type(type)
                    .expiration(expiration)
                    .deliveryTime(deliveryTime)
                    .priority(priority)
                    .properties(properties)
                    .body(body)
                    .build();
            return new PersistentMessage.Loaded(messageNo, references, data);
        } catch (IOException | RuntimeException e) {
            throw new DamagedMessage(messageNo, e);
        }
    }

    /**
     * Adds one property row (MSG_NO, PROP_NAME, PROP_TYPE, PROP_VALUE from column {@code first}) to its message's map.
     * A value that does not read as its type is a {@link DamagedMessage}.
     */
    static void readProperty(ResultSet row, int first, Map<Long, Map<String, Object>> byMessage)
            throws SQLException, DamagedMessage {
        long messageNo = row.getLong(first);
        String name = row.getString(first + 1);
        String type = row.getString(first + 2);
        String value = row.getString(first + 3);
        Object typed;
        try {
            typed = value == null ? null : switch (type) {
                case "boolean" -> Boolean.valueOf(value);
                case "byte" -> Byte.valueOf(value);
                case "short" -> Short.valueOf(value);
                case "int" -> Integer.valueOf(value);
                case "long" -> Long.valueOf(value);
                case "float" -> Float.valueOf(value);
                case "double" -> Double.valueOf(value);
                default -> value;
            };
        } catch (RuntimeException e) {
            throw new DamagedMessage(messageNo, new IllegalArgumentException("property '" + name + "' of type "
                    + type + " has the value '" + value + "'", e));
        }
        byMessage.computeIfAbsent(messageNo, n -> new LinkedHashMap<>()).put(name, typed);
    }

    /** A stored message whose rows hold something that does not read back as a message. */
    static final class DamagedMessage extends Exception {
        final long messageNo;

        DamagedMessage(long messageNo, Throwable cause) {
            super("stored message " + messageNo + " cannot be read back: " + reason(cause), cause);
            this.messageNo = messageNo;
        }

        private static String reason(Throwable cause) {
            if (cause instanceof EOFException) {
                return "its body ends before the values it announces";
            }
            return cause.getMessage() != null ? cause.getMessage() : cause.toString();
        }
    }

    private static String propertyType(Object value) {
        if (value instanceof Boolean) {
            return "boolean";
        } else if (value instanceof Byte) {
            return "byte";
        } else if (value instanceof Short) {
            return "short";
        } else if (value instanceof Integer) {
            return "int";
        } else if (value instanceof Long) {
            return "long";
        } else if (value instanceof Float) {
            return "float";
        } else if (value instanceof Double) {
            return "double";
        }
        return "string";
    }

    /** How a destination kind is written: queue, topic, temp_queue, temp_topic. */
    static String kind(DestinationName destination) {
        return destination.kind().name().toLowerCase(Locale.ROOT);
    }

    private static DestinationName destination(String kind, String name) {
        return new DestinationName(DestinationName.Kind.valueOf(kind.toUpperCase(Locale.ROOT)), name);
    }
}
