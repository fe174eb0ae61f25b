package org.ferrymq.client.message;

import static org.ferrymq.client.message.ConversionTable.BODY_TYPES;
import static org.ferrymq.client.message.ConversionTable.assertConverted;
import static org.ferrymq.client.message.ConversionTable.names;
import static org.ferrymq.client.message.ConversionTable.readableAs;
import static org.ferrymq.client.message.ConversionTable.received;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.ferrymq.client.message.ConversionTable.Type;
import org.ferrymq.protocol.MessageData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/** MapMessage: named values with the conversions of 3.11.3. */
class MapMessageTest {

    @TestFactory
    Stream<DynamicTest> everyCellOfTheConversionTableOnAReceivedMessage() throws Exception {
        FerryMapMessage sent = new FerryMapMessage();
        for (Type row : BODY_TYPES) {
            sent.setObject(row.name(), row.sample());
        }
        MapMessage received = received(sent);
        List<DynamicTest> cells = new ArrayList<>();
        for (Type row : BODY_TYPES) {
            for (Type column : BODY_TYPES) {
                cells.add(dynamicTest(ConversionTable.cell(row, column), () -> {
                    if (readableAs(row).contains(column)) {
                        assertConverted(row, column, read(received, column, row.name()));
                    } else {
                        assertThrows(MessageFormatException.class, () -> read(received, column, row.name()));
                    }
                }));
            }
        }
        return cells.stream();
    }

    private static Object read(MapMessage message, Type column, String name) throws JMSException {
        return switch (column.name()) {
            case "boolean" -> message.getBoolean(name);
            case "byte" -> message.getByte(name);
            case "short" -> message.getShort(name);
            case "char" -> message.getChar(name);
            case "int" -> message.getInt(name);
            case "long" -> message.getLong(name);
            case "float" -> message.getFloat(name);
            case "double" -> message.getDouble(name);
            case "String" -> message.getString(name);
            case "byte[]" -> message.getBytes(name);
            default -> throw new IllegalArgumentException(column.name());
        };
    }

    @Test
    void everyTypedSetterTravelsWithTheMessage() throws Exception {
        FerryMapMessage sent = new FerryMapMessage();
        sent.setBoolean("booleanValue", false);
        sent.setByte("byteValue", (byte) 127);
        sent.setBytes("bytesValue", new byte[] {127, -127, 1, 0});
        sent.setBytes("bytesValue2", new byte[] {127, -127, 1, 0}, 1, 2);
        sent.setChar("charValue", 'Z');
        sent.setDouble("doubleValue", 6.02e23);
        sent.setFloat("floatValue", 6.02e23f);
        sent.setInt("intValue", Integer.MAX_VALUE);
        sent.setLong("longValue", Long.MAX_VALUE);
        sent.setObject("integerValue", 100);
        sent.setShort("shortValue", (short) 32767);
        sent.setString("stringValue", "Map Message Test");
        sent.setString("nullTest", null);

        MapMessage received = received(sent);
        assertEquals(new TreeSet<>(List.of("booleanValue", "byteValue", "bytesValue", "bytesValue2", "charValue",
                "doubleValue", "floatValue", "intValue", "longValue", "integerValue", "shortValue", "stringValue",
                "nullTest")), names(received.getMapNames()));
        assertFalse(received.getBoolean("booleanValue"));
        assertEquals((byte) 127, received.getByte("byteValue"));
        assertArrayEquals(new byte[] {127, -127, 1, 0}, received.getBytes("bytesValue"));
        assertArrayEquals(new byte[] {-127, 1}, received.getBytes("bytesValue2"));
        assertEquals('Z', received.getChar("charValue"));
        assertEquals(6.02e23, received.getDouble("doubleValue"));
        assertEquals(6.02e23f, received.getFloat("floatValue"));
        assertEquals(Integer.MAX_VALUE, received.getInt("intValue"));
        assertEquals(Long.MAX_VALUE, received.getLong("longValue"));
        assertEquals(100, received.getObject("integerValue"));
        assertEquals((short) 32767, received.getShort("shortValue"));
        assertEquals("Map Message Test", received.getString("stringValue"));
        assertTrue(received.itemExists("nullTest"));
        assertNull(received.getString("nullTest"));
        assertFalse(received.itemExists("nullTestxyz"));
        assertNull(received.getObject("nullTestxyz"));
    }

    @Test
    void aNameThatIsNotSetReadsAsANullValue() throws Exception {
        MapMessage message = new FerryMapMessage();
        assertNull(message.getObject("missing"));
        assertNull(message.getString("missing"));
        assertNull(message.getBytes("missing"));
        assertFalse(message.getBoolean("missing"));
        assertThrows(NumberFormatException.class, () -> message.getByte("missing"));
        assertThrows(NumberFormatException.class, () -> message.getShort("missing"));
        assertThrows(NumberFormatException.class, () -> message.getInt("missing"));
        assertThrows(NumberFormatException.class, () -> message.getLong("missing"));
        assertThrows(NullPointerException.class, () -> message.getFloat("missing"));
        assertThrows(NullPointerException.class, () -> message.getDouble("missing"));
        assertThrows(NullPointerException.class, () -> message.getChar("missing"));
    }

