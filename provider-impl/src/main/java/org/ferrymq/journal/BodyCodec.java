package org.ferrymq.journal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored form of map and stream message bodies: a count, then each value with a one-byte
 * type tag (map entries preceded by their name). Text, bytes and object bodies need no
 * encoding; they go to their columns as they are.
 */
final class BodyCodec {

    private static final int NULL = 0;
    private static final int BOOLEAN = 1;
    private static final int BYTE = 2;
    private static final int SHORT = 3;
    private static final int CHAR = 4;
    private static final int INT = 5;
    private static final int LONG = 6;
    private static final int FLOAT = 7;
    private static final int DOUBLE = 8;
    private static final int STRING = 9;
    private static final int BYTES = 10;

    private BodyCodec() {
    }

    static byte[] encodeMap(Map<?, ?> map) {
        return encode(out -> {
            out.writeInt(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                writeString(out, (String) e.getKey());
                writeValue(out, e.getValue());
            }
        });
    }

    static byte[] encodeList(List<?> list) {
        return encode(out -> {
            out.writeInt(list.size());
            for (Object value : list) {
                writeValue(out, value);
            }
        });
    }

    static Map<String, Object> decodeMap(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int n = in.readInt();
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            map.put(readString(in), readValue(in));
        }
        return map;
    }

    static List<Object> decodeList(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int n = in.readInt();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(readValue(in));
        }
        return list;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] encode(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen writing to memory", e);
        }
        return bytes.toByteArray();
    }

    private static void writeValue(DataOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Boolean v) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(v);
        } else if (value instanceof Byte v) {
            out.writeByte(BYTE);
            out.writeByte(v);
        } else if (value instanceof Short v) {
            out.writeByte(SHORT);
            out.writeShort(v);
        } else if (value instanceof Character v) {
            out.writeByte(CHAR);
            out.writeChar(v);
        } else if (value instanceof Integer v) {
            out.writeByte(INT);
            out.writeInt(v);
        } else if (value instanceof Long v) {
            out.writeByte(LONG);
            out.writeLong(v);
        } else if (value instanceof Float v) {
            out.writeByte(FLOAT);
            out.writeFloat(v);
        } else if (value instanceof Double v) {
            out.writeByte(DOUBLE);
            out.writeDouble(v);
        } else if (value instanceof String v) {
            out.writeByte(STRING);
            writeString(out, v);
        } else if (value instanceof byte[] v) {
            out.writeByte(BYTES);
            out.writeInt(v.length);
            out.write(v);
        } else {
            throw new IllegalArgumentException("A message body value of type " + value.getClass().getName()
                    + " cannot be stored");
        }
    }

    private static Object readValue(DataInputStream in) throws IOException {
        int tag = in.readByte();
        return switch (tag) {
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
            case BYTES -> {
                byte[] v = new byte[in.readInt()];
                in.readFully(v);
                yield v;
            }
            default -> throw new IOException("unknown value tag " + tag + " in a stored message body");
        };
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
