package org.ferrymq.client.message;

import static org.ferrymq.client.message.ConversionTable.BODY_TYPES;
import static org.ferrymq.client.message.ConversionTable.assertConverted;
import static org.ferrymq.client.message.ConversionTable.readableAs;
import static org.ferrymq.client.message.ConversionTable.received;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.StreamMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ferrymq.client.message.ConversionTable.Type;
import org.ferrymq.protocol.MessageData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/** StreamMessage: values read back in order with the conversions of 3.11.3. */
class StreamMessageTest {

    /**
     * Every cell on a received message holding one field of the row type. A failed
     * conversion must leave the position where it was: the field is then read as an object.
     */
    @TestFactory
    Stream<DynamicTest> everyCellOfTheConversionTableOnAReceivedMessage() {
        List<DynamicTest> cells = new ArrayList<>();
        for (Type row : BODY_TYPES) {
            for (Type column : BODY_TYPES) {
                cells.add(dynamicTest(ConversionTable.cell(row, column), () -> {
                    FerryStreamMessage sent = new FerryStreamMessage();
                    sent.writeObject(row.sample());
                    StreamMessage received = received(sent);
                    if (readableAs(row).contains(column)) {
                        assertConverted(row, column, read(received, column));
                        assertThrows(MessageEOFException.class, received::readObject);
                    } else {
                        assertThrows(MessageFormatException.class, () -> read(received, column));
                        Object unread = received.readObject();
                        if (row.sample() instanceof byte[] bytes) {
                            assertArrayEquals(bytes, (byte[]) unread);
                        } else {
                            assertEquals(row.sample(), unread);
                        }
                    }
                }));
            }
        }
        return cells.stream();
    }

    private static Object read(StreamMessage message, Type column) throws JMSException {
        return switch (column.name()) {
            case "boolean" -> message.readBoolean();
            case "byte" -> message.readByte();
            case "short" -> message.readShort();
            case "char" -> message.readChar();
            case "int" -> message.readInt();
            case "long" -> message.readLong();
            case "float" -> message.readFloat();
            case "double" -> message.readDouble();
            case "String" -> message.readString();
            case "byte[]" -> {
                byte[] buffer = new byte[16];
                int n = message.readBytes(buffer);
                byte[] read = new byte[n];
                System.arraycopy(buffer, 0, read, 0, n);
                yield read;
            }
            default -> throw new IllegalArgumentException(column.name());
        };
    }

    @Test
    void aFullMessageReadsBackInOrder() throws Exception {
        FerryStreamMessage sent = new FerryStreamMessage();
        byte[] first = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        sent.writeBytes(first, 0, first.length);
        sent.writeBoolean(false);
        sent.writeByte((byte) 127);
        sent.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        sent.writeChar('Z');
        sent.writeDouble(6.02e23);
        sent.writeFloat(6.02e23f);
        sent.writeInt(6);
        sent.writeLong(Long.MAX_VALUE);
        sent.writeObject("Testing StreamMessages");
        sent.writeShort((short) 32767);
        sent.writeString("text");
        sent.writeObject(null);

        StreamMessage received = received(sent);
        byte[] buffer = new byte[10];
        assertEquals(10, received.readBytes(buffer));
        assertArrayEquals(first, buffer);
        assertEquals(-1, received.readBytes(buffer)); // a full buffer asks for one more call
        assertFalse(received.readBoolean());
        assertEquals((byte) 127, received.readByte());
        assertEquals(10, received.readBytes(buffer));
        assertEquals(-1, received.readBytes(buffer));
        assertEquals('Z', received.readChar());
        assertEquals(6.02e23, received.readDouble());
        assertEquals(6.02e23f, received.readFloat());
        assertEquals(6, received.readInt());
        assertEquals(Long.MAX_VALUE, received.readLong());
        assertEquals("Testing StreamMessages", received.readObject());
        assertEquals((short) 32767, received.readShort());
        assertEquals("text", received.readString());
        assertNull(received.readObject());
        assertThrows(MessageEOFException.class, received::readByte);
    }

