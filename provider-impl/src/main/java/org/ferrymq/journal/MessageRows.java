package org.ferrymq.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.api.journal.ChunkedBody;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.MessageContent;
import org.ferrymq.api.journal.StoredMessage;
import org.ferrymq.protocol.codec.MessageContents;
import org.ferrymq.protocol.codec.ValueCodec;
import org.ferrymq.protocol.codec.ValueType;

/**
 * How a message maps to the rows of {@code FMQ_MESSAGE} and {@code FMQ_MSG_PROPERTY}: one
 * column per header, the body in {@code BODY_TEXT} (text) or {@code BODY_BYTES} (everything
 * else), one property row per property with its value as readable text. A large message's
 * body ({@link ChunkedBody}) is in neither column: {@code LARGE_BODY_SIZE} holds its length,
 * {@code FMQ_MSG_CHUNK} its bytes; the column is NULL for every other message.
 *
 * <p>The duplicate ID ({@link DestinationPolicy#DUPLICATE_ID_PROPERTY}), when it is a String the
 * window's table could hold, is in {@code DUPLICATE_ID}, not in a property row:
 * a send with an ID then writes no property rows unless it has other properties (on H2 every
 * table a commit touches is written out again, so a property row cost a send with an ID about
 * as much as its window row). {@code PROPERTY_COUNT} counts the property rows. Messages stored
 * before the column (schema version 6) keep their ID in a property row, and read back the same.
 */
final class MessageRows {

    static final String MESSAGE_COLUMNS = "MSG_NO, REF_COUNT, JMS_MESSAGE_ID, DEST_TYPE, DEST_NAME, JMS_TIMESTAMP, "
            + "CORRELATION_ID, CORRELATION_IS_BYTES, REPLY_TO_TYPE, REPLY_TO_NAME, JMS_TYPE, PRIORITY, EXPIRATION, "
            + "DELIVERY_TIME, BODY_TYPE, BODY_TEXT, BODY_BYTES, PROPERTY_COUNT, LARGE_BODY_SIZE, DUPLICATE_ID";

    static final String INSERT_MESSAGE = "INSERT INTO FMQ_MESSAGE (" + MESSAGE_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    static final String INSERT_PROPERTY =
            "INSERT INTO FMQ_MSG_PROPERTY (MSG_NO, PROP_NAME, PROP_TYPE, PROP_VALUE) VALUES (?, ?, ?, ?)";

    private MessageRows() {
    }

    /** Binds one FMQ_MESSAGE row to {@link #INSERT_MESSAGE}. */
    static void bindMessage(PreparedStatement insert, StoredMessage message) throws SQLException {
        MessageContent content = message.content();
        int i = 1;
        insert.setLong(i++, message.messageNo());
        insert.setInt(i++, message.references());
        insert.setString(i++, content.messageId());
        insert.setString(i++, content.destinationKind());
        insert.setString(i++, content.destinationName());
        insert.setLong(i++, content.timestamp());
        insert.setString(i++, content.correlationIdIsBytes()
                ? HexFormat.of().formatHex(content.correlationId().getBytes(StandardCharsets.ISO_8859_1))
                : content.correlationId());
        insert.setShort(i++, (short) (content.correlationIdIsBytes() ? 1 : 0));
        insert.setString(i++, content.replyToKind());
        insert.setString(i++, content.replyToName());
        insert.setString(i++, content.type());
        insert.setShort(i++, (short) content.priority());
        insert.setLong(i++, content.expiration());
        insert.setLong(i++, content.deliveryTime());
        insert.setString(i++, content.bodyType());
        Object body = content.body();
        String text = null;
        byte[] bytes = null;
        if (body instanceof String s) {
            if (s.indexOf('\0') >= 0) {
                bytes = s.getBytes(StandardCharsets.UTF_8); // some databases refuse NUL in text columns
            } else {
                text = s;
            }
        } else if (body instanceof byte[] b) {
            bytes = b;
        } else if (body instanceof Map<?, ?> map) {
            bytes = ValueCodec.encodeMap(map);
        } else if (body instanceof List<?> list) {
            bytes = ValueCodec.encodeList(list);
        }
        insert.setString(i++, text);
        if (bytes == null) {
            insert.setNull(i++, Types.VARBINARY);
        } else {
            insert.setBytes(i++, bytes);
        }
        String duplicateId = duplicateIdColumn(content);
        insert.setInt(i++, content.properties().size() - (duplicateId == null ? 0 : 1));
        if (body instanceof ChunkedBody chunked) {
            insert.setLong(i++, chunked.size());
        } else {
            insert.setNull(i++, Types.BIGINT);
        }
        insert.setString(i, duplicateId);
    }

    /**
     * The duplicate ID that goes in the message's {@code DUPLICATE_ID} column instead of a
     * property row: a String of 1 to {@link Journal#MAX_DUPLICATE_ID_LENGTH} characters; null
     * for none, or for a value the column could not hold (kept in a property row, as any other).
     */
    static String duplicateIdColumn(MessageContent content) {
        Object value = content.properties().get(DestinationPolicy.DUPLICATE_ID_PROPERTY);
        return value instanceof String id && !id.isEmpty() && id.length() <= Journal.MAX_DUPLICATE_ID_LENGTH ? id
                : null;
    }

