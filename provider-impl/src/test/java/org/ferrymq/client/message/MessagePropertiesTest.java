package org.ferrymq.client.message;

import static org.ferrymq.client.message.ConversionTable.PROPERTY_TYPES;
import static org.ferrymq.client.message.ConversionTable.assertConverted;
import static org.ferrymq.client.message.ConversionTable.names;
import static org.ferrymq.client.message.ConversionTable.readableAs;
import static org.ferrymq.client.message.ConversionTable.received;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.ferrymq.client.message.ConversionTable.Type;
import org.ferrymq.protocol.MessageData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/** Message properties (Jakarta Messaging 3.5) on every message type. */
class MessagePropertiesTest {

    private static FerryMessage withEveryPropertyType() throws JMSException {
        FerryMessage message = new FerryTextMessage("body");
        message.setBooleanProperty("aBoolean", true);
        message.setByteProperty("aByte", (byte) 127);
        message.setShortProperty("aShort", (short) 10);
        message.setIntProperty("anInt", 5);
        message.setLongProperty("aLong", 333L);
        message.setFloatProperty("aFloat", 1.5f);
        message.setDoubleProperty("aDouble", 100d);
        message.setStringProperty("aString", "test");
        message.setObjectProperty("anObjectLong", 7L);
        return message;
    }

    @Test
    void propertiesKeepTheirValuesAndTypesThroughSendAndReceive() throws Exception {
        Message received = received(withEveryPropertyType());
        assertEquals(true, received.getBooleanProperty("aBoolean"));
        assertEquals((byte) 127, received.getByteProperty("aByte"));
        assertEquals((short) 10, received.getShortProperty("aShort"));
        assertEquals(5, received.getIntProperty("anInt"));
        assertEquals(333L, received.getLongProperty("aLong"));
        assertEquals(1.5f, received.getFloatProperty("aFloat"));
        assertEquals(100d, received.getDoubleProperty("aDouble"));
        assertEquals("test", received.getStringProperty("aString"));
        assertEquals(Long.valueOf(7), received.getObjectProperty("anObjectLong"));
        assertEquals(Byte.class, received.getObjectProperty("aByte").getClass());
        assertEquals(Float.class, received.getObjectProperty("aFloat").getClass());
    }

    @Test
    void propertyNamesOfAReceivedMessageIncludeJmsxDeliveryCountButNoHeaders() throws Exception {
        Message received = FerryMessage.fromData(withEveryPropertyType().snapshot("c"), 3);
        assertEquals(new TreeSet<>(List.of("aBoolean", "aByte", "aShort", "anInt", "aLong", "aFloat", "aDouble", "aString",
                "anObjectLong", "JMSXDeliveryCount")), names(received.getPropertyNames()));
        assertEquals(3, received.getIntProperty("JMSXDeliveryCount"));
        assertTrue(received.propertyExists("JMSXDeliveryCount"));
        assertTrue(received.getJMSRedelivered());
    }

    @Test
    void theFirstDeliveryHasCountOneAndIsNotRedelivered() throws Exception {
        Message received = received(new FerryMessage());
        assertEquals(1, received.getIntProperty("JMSXDeliveryCount"));
        assertEquals(Integer.valueOf(1), received.getObjectProperty("JMSXDeliveryCount"));
        assertFalse(received.getJMSRedelivered());
    }

    @Test
    void aNewMessageHasNoPropertiesAtAll() throws Exception {
        Message message = new FerryMessage();
        assertFalse(message.getPropertyNames().hasMoreElements());
        assertFalse(message.propertyExists("JMSXDeliveryCount"));
    }

    @Test
    void theDeliveryCountIsNotPartOfTheSnapshot() throws Exception {
        FerryMessage message = received(new FerryMessage());
        message.clearProperties();
        message.setIntProperty("JMSXDeliveryCount", 5);
        assertEquals(5, message.getIntProperty("JMSXDeliveryCount"));
        MessageData data = message.snapshot("c");
        assertFalse(data.properties().containsKey("JMSXDeliveryCount"));
        assertEquals(2, FerryMessage.fromData(data, 2).getIntProperty("JMSXDeliveryCount"));
    }

