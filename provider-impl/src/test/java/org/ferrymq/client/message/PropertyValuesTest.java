package org.ferrymq.client.message;

import static org.ferrymq.client.message.ConversionTable.PROPERTY_TYPES;
import static org.ferrymq.client.message.ConversionTable.assertConverted;
import static org.ferrymq.client.message.ConversionTable.readableAs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import jakarta.jms.MessageFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ferrymq.client.message.ConversionTable.Type;
import org.ferrymq.protocol.codec.ValueConversions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The property rules of Jakarta Messaging 3.5, as the JMSProducer also applies them. */
class PropertyValuesTest {

    // ---- 3.5.1 property names: the rules for a message selector identifier ----

    @Test
    void nullOrEmptyNamesAreIllegalArguments() {
        assertThrows(IllegalArgumentException.class, () -> PropertyValues.checkName(null));
        assertThrows(IllegalArgumentException.class, () -> PropertyValues.checkName(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "orderId", "_private", "$cost", "JMSXGroupID", "JMS_FerryMQ_x", "COM_SUN_JMS_TESTNAME",
        "prénom", "x1", "Nullable", "ANDROID", "isValid"})
    void javaIdentifiersAreValidNames(String name) {
        PropertyValues.checkName(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1abc", "order-id", "a.b", "with space", "a+b", "-x", "é-"})
    void namesThatAreNotJavaIdentifiersAreIllegalArguments(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PropertyValues.checkName(name));
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"NULL", "TRUE", "FALSE", "NOT", "AND", "OR", "BETWEEN", "LIKE", "IN", "IS", "ESCAPE",
        "null", "And", "escape"})
    void selectorKeywordsAreNotValidNamesInAnyCase(String name) {
        assertThrows(IllegalArgumentException.class, () -> PropertyValues.checkName(name));
    }

    // ---- 3.5.2 / 3.5.5 property values ----

    @Test
    void boxedPrimitivesStringsAndNullAreValidValues() throws Exception {
        for (Object value : List.of(true, (byte) 1, (short) 1, 1, 1L, 1f, 1d, "s")) {
            PropertyValues.checkValue(value);
        }
        PropertyValues.checkValue(null);
    }

    @Test
    void anyOtherClassIsAMessageFormatException() {
        for (Object value : List.of('c', new byte[1], new Object(), new StringBuilder("s"), List.of(1))) {
            assertThrows(MessageFormatException.class, () -> PropertyValues.checkValue(value), value.getClass().getName());
        }
    }

    @Test
    void groupIdMustBeAStringAndGroupSeqAndDeliveryCountInts() throws Exception {
        PropertyValues.checkProperty("JMSXGroupID", "group-1");
        PropertyValues.checkProperty("JMSXGroupSeq", 3);
        PropertyValues.checkProperty("JMSXDeliveryCount", 2);
        assertThrows(MessageFormatException.class, () -> PropertyValues.checkProperty("JMSXGroupID", 1));
        assertThrows(MessageFormatException.class, () -> PropertyValues.checkProperty("JMSXGroupSeq", "1"));
        assertThrows(MessageFormatException.class, () -> PropertyValues.checkProperty("JMSXGroupSeq", 1L));
        assertThrows(MessageFormatException.class, () -> PropertyValues.checkProperty("JMSXDeliveryCount", (short) 1));
        PropertyValues.checkProperty("JMSXUserID", 1); // other JMSX names are not restricted
    }

    @Test
    void checkPropertyChecksTheNameToo() {
        assertThrows(IllegalArgumentException.class, () -> PropertyValues.checkProperty("", 1));
        assertThrows(IllegalArgumentException.class, () -> PropertyValues.checkProperty(null, 1));
    }

    // ---- 3.5.4 property value conversion, every cell ----

    @TestFactory
    Stream<DynamicTest> everyCellOfThePropertyConversionTable() {
        List<DynamicTest> cells = new ArrayList<>();
        for (Type row : PROPERTY_TYPES) {
            for (Type column : PROPERTY_TYPES) {
                cells.add(dynamicTest(ConversionTable.cell(row, column), () -> {
                    if (readableAs(row).contains(column)) {
                        assertConverted(row, column, read(column, row.sample()));
                    } else {
                        assertThrows(MessageFormatException.class, () -> read(column, row.sample()));
                    }
                }));
            }
        }
        return cells.stream();
    }

    static Object read(Type column, Object value) throws MessageFormatException {
        return switch (column.name()) {
            case "boolean" -> ValueConversions.getBoolean(value);
            case "byte" -> ValueConversions.getByte(value);
            case "short" -> ValueConversions.getShort(value);
            case "char" -> ValueConversions.getChar(value);
            case "int" -> ValueConversions.getInt(value);
            case "long" -> ValueConversions.getLong(value);
            case "float" -> ValueConversions.getFloat(value);
            case "double" -> ValueConversions.getDouble(value);
            case "String" -> ValueConversions.getString(value);
            case "byte[]" -> ValueConversions.getBytes(value);
            default -> throw new IllegalArgumentException(column.name());
        };
    }

    @Test
    void stringsConvertAsValueOfDoes() throws Exception {
        assertTrue(ValueConversions.getBoolean("true"));
        assertTrue(ValueConversions.getBoolean("TRUE"));
        assertFalse(ValueConversions.getBoolean("yes"));
        assertEquals(-7, ValueConversions.getByte("-7"));
        assertEquals(300, ValueConversions.getShort("300"));
        assertEquals(70000, ValueConversions.getInt("70000"));
        assertEquals(1L << 40, ValueConversions.getLong(String.valueOf(1L << 40)));
        assertEquals(2.5f, ValueConversions.getFloat("2.5"));
        assertEquals(6.02e23, ValueConversions.getDouble("6.02e23"));
    }

    @Test
    void malformedNumericStringsAreNumberFormatExceptions() {
        for (Executable read : List.<Executable>of(() -> ValueConversions.getByte("x"), () -> ValueConversions.getShort("x"),
                () -> ValueConversions.getInt("x"), () -> ValueConversions.getLong("x"), () -> ValueConversions.getFloat("x"),
                () -> ValueConversions.getDouble("x"), () -> ValueConversions.getByte("300"))) {
            assertThrows(NumberFormatException.class, read);
        }
    }

    @Test
    void aNullValueReadsAsValueOfNullWould() throws Exception {
        assertFalse(ValueConversions.getBoolean(null));
        assertNull(ValueConversions.getString(null));
        assertThrows(NumberFormatException.class, () -> ValueConversions.getByte(null));
        assertThrows(NumberFormatException.class, () -> ValueConversions.getShort(null));
        assertThrows(NumberFormatException.class, () -> ValueConversions.getInt(null));
        assertThrows(NumberFormatException.class, () -> ValueConversions.getLong(null));
        assertThrows(NullPointerException.class, () -> ValueConversions.getFloat(null));
        assertThrows(NullPointerException.class, () -> ValueConversions.getDouble(null));
        assertThrows(NullPointerException.class, () -> ValueConversions.getChar(null)); // char has no valueOf(String)
        assertNull(ValueConversions.getBytes(null));
    }

    @Test
    void aConversionErrorSaysWhatTheValueCanBeReadAs() {
        MessageFormatException e = assertThrows(MessageFormatException.class, () -> ValueConversions.getInt(true));
        assertEquals("Cannot read a Boolean value (true) as int; a Boolean can be read only as boolean or String",
                e.getMessage());
    }

    @Test
    void bytesReadAsACopy() throws Exception {
        byte[] stored = {1, 2};
        byte[] read = ValueConversions.getBytes(stored);
        read[0] = 9;
        assertEquals(1, stored[0]);
    }
}
