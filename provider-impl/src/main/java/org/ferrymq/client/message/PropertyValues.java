package org.ferrymq.client.message;

import jakarta.jms.MessageFormatException;
import java.util.Locale;
import java.util.Set;

/**
 * The rules for message property names and values (Jakarta Messaging 3.5): which names are
 * valid, which values may be stored, and which conversions the getters make (table 3.5.4).
 * Messages and the simplified API's {@code JMSProducer} apply the same rules through this
 * class; the producer turns a {@link MessageFormatException} into its runtime variant.
 *
 * <p>A value set as one type can be read as another only where the table allows it; every
 * other cell is a {@link MessageFormatException}. Reading from a {@code String} behaves as
 * the target type's {@code valueOf(String)}, and so does reading a missing (null) value:
 * {@code false} for boolean, {@link NumberFormatException} for the integral types,
 * {@link NullPointerException} for float and double, null for String.
 *
 * <p>MapMessage and StreamMessage bodies use the same table extended by {@code char} and
 * {@code byte[]} (3.11.3); those two conversions are package-private here.
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
        if (value != null && !isPropertyType(value)) {
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

    private static boolean isPropertyType(Object value) {
        return value instanceof String || value instanceof Integer || value instanceof Long
                || value instanceof Boolean || value instanceof Double || value instanceof Float
                || value instanceof Short || value instanceof Byte;
    }

    /** The property types plus {@code Character} and {@code byte[]}: what map and stream bodies hold. */
    static void checkBodyValue(Object value) throws MessageFormatException {
        if (value != null && !isPropertyType(value) && !(value instanceof Character) && !(value instanceof byte[])) {
            throw new MessageFormatException("Only Boolean, Byte, Short, Character, Integer, Long, Float, Double, "
                    + "String and byte[] values can be written to a message body this way, not a "
                    + value.getClass().getName() + "; use an ObjectMessage for other objects");
        }
    }

    // ---- conversions (a value set as the row type can be read as the column type) ----

    public static boolean getBoolean(Object value) throws MessageFormatException {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value == null || value instanceof String) {
            return Boolean.valueOf((String) value);
        }
        throw cannotRead(value, "boolean");
    }

    public static byte getByte(Object value) throws MessageFormatException {
        if (value instanceof Byte b) {
            return b;
        }
        if (value == null || value instanceof String) {
            return Byte.valueOf((String) value);
        }
        throw cannotRead(value, "byte");
    }

    public static short getShort(Object value) throws MessageFormatException {
        if (value instanceof Short s) {
            return s;
        }
        if (value instanceof Byte b) {
            return b;
        }
        if (value == null || value instanceof String) {
            return Short.valueOf((String) value);
        }
        throw cannotRead(value, "short");
    }

    public static int getInt(Object value) throws MessageFormatException {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        if (value == null || value instanceof String) {
            return Integer.valueOf((String) value);
        }
        throw cannotRead(value, "int");
    }

    public static long getLong(Object value) throws MessageFormatException {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value == null || value instanceof String) {
            return Long.valueOf((String) value);
        }
        throw cannotRead(value, "long");
    }

    public static float getFloat(Object value) throws MessageFormatException {
        if (value instanceof Float f) {
            return f;
        }
        if (value == null || value instanceof String) {
            return Float.valueOf((String) value); // NullPointerException for null, as valueOf does
        }
        throw cannotRead(value, "float");
    }

    public static double getDouble(Object value) throws MessageFormatException {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value == null || value instanceof String) {
            return Double.valueOf((String) value); // NullPointerException for null, as valueOf does
        }
        throw cannotRead(value, "double");
    }

    public static String getString(Object value) throws MessageFormatException {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof byte[]) {
            throw cannotRead(value, "String");
        }
        return value.toString(); // every boxed primitive reads as its String form
    }

    /** Map and stream bodies only: a char can be read only from a char. */
    static char getChar(Object value) throws MessageFormatException {
        if (value instanceof Character c) {
            return c;
        }
        if (value == null) {
            // char has no valueOf(String), so the spec asks for a NullPointerException here
            throw new NullPointerException("Cannot read a null value as a char");
        }
        throw cannotRead(value, "char");
    }

    /** Map and stream bodies only: a byte[] can be read only from a byte[]; returns a copy. */
    static byte[] getBytes(Object value) throws MessageFormatException {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        throw cannotRead(value, "byte[]");
    }

    private static MessageFormatException cannotRead(Object value, String target) {
        String type = value instanceof byte[] ? "byte[]" : value.getClass().getSimpleName();
        String shown = value instanceof byte[] bytes ? bytes.length + " bytes" : String.valueOf(value);
        return new MessageFormatException("Cannot read a " + type + " value (" + shown + ") as " + target
                + "; a " + type + " can be read only as " + readableAs(value));
    }

    private static String readableAs(Object value) {
        if (value instanceof Boolean) {
            return "boolean or String";
        } else if (value instanceof Byte) {
            return "byte, short, int, long or String";
        } else if (value instanceof Short) {
            return "short, int, long or String";
        } else if (value instanceof Character) {
            return "char or String";
        } else if (value instanceof Integer) {
            return "int, long or String";
        } else if (value instanceof Long) {
            return "long or String";
        } else if (value instanceof Float) {
            return "float, double or String";
        } else if (value instanceof Double) {
            return "double or String";
        } else if (value instanceof byte[]) {
            return "byte[]";
        }
        return "String";
    }
}
