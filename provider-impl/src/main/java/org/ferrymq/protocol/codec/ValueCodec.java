package org.ferrymq.protocol.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of JMS values, and of the maps and lists of them that map and stream
 * message bodies hold: a value is its {@link ValueType#tag() tag} (one byte) and then its
 * bytes, big-endian; a string is its UTF-8 length (an int) and its UTF-8 bytes; a byte[] its
 * length and its bytes; a map its size (an int) and each name (a string) with its value; a
 * list its size and each value. A string that is not valid UTF-16 (an unpaired surrogate)
 * is written with {@code ?} in place of the unpaired half, as {@link String#getBytes} does.
 *
 * <p>This is also the stored form of map and stream bodies in the journal's {@code BODY_BYTES}
 * column ({@link #encodeMap}, {@link #encodeList}): journals written by earlier versions hold it,
 * so it must not change.
 */
public final class ValueCodec {

    /** The fewest bytes one map entry occupies: an empty name and a null. */
    private static final int MIN_ENTRY = 4 + 1;

    private ValueCodec() {
    }

    /**
     * Writes a value with its tag.
     *
     * @throws IllegalArgumentException when the value is of no {@link ValueType}
     */
    public static void writeValue(Output out, Object value) {
        ValueType type = ValueType.of(value);
        if (type == null) {
            throw new IllegalArgumentException("A message value of type " + value.getClass().getName()
                    + " cannot be encoded; only Boolean, Byte, Short, Character, Integer, Long, Float, Double, "
                    + "String and byte[] can");
        }
        out.writeByte(type.tag());
        switch (type) {
            case NULL -> { }
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case BYTE -> out.writeByte((Byte) value);
            case SHORT -> out.writeShort((Short) value);
            case CHAR -> out.writeChar((Character) value);
            case INT -> out.writeInt((Integer) value);
            case LONG -> out.writeLong((Long) value);
            case FLOAT -> out.writeFloat((Float) value);
            case DOUBLE -> out.writeDouble((Double) value);
            case STRING -> writeString(out, (String) value);
            case BYTES -> writeBytes(out, (byte[]) value);
        }
    }

    /** Reads a value written by {@link #writeValue}. */
    public static Object readValue(Input in) throws CodecException {
        ValueType type = ValueType.forTag(in.readByte());
        return switch (type) {
            case NULL -> null;
            case BOOLEAN -> in.readBoolean();
            case BYTE -> in.readByte();
            case SHORT -> in.readShort();
            case CHAR -> in.readChar();
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case STRING -> readString(in);
            case BYTES -> readBytes(in);
        };
    }

    /** Writes a string that is not null: its UTF-8 length and bytes. */
    public static void writeString(Output out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.writeBytes(utf8);
    }

    public static String readString(Input in) throws CodecException {
        int length = in.checkLength(in.readInt(), 1, "a string");
        return new String(in.readBytes(length), StandardCharsets.UTF_8);
    }

    /** Writes a string or null: a null is the length -1. */
    public static void writeNullableString(Output out, String s) {
        if (s == null) {
            out.writeInt(-1);
        } else {
            writeString(out, s);
        }
    }

    public static String readNullableString(Input in) throws CodecException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        return new String(in.readBytes(in.checkLength(length, 1, "a string")), StandardCharsets.UTF_8);
    }

    /** Writes a byte[] or null: a null is the length -1. */
    public static void writeNullableBytes(Output out, byte[] bytes) {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            writeBytes(out, bytes);
        }
    }

    public static byte[] readNullableBytes(Input in) throws CodecException {
        int length = in.readInt();
        return length == -1 ? null : in.readBytes(in.checkLength(length, 1, "a byte[]"));
    }

    /** Writes a byte[] that is not null: its length and bytes. */
    public static void writeBytes(Output out, byte[] bytes) {
        out.writeInt(bytes.length);
        out.writeBytes(bytes);
    }

    public static byte[] readBytes(Input in) throws CodecException {
        return in.readBytes(in.checkLength(in.readInt(), 1, "a byte[]"));
    }

    /** Writes a map that is not null; its keys are strings, its values of a {@link ValueType}. */
    public static void writeMap(Output out, Map<?, ?> map) {
        out.writeInt(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            writeString(out, (String) e.getKey());
            writeValue(out, e.getValue());
        }
    }

    /** Reads a map written by {@link #writeMap}, in its order. */
    public static Map<String, Object> readMap(Input in) throws CodecException {
        int size = in.checkLength(in.readInt(), MIN_ENTRY, "a map");
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, size * 2));
        for (int i = 0; i < size; i++) {
            String name = readString(in);
            try {
                map.put(name, readValue(in));
            } catch (CodecException e) {
                throw new CodecException("map entry '" + name + "': " + e.getMessage(), e);
            }
        }
        return map;
    }

    /** Writes a list that is not null; its values of a {@link ValueType}. */
    public static void writeList(Output out, List<?> list) {
        out.writeInt(list.size());
        for (Object value : list) {
            writeValue(out, value);
        }
    }

    /** Reads a list written by {@link #writeList}. */
    public static List<Object> readList(Input in) throws CodecException {
        int size = in.checkLength(in.readInt(), 1, "a list");
        List<Object> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            try {
                list.add(readValue(in));
            } catch (CodecException e) {
                throw new CodecException("list item " + i + ": " + e.getMessage(), e);
            }
        }
        return list;
    }

    /** The stored form of a map message body. */
    public static byte[] encodeMap(Map<?, ?> map) {
        ByteArrayOutput out = new ByteArrayOutput(16 + 32 * map.size());
        writeMap(out, map);
        return out.toByteArray();
    }

    /** The stored form of a stream message body. */
    public static byte[] encodeList(List<?> list) {
        ByteArrayOutput out = new ByteArrayOutput(16 + 16 * list.size());
        writeList(out, list);
        return out.toByteArray();
    }

    /** A map body from its stored form, unmodifiable. */
    public static Map<String, Object> decodeMap(byte[] bytes) throws CodecException {
        return Collections.unmodifiableMap(readMap(new ByteBufferInput(bytes)));
    }

    /** A stream body from its stored form, unmodifiable. */
    public static List<Object> decodeList(byte[] bytes) throws CodecException {
        return Collections.unmodifiableList(readList(new ByteBufferInput(bytes)));
    }
}