    @Test
    void readBytesReturnsAFieldInPiecesUntilAShortRead() throws Exception {
        FerryStreamMessage message = new FerryStreamMessage();
        message.writeBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        message.writeInt(7);
        message.reset();
        byte[] buffer = new byte[4];
        assertEquals(4, message.readBytes(buffer));
        assertThrows(MessageFormatException.class, message::readInt); // the field must be read to its end first
        assertThrows(MessageFormatException.class, message::readObject);
        assertEquals(4, message.readBytes(buffer));
        assertEquals(2, message.readBytes(buffer));
        assertArrayEquals(new byte[] {8, 9}, new byte[] {buffer[0], buffer[1]});
        assertEquals(7, message.readInt());
    }

    @Test
    void consecutiveByteArraysAreDistinctFields() throws Exception {
        FerryStreamMessage message = new FerryStreamMessage();
        message.writeBytes(new byte[] {1, 2});
        message.writeBytes(new byte[] {3});
        message.reset();
        byte[] buffer = new byte[8];
        assertEquals(2, message.readBytes(buffer));
        assertEquals(1, message.readBytes(buffer));
        assertEquals(3, buffer[0]);
        assertThrows(MessageEOFException.class, () -> message.readBytes(buffer));
    }

    @Test
    void aNullByteArrayReadsAsMinusOneAndAnEmptyOneAsZero() throws Exception {
        FerryStreamMessage message = new FerryStreamMessage();
        message.writeBytes(null);
        message.writeBytes(new byte[0]);
        message.writeObject(new byte[0]);
        message.reset();
        assertEquals(-1, message.readBytes(new byte[4]));
        assertEquals(0, message.readBytes(new byte[4]));
        assertArrayEquals(new byte[0], (byte[]) message.readObject());
    }

    @Test
    void nullValuesReadAsValueOfNullWould() throws Exception {
        FerryStreamMessage sent = new FerryStreamMessage();
        sent.writeString(null);
        StreamMessage received = received(sent);
        assertThrows(NullPointerException.class, received::readChar);
        assertThrows(NumberFormatException.class, received::readByte);
        assertThrows(NumberFormatException.class, received::readShort);
        assertThrows(NumberFormatException.class, received::readInt);
        assertThrows(NumberFormatException.class, received::readLong);
        assertThrows(NullPointerException.class, received::readFloat);
        assertThrows(NullPointerException.class, received::readDouble);
        assertNull(received.readObject());
        received.reset();
        assertNull(received.readString());
        received.reset();
        assertFalse(received.readBoolean());
        assertThrows(MessageEOFException.class, received::readBoolean);
    }

    @Test
    void aStringThatIsNotANumberIsANumberFormatExceptionAndDoesNotMove() throws Exception {
        FerryStreamMessage sent = new FerryStreamMessage();
        sent.writeString("mytest string");
        StreamMessage received = received(sent);
        for (Executable read : List.<Executable>of(received::readByte, received::readShort, received::readInt,
                received::readLong, received::readFloat, received::readDouble)) {
            assertThrows(NumberFormatException.class, read);
        }
        assertEquals("mytest string", received.readString());
    }

    @Test
    void stringsReadAsBooleanAsBooleanValueOfDoes() throws Exception {
        FerryStreamMessage message = new FerryStreamMessage();
        message.writeString("true");
        message.writeString("yes");
        message.reset();
        assertEquals(true, message.readBoolean());
        assertEquals(false, message.readBoolean());
    }

    @Test
    void aNewMessageIsWriteOnlyAndResetMakesItReadOnly() throws Exception {
        StreamMessage message = new FerryStreamMessage();
        message.writeString("Testing...");
        assertThrows(MessageNotReadableException.class, message::readString);
        assertThrows(MessageNotReadableException.class, () -> message.readBytes(new byte[1]));
        message.reset();
        assertThrows(MessageNotWriteableException.class, () -> message.writeString("new data"));
        assertEquals("Testing...", message.readString());
        message.reset();
        assertEquals("Testing...", message.readString());
    }

