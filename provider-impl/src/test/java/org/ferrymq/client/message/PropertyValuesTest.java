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
            case "boolean" -> PropertyValues.getBoolean(value);
            case "byte" -> PropertyValues.getByte(value);
            case "short" -> PropertyValues.getShort(value);
            case "char" -> PropertyValues.getChar(value);
            case "int" -> PropertyValues.getInt(value);
            case "long" -> PropertyValues.getLong(value);
            case "float" -> PropertyValues.getFloat(value);
            case "double" -> PropertyValues.getDouble(value);
            case "String" -> PropertyValues.getString(value);
            case "byte[]" -> PropertyValues.getBytes(value);
            default -> throw new IllegalArgumentException(column.name());
        };
    }

    @Test
    void stringsConvertAsValueOfDoes() throws Exception {
        assertTrue(PropertyValues.getBoolean("true"));
        assertTrue(PropertyValues.getBoolean("TRUE"));
        assertFalse(PropertyValues.getBoolean("yes"));
        assertEquals(-7, PropertyValues.getByte("-7"));
        assertEquals(300, PropertyValues.getShort("300"));
        assertEquals(70000, PropertyValues.getInt("70000"));
        assertEquals(1L << 40, PropertyValues.getLong(String.valueOf(1L << 40)));
        assertEquals(2.5f, PropertyValues.getFloat("2.5"));
        assertEquals(6.02e23, PropertyValues.getDouble("6.02e23"));
    }

    @Test
    void malformedNumericStringsAreNumberFormatExceptions() {
        for (Executable read : List.<Executable>of(() -> PropertyValues.getByte("x"), () -> PropertyValues.getShort("x"),
                () -> PropertyValues.getInt("x"), () -> PropertyValues.getLong("x"), () -> PropertyValues.getFloat("x"),
                () -> PropertyValues.getDouble("x"), () -> PropertyValues.getByte("300"))) {
            assertThrows(NumberFormatException.class, read);
        }
    }

    @Test
    void aNullValueReadsAsValueOfNullWould() throws Exception {
        assertFalse(PropertyValues.getBoolean(null));
        assertNull(PropertyValues.getString(null));
        assertThrows(NumberFormatException.class, () -> PropertyValues.getByte(null));
        assertThrows(NumberFormatException.class, () -> PropertyValues.getShort(null));
        assertThrows(NumberFormatException.class, () -> PropertyValues.getInt(null));
        assertThrows(NumberFormatException.class, () -> PropertyValues.getLong(null));
        assertThrows(NullPointerException.class, () -> PropertyValues.getFloat(null));
        assertThrows(NullPointerException.class, () -> PropertyValues.getDouble(null));
        assertThrows(NullPointerException.class, () -> PropertyValues.getChar(null)); // char has no valueOf(String)
        assertNull(PropertyValues.getBytes(null));
    }

    @Test
    void aConversionErrorSaysWhatTheValueCanBeReadAs() {
        MessageFormatException e = assertThrows(MessageFormatException.class, () -> PropertyValues.getInt(true));
        assertEquals("Cannot read a Boolean value (true) as int; a Boolean can be read only as boolean or String",
                e.getMessage());
    }

    @Test
    void bytesReadAsACopy() throws Exception {
        byte[] stored = {1, 2};
        byte[] read = PropertyValues.getBytes(stored);
        read[0] = 9;
        assertEquals(1, stored[0]);
    }
}
