package org.ferrymq.protocol.codec;

import jakarta.jms.MessageFormatException;

/**
 * The conversions of Jakarta Messaging's table 3.5.4: a value set as one type (the row) read
 * as another (the column). Properties use the eight property types; map and stream bodies the
 * same table extended by {@code char} and {@code byte[]} (3.11.3). Every cell the table leaves
 * empty is a {@link MessageFormatException}.
 *
 * <p>Reading from a {@code String} behaves as the target type's {@code valueOf(String)}, and
 * so does reading a missing (null) value: {@code false} for boolean,
 * {@link NumberFormatException} for the integral types, {@link NullPointerException} for float,
 * double and char, null for String and byte[].
 */
public final class ValueConversions {

    private ValueConversions() {
    }

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
        if (value instanceof Short || value instanceof Byte) {
            return ((Number) value).shortValue();
        }
        if (value == null || value instanceof String) {
            return Short.valueOf((String) value);
        }
        throw cannotRead(value, "short");
    }

    public static int getInt(Object value) throws MessageFormatException {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        if (value == null || value instanceof String) {
            return Integer.valueOf((String) value);
        }
        throw cannotRead(value, "int");
    }

    public static long getLong(Object value) throws MessageFormatException {
        if (ValueType.isExactNumber(value)) {
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
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue();
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
    public static char getChar(Object value) throws MessageFormatException {
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
    public static byte[] getBytes(Object value) throws MessageFormatException {
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
                + "; a " + type + " can be read only as " + readableAs(ValueType.of(value)));
    }

    private static String readableAs(ValueType type) {
        if (type == null) {
            return "String";
        }
        return switch (type) {
            case BOOLEAN -> "boolean or String";
            case BYTE -> "byte, short, int, long or String";
            case SHORT -> "short, int, long or String";
            case CHAR -> "char or String";
            case INT -> "int, long or String";
            case LONG -> "long or String";
            case FLOAT -> "float, double or String";
            case DOUBLE -> "double or String";
            case BYTES -> "byte[]";
            case NULL, STRING -> "String";
        };
    }
}
