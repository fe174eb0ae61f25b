package org.ferrymq.client.message;

import static org.ferrymq.client.message.ConversionTable.received;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.ferrymq.protocol.MessageData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** BytesMessage: a stream of uninterpreted bytes, write-only until reset. */
class BytesMessageTest {

    private static FerryBytesMessage withEveryType() throws JMSException {
        FerryBytesMessage message = new FerryBytesMessage();
        message.writeBoolean(false);
        message.writeByte((byte) 127);
        message.writeByte((byte) -12);
        message.writeChar('Z');
        message.writeDouble(6.02e23);
        message.writeFloat(6.02e23f);
        message.writeInt(Integer.MAX_VALUE);
        message.writeLong(Long.MAX_VALUE);
        message.writeObject(Integer.MIN_VALUE);
        message.writeShort((short) -32768);
        message.writeShort((short) -28679);
        message.writeUTF("what");
        message.writeBytes(new byte[] {127, -127, 1, 0});
        message.writeBytes(new byte[] {127, -127, 1, 0}, 0, 1);
        return message;
    }

    @Test
    void everyTypeReadsBackAsWrittenAfterSendAndReceive() throws Exception {
        BytesMessage received = received(withEveryType());
        assertEquals(false, received.readBoolean());
        assertEquals((byte) 127, received.readByte());
        assertEquals(244, received.readUnsignedByte());
        assertEquals('Z', received.readChar());
        assertEquals(6.02e23, received.readDouble());
        assertEquals(6.02e23f, received.readFloat());
        assertEquals(Integer.MAX_VALUE, received.readInt());
        assertEquals(Long.MAX_VALUE, received.readLong());
        assertEquals(Integer.MIN_VALUE, received.readInt());
        assertEquals((short) -32768, received.readShort());
        assertEquals(36857, received.readUnsignedShort());
        assertEquals("what", received.readUTF());
        byte[] four = new byte[4];
        assertEquals(4, received.readBytes(four));
        assertArrayEquals(new byte[] {127, -127, 1, 0}, four);
        assertEquals(1, received.readBytes(four));
        assertEquals(127, four[0]);
        assertEquals(-1, received.readBytes(four));
        assertEquals(48, received.getBodyLength()); // 1+1+1+2+8+4+4+8+4+2+2+(2+4)+4+1
    }