    @Test
    void propertyExistsOnlyForSetNames() throws Exception {
        Message message = withEveryPropertyType();
        assertTrue(message.propertyExists("anInt"));
        assertFalse(message.propertyExists("anInt1"));
        assertFalse(message.propertyExists(null));
        assertFalse(message.propertyExists(""));
    }

    @Test
    void aMissingPropertyReadsAsANullValue() throws Exception {
        Message message = received(withEveryPropertyType());
        assertNull(message.getObjectProperty("missing"));
        assertNull(message.getStringProperty("missing"));
        assertFalse(message.getBooleanProperty("missing"));
        assertThrows(NumberFormatException.class, () -> message.getByteProperty("missing"));
        assertThrows(NumberFormatException.class, () -> message.getShortProperty("missing"));
        assertThrows(NumberFormatException.class, () -> message.getIntProperty("missing"));
        assertThrows(NumberFormatException.class, () -> message.getLongProperty("missing"));
        assertThrows(NullPointerException.class, () -> message.getFloatProperty("missing"));
        assertThrows(NullPointerException.class, () -> message.getDoubleProperty("missing"));
    }

    @Test
    void aPropertySetToNullExistsAndReadsAsNull() throws Exception {
        Message message = new FerryMessage();
        message.setStringProperty("s", null);
        message.setObjectProperty("o", null);
        assertTrue(message.propertyExists("s"));
        assertNull(message.getStringProperty("s"));
        assertNull(message.getObjectProperty("o"));
        assertNull(received((FerryMessage) message).getStringProperty("s"));
    }

    @TestFactory
    Stream<DynamicTest> everyCellOfTheConversionTableOnAReceivedMessage() throws Exception {
        FerryMessage sent = new FerryMessage();
        for (Type row : PROPERTY_TYPES) {
            sent.setObjectProperty(row.name().replace("String", "string"), row.sample());
        }
        Message received = received(sent);
        List<DynamicTest> cells = new ArrayList<>();
        for (Type row : PROPERTY_TYPES) {
            String name = row.name().replace("String", "string");
            for (Type column : PROPERTY_TYPES) {
                cells.add(dynamicTest(ConversionTable.cell(row, column), () -> {
                    if (readableAs(row).contains(column)) {
                        assertConverted(row, column, read(received, column, name));
                    } else {
                        assertThrows(MessageFormatException.class, () -> read(received, column, name));
                    }
                }));
            }
        }
        return cells.stream();
    }

    private static Object read(Message message, Type column, String name) throws JMSException {
        return switch (column.name()) {
            case "boolean" -> message.getBooleanProperty(name);
            case "byte" -> message.getByteProperty(name);
            case "short" -> message.getShortProperty(name);
            case "int" -> message.getIntProperty(name);
            case "long" -> message.getLongProperty(name);
            case "float" -> message.getFloatProperty(name);
            case "double" -> message.getDoubleProperty(name);
            case "String" -> message.getStringProperty(name);
            default -> throw new IllegalArgumentException(column.name());
        };
    }

    @Test
    void setObjectPropertyAcceptsOnlyBoxedPrimitivesAndStrings() throws Exception {
        Message message = new FerryMessage();
        assertThrows(MessageFormatException.class, () -> message.setObjectProperty("o", new Object()));
        assertThrows(MessageFormatException.class, () -> message.setObjectProperty("c", 'c'));
        assertThrows(MessageFormatException.class, () -> message.setObjectProperty("b", new byte[1]));
        assertFalse(message.propertyExists("o"));
    }

    @Test
    void everySetterRejectsANullOrEmptyName() {
        Message message = new FerryMessage();
        for (String name : new String[] {null, ""}) {
            for (Executable set : List.<Executable>of(() -> message.setBooleanProperty(name, true),
                    () -> message.setByteProperty(name, (byte) 1), () -> message.setShortProperty(name, (short) 1),
                    () -> message.setIntProperty(name, 1), () -> message.setLongProperty(name, 1L),
                    () -> message.setFloatProperty(name, 1f), () -> message.setDoubleProperty(name, 1d),
                    () -> message.setStringProperty(name, "s"), () -> message.setObjectProperty(name, 1))) {
                assertThrows(IllegalArgumentException.class, set);
            }
        }
    }

