package org.ferrymq.client.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.ferrymq.protocol.MessageData;

/**
 * The conversion table of Jakarta Messaging 3.11.3 (MapMessage and StreamMessage), written
 * out cell by cell; the property table of 3.5.4 is the same table without char and byte[].
 * A value written as the row type can be read as the column types listed for it.
 */
final class ConversionTable {

    /** A type of the table, with the value the tests write for it. */
    record Type(String name, Object sample) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Type BOOLEAN = new Type("boolean", true);
    static final Type BYTE = new Type("byte", (byte) 1);
    static final Type SHORT = new Type("short", (short) 1);
    static final Type CHAR = new Type("char", '1');
    static final Type INT = new Type("int", 1);
    static final Type LONG = new Type("long", 1L);
    static final Type FLOAT = new Type("float", 1f);
    static final Type DOUBLE = new Type("double", 1d);
    static final Type STRING = new Type("String", "1");
    static final Type BYTES = new Type("byte[]", new byte[] {1});

    static final List<Type> BODY_TYPES = List.of(BOOLEAN, BYTE, SHORT, CHAR, INT, LONG, FLOAT, DOUBLE, STRING, BYTES);
    static final List<Type> PROPERTY_TYPES = List.of(BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, STRING);

    /** The marked cells of the table: for each row, the columns it can be read as. */
    static Set<Type> readableAs(Type row) {
        return switch (row.name()) {
            case "boolean" -> Set.of(BOOLEAN, STRING);
            case "byte" -> Set.of(BYTE, SHORT, INT, LONG, STRING);
            case "short" -> Set.of(SHORT, INT, LONG, STRING);
            case "char" -> Set.of(CHAR, STRING);
            case "int" -> Set.of(INT, LONG, STRING);
            case "long" -> Set.of(LONG, STRING);
            case "float" -> Set.of(FLOAT, DOUBLE, STRING);
            case "double" -> Set.of(DOUBLE, STRING);
            case "String" -> Set.of(BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, STRING);
            case "byte[]" -> Set.of(BYTES);
            default -> throw new IllegalArgumentException(row.name());
        };
    }

    /** What reading the row's sample as the column type must give. */
    static void assertConverted(Type row, Type column, Object actual) {
        Object sample = row.sample();
        switch (column.name()) {
            case "boolean" -> assertEquals(sample instanceof Boolean b ? b : Boolean.valueOf((String) sample), actual);
            case "byte" -> assertEquals((byte) 1, actual);
            case "short" -> assertEquals((short) 1, actual);
            case "char" -> assertEquals('1', actual);
            case "int" -> assertEquals(1, actual);
            case "long" -> assertEquals(1L, actual);
            case "float" -> assertEquals(1f, actual);
            case "double" -> assertEquals(1d, actual);
            case "String" -> assertEquals(String.valueOf(sample), actual);
            case "byte[]" -> assertArrayEquals((byte[]) sample, (byte[]) actual);
            default -> throw new IllegalArgumentException(column.name());
        }
    }

    static String cell(Type row, Type column) {
        return row + " read as " + column + (readableAs(row).contains(column) ? " converts" : " is a MessageFormatException");
    }

    /** The names an enumeration from getPropertyNames or getMapNames yields. */
    static Set<String> names(Enumeration<?> names) {
        Set<String> result = new TreeSet<>();
        while (names.hasMoreElements()) {
            result.add((String) names.nextElement());
        }
        return result;
    }

    /** The message a consumer would receive for {@code sent}. */
    static <M extends FerryMessage> M received(M sent) throws Exception {
        MessageData data = sent.snapshot("connection-1");
        @SuppressWarnings("unchecked")
        M received = (M) FerryMessage.fromData(data, 1);
        return received;
    }

    private ConversionTable() {
    }
}
