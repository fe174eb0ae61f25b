package org.ferrymq.client.message;

import static org.ferrymq.client.message.ConversionTable.received;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.ObjectMessage;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.ferrymq.protocol.MessageData;
import org.junit.jupiter.api.Test;

/** ObjectMessage: a Serializable body, copied in and out. */
class ObjectMessageTest {

    @Test
    void setObjectTakesACopyLaterChangesDoNotReachTheMessage() throws Exception {
        ArrayList<String> list = new ArrayList<>(List.of("a"));
        ObjectMessage message = new FerryObjectMessage();
        message.setObject(list);
        list.add("b");
        assertEquals(List.of("a"), message.getObject());
    }

    @Test
    void everyGetObjectReturnsAFreshCopy() throws Exception {
        ObjectMessage message = new FerryObjectMessage(new ArrayList<>(List.of("a")));
        @SuppressWarnings("unchecked")
        List<String> first = (List<String>) message.getObject();
        first.add("changed");
        assertEquals(List.of("a"), message.getObject());
        assertNotSame(message.getObject(), message.getObject());
    }

    @Test
    void theObjectTravelsWithTheMessage() throws Exception {
        assertEquals(new StringBuffer("This is it!").toString(),
                received(new FerryObjectMessage(new StringBuffer("This is it!"))).getObject().toString());
        assertEquals("Initial message", received(new FerryObjectMessage("Initial message")).getObject());
        assertNull(received(new FerryObjectMessage()).getObject());
    }

    @Test
    void aReceivedObjectIsReadOnlyUntilClearBody() throws Exception {
        FerryObjectMessage received = received(new FerryObjectMessage("Initial message"));
        assertThrows(MessageNotWriteableException.class, () -> received.setObject("new stuff"));
        received.clearBody();
        assertNull(received.getObject());
        received.setObject("new stuff here!!!!!!");
        assertEquals("new stuff here!!!!!!", received.getObject());
    }

    @Test
    void theSnapshotHoldsTheSerializedForm() throws Exception {
        MessageData data = new FerryObjectMessage(42).snapshot("c");
        assertEquals(MessageData.BodyType.OBJECT, data.bodyType());
        assertInstanceOf(byte[].class, data.body());
    }

    static final class NotSerializable {
    }

    static final class Holder implements Serializable {
        final Object content = new NotSerializable();
    }

    @Test
    void anObjectThatCannotBeSerializedIsAMessageFormatException() {
        ObjectMessage message = new FerryObjectMessage();
        MessageFormatException e = assertThrows(MessageFormatException.class, () -> message.setObject(new Holder()));
        assertTrue(e.getMessage().contains(Holder.class.getName()), e.getMessage());
    }

    @Test
    void aBodyThatCannotBeDeserializedIsAMessageFormatException() throws Exception {
        MessageData data = MessageData.builder(MessageData.BodyType.OBJECT).body(new byte[] {1, 2, 3}).build();
        ObjectMessage received = (ObjectMessage) FerryMessage.fromData(data, 1);
        assertThrows(MessageFormatException.class, received::getObject);
        assertThrows(MessageFormatException.class, () -> received.getBody(Object.class));
        assertFalse(received.isBodyAssignableTo(Object.class));
    }

    @Test
    void aForgedArrayLengthIsRefusedBeforeTheArrayIsAllocated() throws Exception {
        byte[] body = (byte[]) new FerryObjectMessage(new long[0]).snapshot("c").body();
        ByteBuffer.wrap(body, body.length - Integer.BYTES, Integer.BYTES).putInt(Integer.MAX_VALUE); // the length
        ObjectMessage received = (ObjectMessage) FerryMessage.fromData(
                MessageData.builder(MessageData.BodyType.OBJECT).body(body).build(), 1);
        MessageFormatException e = assertThrows(MessageFormatException.class, received::getObject);
        assertTrue(e.getMessage().contains("array of " + Integer.MAX_VALUE + " elements"), e.getMessage());
    }

    @Test
    void anObjectGraphNestedDeeperThanAnySenderWritesIsRefused() throws Exception {
        Object nested = "bottom";
        for (int i = 0; i < 600; i++) {
            nested = new ArrayList<>(List.of(nested));
        }
        Serializable deep = (Serializable) nested;
        FerryObjectMessage[] sent = new FerryObjectMessage[1];
        Thread writer = new Thread(null, () -> {
            try {
                sent[0] = new FerryObjectMessage(deep);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "deep writer", 64 << 20);
        writer.start();
        writer.join();
        ObjectMessage received = received(sent[0]);
        MessageFormatException e = assertThrows(MessageFormatException.class, received::getObject);
        assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
    }

    @Test
    void settingNullRemovesTheObject() throws Exception {
        ObjectMessage message = new FerryObjectMessage("x");
        message.setObject(null);
        assertNull(message.getObject());
        assertNull(((FerryObjectMessage) message).snapshot("c").body());
    }
}
