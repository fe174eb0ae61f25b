package org.ferrymq.client.message;

import static org.ferrymq.client.message.ConversionTable.received;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Message.getBody and isBodyAssignableTo (Jakarta Messaging 2.0 additions). */
class GetBodyTest {

    @Test
    void aTextBodyIsAString() throws Exception {
        Message message = received(new FerryTextMessage("Where are you!"));
        assertEquals("Where are you!", message.getBody(String.class));
        assertEquals("Where are you!", message.getBody(CharSequence.class));
        assertEquals("Where are you!", message.getBody(Object.class));
        assertTrue(message.isBodyAssignableTo(String.class));
        assertFalse(message.isBodyAssignableTo(Boolean.class));
        assertThrows(MessageFormatException.class, () -> message.getBody(Boolean.class));
    }

    @Test
    void anObjectBodyIsAFreshCopyOfTheObject() throws Exception {
        Message message = received(new FerryObjectMessage(new StringBuffer("This is it!")));
        assertEquals("This is it!", message.getBody(StringBuffer.class).toString());
        assertEquals("This is it!", message.getBody(Serializable.class).toString());
        assertNotSame(message.getBody(StringBuffer.class), message.getBody(StringBuffer.class));
        assertTrue(message.isBodyAssignableTo(StringBuffer.class));
        assertTrue(message.isBodyAssignableTo(CharSequence.class));
        assertFalse(message.isBodyAssignableTo(Boolean.class));
        assertThrows(MessageFormatException.class, () -> message.getBody(HashMap.class));
    }

    @Test
    void aBytesBodyIsACopyOfAllItsBytes() throws Exception {
        FerryBytesMessage sent = new FerryBytesMessage();
        sent.writeByte((byte) 1);
        sent.writeInt(22);
        BytesMessage received = received(sent);
        byte[] body = received.getBody(byte[].class);
        assertArrayEquals(new byte[] {1, 0, 0, 0, 22}, body);
        body[0] = 9;
        assertArrayEquals(new byte[] {1, 0, 0, 0, 22}, (byte[]) received.getBody(Object.class));
        assertTrue(received.isBodyAssignableTo(byte[].class));
        assertFalse(received.isBodyAssignableTo(String.class));
        assertThrows(MessageFormatException.class, () -> received.getBody(StringBuffer.class));
    }

    @Test
    void getBodyResetsABytesMessageBeforeAndAfter() throws Exception {
        FerryBytesMessage sent = new FerryBytesMessage();
        sent.writeByte((byte) 1);
        sent.writeByte((byte) 2);
        BytesMessage received = received(sent);
        received.readByte();
        assertArrayEquals(new byte[] {1, 2}, received.getBody(byte[].class));
        assertEquals(1, received.readByte());

        BytesMessage writing = new FerryBytesMessage();
        writing.writeByte((byte) 7);
        assertThrows(MessageFormatException.class, () -> writing.getBody(StringBuffer.class));
        writing.writeByte((byte) 8); // a refused getBody leaves it as it was
        assertArrayEquals(new byte[] {7, 8}, writing.getBody(byte[].class));
        assertThrows(MessageNotWriteableException.class, () -> writing.writeByte((byte) 9));
        assertEquals(7, writing.readByte());
    }

    @Test
    void aMapBodyIsACopyOfTheMap() throws Exception {
        FerryMapMessage sent = new FerryMapMessage();
        sent.setBoolean("booleanvalue", true);
        sent.setInt("intvalue", 10);
        sent.setBytes("bytes", new byte[] {1});
        Message received = received(sent);
        Map<?, ?> map = received.getBody(Map.class);
        assertEquals(3, map.size());
        assertEquals(true, map.get("booleanvalue"));
        assertEquals(10, map.get("intvalue"));
        ((byte[]) map.get("bytes"))[0] = 9;
        map.clear();
        assertEquals(3, received.getBody(Map.class).size());
        assertArrayEquals(new byte[] {1}, (byte[]) received.getBody(Map.class).get("bytes"));
        assertTrue(received.isBodyAssignableTo(Map.class));
        assertTrue(received.isBodyAssignableTo(Object.class));
        assertFalse(received.isBodyAssignableTo(String.class));
        assertFalse(received.isBodyAssignableTo(HashMap.class));
        assertThrows(MessageFormatException.class, () -> received.getBody(String.class));
        assertThrows(MessageFormatException.class, () -> received.getBody(HashMap.class));
    }

    @Test
    void aStreamMessageNeverHasABodyForGetBody() throws Exception {
        FerryStreamMessage sent = new FerryStreamMessage();
        sent.writeBoolean(true);
        sent.writeInt(22);
        Message received = received(sent);
        assertThrows(MessageFormatException.class, () -> received.getBody(HashMap.class));
        assertThrows(MessageFormatException.class, () -> received.getBody(Object.class));
        assertFalse(received.isBodyAssignableTo(Object.class));
        assertThrows(MessageFormatException.class, () -> new FerryStreamMessage().getBody(Object.class));
        assertFalse(new FerryStreamMessage().isBodyAssignableTo(Object.class));
    }

    @Test
    void aMessageWithoutABodyReturnsNullForAnyType() throws Exception {
        for (Message message : List.<Message>of(new FerryMessage(), new FerryTextMessage(), new FerryBytesMessage(),
                new FerryMapMessage(), new FerryObjectMessage(), received(new FerryTextMessage()),
                received(new FerryBytesMessage()), received(new FerryMapMessage()), received(new FerryObjectMessage()))) {
            assertNull(message.getBody(Integer.class), message.toString());
            assertTrue(message.isBodyAssignableTo(Integer.class), message.toString());
        }
    }
}
