package org.ferrymq.client.message;

import jakarta.jms.MessageFormatException;
import java.util.Locale;
import java.util.Set;
import org.ferrymq.protocol.codec.ValueConversions;
import org.ferrymq.protocol.codec.ValueType;

/**
 * The rules for message property names and values (Jakarta Messaging 3.5): which names are
 * valid and which values may be stored. Messages and the simplified API's {@code JMSProducer}
 * apply the same rules through this class; the producer turns a {@link MessageFormatException}
 * into its runtime variant. The conversions the getters make (table 3.5.4) are the codec's
 * {@link ValueConversions}, shared with map and stream bodies.
 */
public final class PropertyValues {

    /** Set by the provider on receive: how many times the message has been delivered. */
    public static final String JMSX_DELIVERY_COUNT = "JMSXDeliveryCount";
    /** Set by the client: the message group the message belongs to. */
    public static final String JMSX_GROUP_ID = "JMSXGroupID";
    /** Set by the client: the position of the message in its group, starting at 1. */
    public static final String JMSX_GROUP_SEQ = "JMSXGroupSeq";

    /**
     * Words of the selector syntax that cannot be identifiers. Selector keywords are case
     * insensitive, so a property named {@code and} could never be referenced either.
     */
    private static final Set<String> RESERVED_WORDS = Set.of(
            "NULL", "TRUE", "FALSE", "NOT", "AND", "OR", "BETWEEN", "LIKE", "IN", "IS", "ESCAPE");

    private PropertyValues() {
    }

    // ---- names and values ----

    /**
     * Checks that a property name obeys the rules for a message selector identifier.
     *
     * @throws IllegalArgumentException if the name is null, empty, not a Java identifier or a
     *         reserved word of the selector syntax
     */
    public static void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("A property name must not be null");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("A property name must not be the empty string");
        }
        int first = name.codePointAt(0);
        if (!Character.isJavaIdentifierStart(first)) {
            throw new IllegalArgumentException("Property name '" + name + "' must start with a letter, '_' or '$' "
                    + "(it must be a message selector identifier), not with '" + Character.toString(first) + "'");
        }
        for (int i = Character.charCount(first); i < name.length();) {
            int c = name.codePointAt(i);
            if (!Character.isJavaIdentifierPart(c)) {
                throw new IllegalArgumentException("Property name '" + name + "' contains '" + Character.toString(c)
                        + "' at index " + i + "; a property name may contain only letters, digits, '_' and '$'");
            }
            i += Character.charCount(c);
        }
        if (RESERVED_WORDS.contains(name.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("Property name '" + name + "' is a reserved word of the message "
                    + "selector syntax (NULL, TRUE, FALSE, NOT, AND, OR, BETWEEN, LIKE, IN, IS, ESCAPE); choose another name");
        }
    }

    /**
     * Checks that a value may be stored as a property: null or a {@code Boolean},
     * {@code Byte}, {@code Short}, {@code Integer}, {@code Long}, {@code Float},
     * {@code Double} or {@code String}.
     */
    public static void checkValue(Object value) throws MessageFormatException {
        if (!ValueType.isPropertyValue(value)) {
            throw new MessageFormatException("A property value must be a Boolean, Byte, Short, Integer, Long, Float, "
                    + "Double or String, not a " + value.getClass().getName());
        }
    }

    /**
     * Checks a name and value together, including the types the specification fixes for the
     * JMSX properties: {@code JMSXGroupID} is a String, {@code JMSXGroupSeq} and
     * {@code JMSXDeliveryCount} are ints.
     */
    public static void checkProperty(String name, Object value) throws MessageFormatException {
        checkName(name);
        checkValue(value);
        if (value == null || !name.startsWith("JMSX")) {
            return;
        }
        switch (name) {
            case JMSX_GROUP_ID -> requireType(name, value, String.class, "String");
            case JMSX_GROUP_SEQ, JMSX_DELIVERY_COUNT -> requireType(name, value, Integer.class, "int");
            default -> { } // other JMSX names are ordinary properties to us
        }
    }

    private static void requireType(String name, Object value, Class<?> type, String typeName)
            throws MessageFormatException {
        if (!type.isInstance(value)) {
            throw new MessageFormatException("Property " + name + " must be set as " + typeName + ", not as "
                    + value.getClass().getSimpleName() + " (value " + value + ")");
        }
    }

    /** The property types plus {@code Character} and {@code byte[]}: what map and stream bodies hold. */
    static void checkBodyValue(Object value) throws MessageFormatException {
        if (!ValueType.isBodyValue(value)) {
            throw new MessageFormatException("Only Boolean, Byte, Short, Character, Integer, Long, Float, Double, "
                    + "String and byte[] values can be written to a message body this way, not a "
                    + value.getClass().getName() + "; use an ObjectMessage for other objects");
        }
    }
}