    @Test
    void theEncodingIsDataOutputStreams() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        out.writeInt(7);
        out.writeUTF("é");
        out.writeDouble(1.5);
        FerryBytesMessage message = new FerryBytesMessage();
        message.writeInt(7);
        message.writeUTF("é");
        message.writeDouble(1.5);
        assertArrayEquals(expected.toByteArray(), (byte[]) message.snapshot("c").body());
    }

    @Test
    void aNewMessageIsWriteOnly() {
        BytesMessage message = new FerryBytesMessage();
        assertThrows(MessageNotReadableException.class, message::readByte);
        assertThrows(MessageNotReadableException.class, message::getBodyLength);
        assertThrows(MessageNotReadableException.class, () -> message.readBytes(new byte[1]));
        assertThrows(MessageNotReadableException.class, message::readUTF);
    }

    @Test
    void resetMakesTheBodyReadOnlyFromTheStart() throws Exception {
        BytesMessage message = new FerryBytesMessage();
        message.writeInt(1000);
        message.reset();
        assertThrows(MessageNotWriteableException.class, () -> message.writeInt(1000));
        assertEquals(1000, message.readInt());
        message.reset();
        assertEquals(1000, message.readInt());
        assertEquals(4, message.getBodyLength());
    }

    @Test
    void aReceivedMessageIsReadOnlyForEveryWrite() throws Exception {
        BytesMessage received = received(withEveryType());
        for (Executable write : List.<Executable>of(() -> received.writeBoolean(true), () -> received.writeByte((byte) 1),
                () -> received.writeShort((short) 1), () -> received.writeChar('c'), () -> received.writeInt(1),
                () -> received.writeLong(1), () -> received.writeFloat(1), () -> received.writeDouble(1),
                () -> received.writeBytes(new byte[1]), () -> received.writeBytes(new byte[2], 0, 2),
                () -> received.writeUTF("s"), () -> received.writeObject(1))) {
            assertThrows(MessageNotWriteableException.class, write);
        }
        assertEquals(false, received.readBoolean()); // and it is positioned at the start
    }

    @Test
    void clearBodyMakesAReceivedMessageWriteOnlyAndEmpty() throws Exception {
        FerryBytesMessage sent = new FerryBytesMessage();
        sent.writeByte((byte) 127);
        sent.setStringProperty("COM_SUN_JMS_TESTNAME", "clearBody");
        BytesMessage received = received(sent);
        received.clearBody();
        assertThrows(MessageNotReadableException.class, received::readByte);
        assertEquals("clearBody", received.getStringProperty("COM_SUN_JMS_TESTNAME"));
        received.writeByte((byte) 22);
        received.reset();
        assertEquals(22, received.readByte());
        assertEquals(1, received.getBodyLength());
    }

    @Test
    void readingPastTheEndIsAMessageEofExceptionAndDoesNotMove() throws Exception {
        FerryBytesMessage message = new FerryBytesMessage();
        message.writeShort((short) 5);
        message.reset();
        assertThrows(MessageEOFException.class, message::readInt);
        assertEquals(5, message.readShort());
        assertThrows(MessageEOFException.class, message::readByte);
        assertThrows(MessageEOFException.class, message::readBoolean);
        assertThrows(MessageEOFException.class, message::readUTF);
    }

    @Test
    void readBytesFillsTheBufferThenReturnsTheRestThenMinusOne() throws Exception {
        FerryBytesMessage message = new FerryBytesMessage();
        message.writeBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        message.reset();
        byte[] buffer = new byte[4];
        assertEquals(4, message.readBytes(buffer));
        assertArrayEquals(new byte[] {0, 1, 2, 3}, buffer);
        assertEquals(4, message.readBytes(buffer));
        assertEquals(2, message.readBytes(buffer));
        assertEquals(8, buffer[0]);
        assertEquals(-1, message.readBytes(buffer));
    }

    @Test
    void readBytesWithALengthReadsAtMostThatMany() throws Exception {
        FerryBytesMessage message = new FerryBytesMessage();
        message.writeBytes(new byte[] {1, 2, 3});
        message.reset();
        byte[] buffer = new byte[3];
        assertEquals(2, message.readBytes(buffer, 2));
        assertEquals(1, message.readBytes(buffer, 2));
        assertEquals(3, buffer[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> message.readBytes(buffer, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> message.readBytes(buffer, -1));
    }

    @Test
    void nullCannotBeWritten() {
        BytesMessage message = new FerryBytesMessage();
        assertThrows(NullPointerException.class, () -> message.writeObject(null));
        assertThrows(NullPointerException.class, () -> message.writeBytes(null));
        assertThrows(NullPointerException.class, () -> message.writeUTF(null));
    }

    @Test
    void writeObjectAcceptsOnlyBoxedPrimitivesStringsAndByteArrays() throws Exception {
        FerryBytesMessage viaObject = new FerryBytesMessage();
        for (Object value : List.of(true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, 6d, "s", new byte[] {7})) {
            viaObject.writeObject(value);
        }
        FerryBytesMessage typed = new FerryBytesMessage();
        typed.writeBoolean(true);
        typed.writeByte((byte) 1);
        typed.writeShort((short) 2);
        typed.writeChar('c');
        typed.writeInt(3);
        typed.writeLong(4L);
        typed.writeFloat(5f);
        typed.writeDouble(6d);
        typed.writeUTF("s");
        typed.writeBytes(new byte[] {7});
        assertArrayEquals((byte[]) typed.snapshot("c").body(), (byte[]) viaObject.snapshot("c").body());
        assertThrows(MessageFormatException.class, () -> viaObject.writeObject(new Object()));
    }

    @Test
    void writeBytesChecksTheRange() {
        BytesMessage message = new FerryBytesMessage();
        assertThrows(IndexOutOfBoundsException.class, () -> message.writeBytes(new byte[2], 1, 2));
    }

    @Test
    void malformedUtfIsAMessageFormatExceptionAndDoesNotMove() throws Exception {
        MessageData data = MessageData.builder(MessageData.BodyType.BYTES)
                .body(new byte[] {0, 2, (byte) 0xC0, (byte) 0x41}).build(); // 0xC0 0x41 is not modified UTF-8
        BytesMessage received = (BytesMessage) FerryMessage.fromData(data, 1);
        assertThrows(MessageFormatException.class, received::readUTF);
        assertEquals(2, received.readShort());
    }

    @Test
    void aSnapshotIsACopyOfTheBytesWrittenSoFar() throws Exception {
        FerryBytesMessage message = new FerryBytesMessage();
        message.writeByte((byte) 1);
        MessageData first = message.snapshot("c");
        message.writeByte((byte) 2);
        assertArrayEquals(new byte[] {1}, (byte[]) first.body());
        assertArrayEquals(new byte[] {1, 2}, (byte[]) message.snapshot("c").body());
        message.reset();
        message.readByte();
        assertArrayEquals(new byte[] {1, 2}, (byte[]) message.snapshot("c").body()); // read-only mode works too
        assertEquals(2, message.readByte()); // and the read position is kept
    }

    @Test
    void anEmptyBodyIsAnEmptyArray() throws Exception {
        assertArrayEquals(new byte[0], (byte[]) new FerryBytesMessage().snapshot("c").body());
        BytesMessage received = received(new FerryBytesMessage());
        assertEquals(0, received.getBodyLength());
        assertEquals(-1, received.readBytes(new byte[1]));
    }

    @Test
    void aReceivedBodyIsSharedNotCopiedAndNeverWrittenTo() throws Exception {
        byte[] body = {1, 2, 3};
        MessageData data = MessageData.builder(MessageData.BodyType.BYTES).body(body).build();
        FerryBytesMessage received = (FerryBytesMessage) FerryMessage.fromData(data, 1);
        assertSame(body, received.snapshot("c").body());
        received.clearBody();
        received.writeByte((byte) 9);
        assertArrayEquals(new byte[] {1, 2, 3}, body);
        assertFalse(received.snapshot("c").body() == body);
    }
}
