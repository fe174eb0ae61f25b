package org.ferrymq.protocol.codec;

/**
 * The types of value a JMS message holds, each with the tag that marks it in the binary
 * encoding and the name the journal writes for a property. Properties take the eight
 * {@linkplain #isPropertyValue property types}; map and stream bodies take those plus
 * {@code char} and {@code byte[]} (Jakarta Messaging 3.5.4 and 3.11.3).
 *
 * <p>The tags are part of stored journals and of the wire format: never renumber one.
 */
public enum ValueType {
    NULL(0, "null"),
    BOOLEAN(1, "boolean"),
    BYTE(2, "byte"),
    SHORT(3, "short"),
    CHAR(4, "char"),
    INT(5, "int"),
    LONG(6, "long"),
    FLOAT(7, "float"),
    DOUBLE(8, "double"),
    STRING(9, "string"),
    BYTES(10, "byte[]");

    private static final ValueType[] BY_TAG = values();

    private final int tag;
    private final String typeName;

    ValueType(int tag, String typeName) {
        this.tag = tag;
        this.typeName = typeName;
    }

    /** The byte that marks a value of this type in the binary encoding. */
    public int tag() {
        return tag;
    }

    /** The lower-case name of the type: {@code boolean}, {@code int}, {@code string}, {@code byte[]}... */
    public String typeName() {
        return typeName;
    }

    /** The type of a value, or null when it is none a message can hold. */
    public static ValueType of(Object value) {
        if (value == null) {
            return NULL;
        } else if (value instanceof String) {
            return STRING;
        } else if (value instanceof Integer) {
            return INT;
        } else if (value instanceof Long) {
            return LONG;
        } else if (value instanceof Boolean) {
            return BOOLEAN;
        } else if (value instanceof Double) {
            return DOUBLE;
        } else if (value instanceof Float) {
            return FLOAT;
        } else if (value instanceof Short) {
            return SHORT;
        } else if (value instanceof Byte) {
            return BYTE;
        } else if (value instanceof Character) {
            return CHAR;
        } else if (value instanceof byte[]) {
            return BYTES;
        }
        return null;
    }

    /** The type a tag marks. */
    public static ValueType forTag(int tag) throws CodecException {
        if (tag < 0 || tag >= BY_TAG.length) {
            throw new CodecException("unknown value tag " + tag);
        }
        return BY_TAG[tag];
    }

    /** The type a {@link #typeName()} names, or null when none does. */
    public static ValueType forName(String typeName) {
        for (ValueType type : BY_TAG) {
            if (type.typeName.equals(typeName)) {
                return type;
            }
        }
        return null;
    }

    /** Whether this is one of the eight property types: boolean, byte, short, int, long, float, double, string. */
    public boolean isPropertyType() {
        return this != NULL && this != CHAR && this != BYTES;
    }

    /** Null, or a value of one of the eight property types. */
    public static boolean isPropertyValue(Object value) {
        ValueType type = of(value);
        return type == NULL || type != null && type.isPropertyType();
    }

    /** Null, a property type, a Character or a byte[]: what map and stream bodies hold. */
    public static boolean isBodyValue(Object value) {
        return of(value) != null;
    }

    /** Long, Integer, Short or Byte: the numbers a selector computes with exactly. */
    public static boolean isExactNumber(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    /** An exact number, a Double or a Float. */
    public static boolean isNumber(Object value) {
        return isExactNumber(value) || value instanceof Double || value instanceof Float;
    }

    /**
     * The value of this type that {@code text} spells, as {@code valueOf(String)} reads it;
     * null for null. The inverse of {@code String.valueOf} for the property types.
     *
     * @throws IllegalArgumentException when the text does not spell a value of this type
     */
    public Object parse(String text) {
        if (text == null) {
            return null;
        }
        return switch (this) {
            case BOOLEAN -> Boolean.valueOf(text);
            case BYTE -> Byte.valueOf(text);
            case SHORT -> Short.valueOf(text);
            case INT -> Integer.valueOf(text);
            case LONG -> Long.valueOf(text);
            case FLOAT -> Float.valueOf(text);
            case DOUBLE -> Double.valueOf(text);
            case STRING -> text;
            case CHAR -> {
                if (text.length() != 1) {
                    throw new IllegalArgumentException("'" + text + "' is not one char");
                }
                yield text.charAt(0);
            }
            case NULL, BYTES -> throw new IllegalArgumentException("a " + typeName + " value is not written as text");
        };
    }
}