    @Test
    void invalidIdentifiersAreRejected() {
        Message message = new FerryMessage();
        assertThrows(IllegalArgumentException.class, () -> message.setIntProperty("order-id", 1));
        assertThrows(IllegalArgumentException.class, () -> message.setIntProperty("AND", 1));
    }

    @Test
    void jmsxGroupPropertiesHaveFixedTypes() throws Exception {
        Message message = new FerryMessage();
        message.setStringProperty("JMSXGroupID", "orders-eu");
        message.setIntProperty("JMSXGroupSeq", 1);
        assertThrows(MessageFormatException.class, () -> message.setIntProperty("JMSXGroupID", 1));
        assertThrows(MessageFormatException.class, () -> message.setStringProperty("JMSXGroupSeq", "1"));
        Message received = received((FerryMessage) message);
        assertEquals("orders-eu", received.getStringProperty("JMSXGroupID"));
        assertEquals(1, received.getIntProperty("JMSXGroupSeq"));
    }

    @Test
    void receivedPropertiesAreReadOnly() throws Exception {
        Message received = received(withEveryPropertyType());
        for (Executable set : List.<Executable>of(() -> received.setBooleanProperty("aBoolean", true),
                () -> received.setByteProperty("aByte", (byte) 1), () -> received.setShortProperty("aShort", (short) 1),
                () -> received.setIntProperty("anInt", 1), () -> received.setLongProperty("aLong", 1L),
                () -> received.setFloatProperty("aFloat", 1f), () -> received.setDoubleProperty("aDouble", 1d),
                () -> received.setStringProperty("aString", "s"), () -> received.setObjectProperty("new", 1))) {
            assertThrows(MessageNotWriteableException.class, set);
        }
        assertEquals(5, received.getIntProperty("anInt"));
    }

    @Test
    void clearPropertiesEmptiesThemMakesThemWritableAndKeepsTheBody() throws Exception {
        FerryTextMessage received = received((FerryTextMessage) withEveryPropertyType());
        received.clearProperties();
        assertFalse(received.getPropertyNames().hasMoreElements());
        assertNull(received.getObjectProperty("aLong"));
        assertThrows(NumberFormatException.class, () -> received.getShortProperty("aShort"));
        assertEquals("body", received.getText());
        received.setIntProperty("anInt", 6);
        assertEquals(6, received.getIntProperty("anInt"));
    }

    @Test
    void writingAfterClearPropertiesLeavesTheReceivedSnapshotAlone() throws Exception {
        MessageData data = withEveryPropertyType().snapshot("c");
        FerryMessage received = FerryMessage.fromData(data, 1);
        received.clearProperties();
        received.setIntProperty("anInt", 99);
        assertEquals(5, data.properties().get("anInt"));
        assertEquals(5, FerryMessage.fromData(data, 2).getIntProperty("anInt"));
    }

    @Test
    void aSnapshotIsNotChangedBySettingPropertiesAfterwards() throws Exception {
        FerryMessage message = new FerryMessage();
        message.setIntProperty("n", 1);
        MessageData data = message.snapshot("c");
        message.setIntProperty("n", 2);
        message.setIntProperty("m", 3);
        assertEquals(1, data.properties().get("n"));
        assertFalse(data.properties().containsKey("m"));
    }

    @Test
    void aReceivedMessageSentOnSharesItsImmutablePropertyMap() throws Exception {
        MessageData data = withEveryPropertyType().snapshot("c");
        MessageData forwarded = FerryMessage.fromData(data, 1).snapshot("c");
        assertEquals(data.properties(), forwarded.properties());
        assertSame(data.properties(), forwarded.properties());
    }

    @Test
    void propertyNamesAreASnapshotThatSurvivesLaterChanges() throws Exception {
        Message message = withEveryPropertyType();
        var names = message.getPropertyNames();
        message.setIntProperty("later", 1);
        int count = 0;
        while (names.hasMoreElements()) {
            names.nextElement();
            count++;
        }
        assertEquals(9, count);
    }
}