    @Test
    void aReceivedMessageIsReadOnlyForEveryWrite() throws Exception {
        FerryStreamMessage sent = new FerryStreamMessage();
        sent.writeString("Test Message");
        StreamMessage received = received(sent);
        for (Executable write : List.<Executable>of(() -> received.writeBoolean(true), () -> received.writeByte((byte) 1),
                () -> received.writeShort((short) 1), () -> received.writeChar('c'), () -> received.writeInt(1),
                () -> received.writeLong(1), () -> received.writeFloat(1), () -> received.writeDouble(1),
                () -> received.writeBytes(new byte[1]), () -> received.writeBytes(new byte[2], 0, 1),
                () -> received.writeString("s"), () -> received.writeObject(1))) {
            assertThrows(MessageNotWriteableException.class, write);
        }
    }

    @Test
    void clearBodyMakesAReceivedMessageWriteOnlyAndEmpty() throws Exception {
        FerryStreamMessage sent = new FerryStreamMessage();
        sent.writeString("Testing...");
        sent.setStringProperty("COM_SUN_JMS_TESTNAME", "clearBody");
        StreamMessage received = received(sent);
        received.clearBody();
        assertThrows(MessageNotReadableException.class, received::readString);
        assertEquals("clearBody", received.getStringProperty("COM_SUN_JMS_TESTNAME"));
        received.writeString("new data");
        received.reset();
        assertEquals("new data", received.readString());
        assertThrows(MessageEOFException.class, received::readString);
    }

    @Test
    void writeObjectAcceptsBoxedPrimitivesStringsByteArraysAndNullOnly() throws Exception {
        StreamMessage message = new FerryStreamMessage();
        for (Object value : new Object[] {true, (byte) 1, (short) 1, 'c', 1, 1L, 1f, 1d, "s", new byte[1], null}) {
            message.writeObject(value);
        }
        assertThrows(MessageFormatException.class, () -> message.writeObject(new Object()));
        assertThrows(MessageFormatException.class, () -> message.writeObject(List.of()));
    }

    @Test
    void byteArraysAreCopiedInAndOut() throws Exception {
        byte[] value = {1, 2};
        FerryStreamMessage message = new FerryStreamMessage();
        message.writeBytes(value);
        message.writeObject(value);
        value[0] = 9;
        message.reset();
        byte[] read = (byte[]) message.readObject();
        assertArrayEquals(new byte[] {1, 2}, read);
        read[0] = 9;
        message.reset();
        assertArrayEquals(new byte[] {1, 2}, (byte[]) message.readObject());
        assertArrayEquals(new byte[] {1, 2}, (byte[]) message.readObject());
    }

    @Test
    void writeBytesWithARangeChecksIt() {
        StreamMessage message = new FerryStreamMessage();
        assertThrows(IndexOutOfBoundsException.class, () -> message.writeBytes(new byte[2], 1, 2));
    }

    @Test
    void aSnapshotIsNotChangedByLaterWritesAndWorksInBothModes() throws Exception {
        FerryStreamMessage message = new FerryStreamMessage();
        message.writeInt(1);
        MessageData first = message.snapshot("c");
        message.writeInt(2);
        assertEquals(List.of(1), first.body());
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) first.body()).clear());
        message.reset();
        message.readInt();
        assertEquals(List.of(1, 2), message.snapshot("c").body());
        assertEquals(2, message.readInt()); // the read position is kept
    }

    @Test
    void aReceivedStreamIsSharedUntilClearBody() throws Exception {
        FerryStreamMessage sent = new FerryStreamMessage();
        sent.writeInt(1);
        MessageData data = sent.snapshot("c");
        FerryStreamMessage received = (FerryStreamMessage) FerryMessage.fromData(data, 1);
        assertSame(data.body(), received.snapshot("c").body());
        received.clearBody();
        received.writeInt(2);
        assertEquals(List.of(1), data.body());
    }
}