    @Test
    void aNullValueReadAsCharIsANullPointerException() throws Exception {
        FerryMapMessage sent = new FerryMapMessage();
        sent.setString("WriteANull", null);
        MapMessage received = received(sent);
        assertThrows(NullPointerException.class, () -> received.getChar("WriteANull"));
    }

    @Test
    void aStringThatIsNotANumberIsANumberFormatException() throws Exception {
        FerryMapMessage sent = new FerryMapMessage();
        sent.setString("myString", "mytest string");
        MapMessage received = received(sent);
        for (Executable read : List.<Executable>of(() -> received.getByte("myString"), () -> received.getShort("myString"),
                () -> received.getInt("myString"), () -> received.getLong("myString"),
                () -> received.getFloat("myString"), () -> received.getDouble("myString"))) {
            assertThrows(NumberFormatException.class, read);
        }
    }

    @Test
    void everySetterRejectsANullOrEmptyName() {
        MapMessage message = new FerryMapMessage();
        for (String name : new String[] {null, ""}) {
            for (Executable set : setters(message, name)) {
                assertThrows(IllegalArgumentException.class, set);
            }
        }
    }

    @Test
    void namesNeedNotBeIdentifiers() throws Exception {
        MapMessage message = new FerryMapMessage();
        message.setInt("order-id 1", 1);
        assertEquals(1, message.getInt("order-id 1"));
    }

    private static List<Executable> setters(MapMessage message, String name) {
        return List.of(() -> message.setBoolean(name, true), () -> message.setByte(name, (byte) 1),
                () -> message.setShort(name, (short) 1), () -> message.setChar(name, 'c'), () -> message.setInt(name, 1),
                () -> message.setLong(name, 1L), () -> message.setFloat(name, 1f), () -> message.setDouble(name, 1d),
                () -> message.setBytes(name, new byte[1]), () -> message.setBytes(name, new byte[1], 0, 1),
                () -> message.setString(name, "s"), () -> message.setObject(name, 1));
    }

    @Test
    void aReceivedMapIsReadOnlyUntilClearBody() throws Exception {
        FerryMapMessage sent = new FerryMapMessage();
        sent.setString("aString", "Initial message");
        sent.setStringProperty("COM_SUN_JMS_TESTNAME", "clearBody");
        MapMessage received = received(sent);
        for (Executable set : setters(received, "x")) {
            assertThrows(MessageNotWriteableException.class, set);
        }
        received.clearBody();
        assertNull(received.getString("aString"));
        assertFalse(received.getMapNames().hasMoreElements());
        assertEquals("clearBody", received.getStringProperty("COM_SUN_JMS_TESTNAME"));
        received.setString("yes", "new stuff !!!!!");
        assertEquals("new stuff !!!!!", received.getString("yes"));
    }

    @Test
    void setObjectAcceptsBoxedPrimitivesStringsAndByteArraysOnly() throws Exception {
        MapMessage message = new FerryMapMessage();
        message.setObject("bytes", new byte[] {1, 2});
        message.setObject("char", 'c');
        message.setObject("null", null);
        assertArrayEquals(new byte[] {1, 2}, message.getBytes("bytes"));
        assertEquals('c', message.getChar("char"));
        assertThrows(MessageFormatException.class, () -> message.setObject("o", new Object()));
        assertThrows(MessageFormatException.class, () -> message.setObject("l", List.of()));
        assertFalse(message.itemExists("o"));
    }

    @Test
    void byteArraysAreCopiedInAndOut() throws Exception {
        byte[] value = {1, 2};
        MapMessage message = new FerryMapMessage();
        message.setBytes("b", value);
        message.setObject("o", value);
        value[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, message.getBytes("b"));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) message.getObject("o"));
        message.getBytes("b")[0] = 9;
        ((byte[]) message.getObject("o"))[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, message.getBytes("b"));
        assertArrayEquals(new byte[] {1, 2}, message.getBytes("o"));
    }

    @Test
    void setBytesWithARangeChecksIt() {
        MapMessage message = new FerryMapMessage();
        assertThrows(IndexOutOfBoundsException.class, () -> message.setBytes("b", new byte[2], 1, 2));
    }

    @Test
    void aSnapshotIsNotChangedByLaterSets() throws Exception {
        FerryMapMessage message = new FerryMapMessage();
        message.setInt("n", 1);
        MessageData data = message.snapshot("c");
        message.setInt("n", 2);
        message.setInt("m", 3);
        assertEquals(Map.of("n", 1), data.body());
        assertThrows(UnsupportedOperationException.class, () -> ((Map<?, ?>) data.body()).clear());
    }

    @Test
    void aReceivedMapIsSharedUntilClearBody() throws Exception {
        FerryMapMessage sent = new FerryMapMessage();
        sent.setInt("n", 1);
        MessageData data = sent.snapshot("c");
        FerryMapMessage received = (FerryMapMessage) FerryMessage.fromData(data, 1);
        assertSame(data.body(), received.snapshot("c").body());
        received.clearBody();
        received.setInt("n", 2);
        assertEquals(Map.of("n", 1), data.body());
    }
}
