package org.ferrymq.selector;

import java.util.function.Function;
import org.ferrymq.protocol.MessageData;

/**
 * A header or property name. Against a message, the six headers a selector may name
 * (Jakarta Messaging 3.1, section 3.8.1.1) are read from the message's header fields;
 * every other name, including other JMS-prefixed ones, is a property, and an absent
 * property is NULL.
 */
final class Identifier extends Expression {

    private enum Header { DELIVERY_MODE, PRIORITY, MESSAGE_ID, TIMESTAMP, CORRELATION_ID, TYPE }

    final String name;
    /** Null when the name is a property. */
    private final Header header;

    Identifier(String name) {
        this.name = name;
        this.header = switch (name) {
            case "JMSDeliveryMode" -> Header.DELIVERY_MODE;
            case "JMSPriority" -> Header.PRIORITY;
            case "JMSMessageID" -> Header.MESSAGE_ID;
            case "JMSTimestamp" -> Header.TIMESTAMP;
            case "JMSCorrelationID" -> Header.CORRELATION_ID;
            case "JMSType" -> Header.TYPE;
            default -> null;
        };
    }

    @Override
    Type type() {
        return Type.ANY;
    }

    @Override
    @SuppressWarnings("unchecked") // Selector.matches passes only these two kinds of source
    Object evaluate(Object source) {
        if (source instanceof MessageData message) {
            return valueIn(message);
        }
        return ((Function<String, Object>) source).apply(name);
    }

    private Object valueIn(MessageData message) {
        if (header == null) {
            return message.properties().get(name);
        }
        return switch (header) {
            case DELIVERY_MODE -> message.persistent() ? "PERSISTENT" : "NON_PERSISTENT";
            case PRIORITY -> message.priority();
            case MESSAGE_ID -> message.messageId();
            case TIMESTAMP -> message.timestamp();
            case CORRELATION_ID -> message.correlationId();
            case TYPE -> message.type();
        };
    }
}