    /** Whether the message has property rows: properties other than a duplicate ID kept in its column. */
    static boolean hasPropertyRows(MessageContent content) {
        int rows = content.properties().size();
        return rows > 1 || rows == 1 && duplicateIdColumn(content) == null;
    }

    /**
     * Adds one FMQ_MSG_PROPERTY row per property to the batch of {@link #INSERT_PROPERTY}, but for
     * a duplicate ID kept in its column ({@link #duplicateIdColumn}).
     */
    static void addProperties(PreparedStatement insert, StoredMessage message) throws SQLException {
        String duplicateId = duplicateIdColumn(message.content());
        for (Map.Entry<String, Object> p : message.content().properties().entrySet()) {
            if (duplicateId != null && p.getKey().equals(DestinationPolicy.DUPLICATE_ID_PROPERTY)) {
                continue;
            }
            Object value = p.getValue();
            insert.setLong(1, message.messageNo());
            insert.setString(2, p.getKey());
            insert.setString(3, propertyType(value));
            insert.setString(4, value == null ? null : value.toString());
            insert.addBatch();
        }
    }

    /**
     * The message of a row selected with {@link #MESSAGE_COLUMNS} starting at column {@code first},
     * with {@code properties} (read from its property rows; null for none yet) and its duplicate ID.
     * A failure of the database is an SQLException; columns that hold something no FerryMQ
     * writes (a row changed by hand, a bad migration) are a {@link DamagedMessage}.
     */
    static Loaded readMessage(ResultSet row, int first, Map<String, Object> properties)
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
        String replyToKind = row.getString(i++);
        String replyToName = row.getString(i++);
        String type = row.getString(i++);
        int priority = row.getShort(i++);
        long expiration = row.getLong(i++);
        long deliveryTime = row.getLong(i++);
        String bodyType = row.getString(i++);
        String text = row.getString(i++);
        byte[] bytes = row.getBytes(i++);
        i++; // PROPERTY_COUNT
        long largeBodySize = row.getLong(i++);
        boolean large = !row.wasNull();
        String duplicateId = row.getString(i);
        if (duplicateId != null) {
            properties = properties == null ? new LinkedHashMap<>() : new LinkedHashMap<>(properties);
            properties.put(DestinationPolicy.DUPLICATE_ID_PROPERTY, duplicateId);
        }
        try {
            if (correlationBytes && correlationId != null) {
                correlationId = new String(HexFormat.of().parseHex(correlationId), StandardCharsets.ISO_8859_1);
            }
            Object body = large ? new ChunkedBody(messageNo, largeBodySize) : switch (String.valueOf(bodyType)) {
                case "TEXT" -> text != null || bytes == null ? text : new String(bytes, StandardCharsets.UTF_8);
                case "MAP" -> bytes == null ? null : ValueCodec.decodeMap(bytes);
                case "STREAM" -> bytes == null ? null : ValueCodec.decodeList(bytes);
                case "MESSAGE" -> null;
                default -> bytes;
            };
            MessageContent content = new MessageContent(messageId, timestamp, correlationId,
                    correlationBytes && correlationId != null, destinationKind, destinationName, replyToKind,
                    replyToName, type, priority, expiration, deliveryTime,
                    properties == null ? null : Collections.unmodifiableMap(properties), bodyType, body);
            MessageContents.toMessageData(content); // refuses what the broker could not read back
            return new Loaded(messageNo, references, content);
        } catch (IOException | RuntimeException e) {
            throw new DamagedMessage(messageNo, e);
        }
    }

    /** A message read back from storage. */
    record Loaded(long messageNo, int references, MessageContent content) implements StoredMessage {

        /** The same message with the properties read from their rows, and those it has (its duplicate ID). */
        static Loaded withProperties(StoredMessage message, Map<String, Object> rows) {
            MessageContent c = message.content();
            Map<String, Object> properties = new LinkedHashMap<>(rows);
            if (c.properties() != null) {
                properties.putAll(c.properties());
            }
            return new Loaded(message.messageNo(), message.references(), new MessageContent(c.messageId(), c.timestamp(),
                    c.correlationId(), c.correlationIdIsBytes(), c.destinationKind(), c.destinationName(),
                    c.replyToKind(), c.replyToName(), c.type(), c.priority(), c.expiration(), c.deliveryTime(),
                    Collections.unmodifiableMap(properties), c.bodyType(), c.body()));
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
            ValueType valueType = ValueType.forName(type);
            typed = valueType == null || !valueType.isPropertyType() ? value : valueType.parse(value);
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
            return cause.getMessage() != null ? cause.getMessage() : cause.toString();
        }
    }

    /** The PROP_TYPE of a property value: its {@link ValueType#typeName()}; a null is written as a string. */
    private static String propertyType(Object value) {
        ValueType type = ValueType.of(value);
        return type == null || type == ValueType.NULL ? ValueType.STRING.typeName() : type.typeName();
    }
}
