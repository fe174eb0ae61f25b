package org.ferrymq.api.journal;

import java.util.Map;

/**
 * What a journal stores of a persistent message: its headers, its properties and its body, in
 * plain Java types. A journal writes these and gives the same values back; it needs to know
 * nothing else about the broker's messages. (JMSDeliveryMode is not here: every stored message
 * is persistent. JMSRedelivered and JMSXDeliveryCount belong to a delivery, not to the message.)
 *
 * @param messageId JMSMessageID, or null when message IDs are disabled
 * @param timestamp JMSTimestamp, 0 when timestamps are disabled
 * @param correlationId JMSCorrelationID, or null; when {@code correlationIdIsBytes}, the bytes
 *     set through {@code setJMSCorrelationIDAsBytes} as ISO-8859-1 characters
 * @param correlationIdIsBytes whether the correlation ID was set as bytes
 * @param destinationKind the kind of JMSDestination: {@code queue}, {@code topic},
 *     {@code temp_queue} or {@code temp_topic}
 * @param destinationName the name of JMSDestination
 * @param replyToKind the kind of JMSReplyTo, or null when it has none
 * @param replyToName the name of JMSReplyTo, or null when it has none
 * @param type JMSType, or null
 * @param priority JMSPriority, 0 to 9
 * @param expiration JMSExpiration, 0 for never
 * @param deliveryTime JMSDeliveryTime
 * @param properties the properties, each a Boolean, Byte, Short, Integer, Long, Float, Double,
 *     String or null; unmodifiable
 * @param bodyType {@code MESSAGE}, {@code TEXT}, {@code BYTES}, {@code MAP}, {@code STREAM} or
 *     {@code OBJECT}
 * @param body null, or by body type: a String (TEXT); a byte[] (BYTES, and OBJECT in its
 *     serialized form); an unmodifiable {@code Map<String, Object>} (MAP) or
 *     {@code List<Object>} (STREAM) of the property types, Character and byte[]; or, for a
 *     large message, a {@link ChunkedBody}, the body being stored apart in chunks. Nobody
 *     writes to a byte[] here.
 */
public record MessageContent(String messageId, long timestamp, String correlationId, boolean correlationIdIsBytes,
        String destinationKind, String destinationName, String replyToKind, String replyToName, String type,
        int priority, long expiration, long deliveryTime, Map<String, Object> properties, String bodyType,
        Object body) {

    public MessageContent {
        properties = properties == null ? Map.of() : properties;
    }
}
