package org.ferrymq.client.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.junit.jupiter.api.Test;

/**
 * Sending another provider's message (3.12): the producer copies it into a FerryMQ message
 * of the same type. The "foreign" messages here are proxies, so they are not FerryMessages
 * but behave as the interfaces say.
 */
class ForeignMessageTest {

    @SuppressWarnings("unchecked")
    private static <T extends Message> T foreign(Class<T> type, FerryMessage behaviour) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            try {
                return method.invoke(behaviour, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static <T extends FerryMessage> T copied(Message foreign) throws Exception {
        @SuppressWarnings("unchecked")
        T copy = (T) FerryMessage.copyOfForeign(foreign);
        return copy;
    }

    @Test
    void headersAndPropertiesAreCopied() throws Exception {
        FerryMessage behaviour = new FerryMessage();
        behaviour.setJMSCorrelationID("corr");
        behaviour.setJMSType("car");
        behaviour.setJMSReplyTo((Queue) () -> "their-replies");
        behaviour.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        behaviour.setJMSPriority(7);
        behaviour.setIntProperty("anInt", 5);
        behaviour.setStringProperty("COM_SUN_JMS_TESTNAME", "sendReceiveMsgQueueTest");
        Message foreign = foreign(Message.class, behaviour);

        FerryMessage copy = copied(foreign);
        assertEquals(FerryMessage.class, copy.getClass());
        assertEquals("corr", copy.getJMSCorrelationID());
        assertEquals("car", copy.getJMSType());
        assertEquals(DeliveryMode.NON_PERSISTENT, copy.getJMSDeliveryMode());
        assertEquals(7, copy.getJMSPriority());
        assertEquals(5, copy.getIntProperty("anInt"));
        assertEquals("sendReceiveMsgQueueTest", copy.getStringProperty("COM_SUN_JMS_TESTNAME"));
        assertEquals(DestinationName.queue("their-replies"), copy.snapshot("c").replyTo());
    }

    @Test
    void aCorrelationIdSetOnlyAsBytesIsCopiedAsBytes() throws Exception {
        FerryMessage behaviour = new FerryMessage();
        behaviour.setJMSCorrelationIDAsBytes(new byte[] {1, 2, -3});
        Message foreign = (Message) Proxy.newProxyInstance(Message.class.getClassLoader(), new Class<?>[] {Message.class},
                (proxy, method, args) -> method.getName().equals("getJMSCorrelationID") ? null : method.invoke(behaviour, args));
        FerryMessage copy = copied(foreign);
        assertArrayEquals(new byte[] {1, 2, -3}, copy.getJMSCorrelationIDAsBytes());
        assertTrue(copy.snapshot("c").correlationIdIsBytes());
    }

    @Test
    void aReplyToThatIsNeitherQueueNorTopicIsDropped() throws Exception {
        FerryMessage behaviour = new FerryMessage();
        behaviour.setJMSReplyTo(new Destination() { });
        FerryMessage copy = copied(foreign(Message.class, behaviour));
        assertNull(copy.getJMSReplyTo());
        assertNull(copy.snapshot("c").replyTo());
    }

    @Test
    void aTextMessageIsCopiedAsText() throws Exception {
        FerryTextMessage copy = copied(foreign(TextMessage.class, new FerryTextMessage("hello")));
        assertEquals("hello", copy.getText());
    }

    @Test
    void aBytesMessageIsCopiedWhateverItsLength() throws Exception {
        byte[] big = new byte[20_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        FerryBytesMessage behaviour = new FerryBytesMessage();
        behaviour.writeBoolean(true);
        behaviour.writeBytes(big);
        BytesMessage foreign = foreign(BytesMessage.class, behaviour);

        FerryBytesMessage copy = copied(foreign);
        MessageData data = copy.snapshot("c");
        assertEquals(MessageData.BodyType.BYTES, data.bodyType());
        BytesMessage received = (BytesMessage) FerryMessage.fromData(data, 1);
        assertEquals(true, received.readBoolean());
        byte[] read = new byte[big.length];
        assertEquals(big.length, received.readBytes(read));
        assertArrayEquals(big, read);
        assertEquals(true, foreign.readBoolean()); // the foreign message is left reset, ready to read
    }

    @Test
    void anEmptyBytesMessageIsCopiedEmpty() throws Exception {
        FerryBytesMessage copy = copied(foreign(BytesMessage.class, new FerryBytesMessage()));
        assertArrayEquals(new byte[0], (byte[]) copy.snapshot("c").body());
    }

    @Test
    void aMapMessageIsCopiedEntryByEntry() throws Exception {
        FerryMapMessage behaviour = new FerryMapMessage();
        behaviour.setBoolean("TestBoolean", true);
        behaviour.setChar("TestChar", 'c');
        behaviour.setObject("TestDouble", 1.5d);
        behaviour.setBytes("TestBytes", new byte[] {1, 2});
        behaviour.setString("TestNull", null);
        FerryMapMessage copy = copied(foreign(MapMessage.class, behaviour));
        assertEquals(true, copy.getBoolean("TestBoolean"));
        assertEquals('c', copy.getChar("TestChar"));
        assertEquals(1.5d, copy.getDouble("TestDouble"));
        assertArrayEquals(new byte[] {1, 2}, copy.getBytes("TestBytes"));
        assertEquals(true, copy.itemExists("TestNull"));
    }

    @Test
    void aStreamMessageIsCopiedFieldByField() throws Exception {
        FerryStreamMessage behaviour = new FerryStreamMessage();
        behaviour.writeBoolean(true);
        behaviour.writeChar('c');
        behaviour.writeBytes(new byte[] {1, 2});
        behaviour.writeString(null);
        behaviour.writeDouble(1.5);
        FerryStreamMessage copy = copied(foreign(StreamMessage.class, behaviour));
        List<?> values = (List<?>) copy.snapshot("c").body();
        assertEquals(5, values.size());
        assertEquals(true, values.get(0));
        assertEquals('c', values.get(1));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) values.get(2));
        assertNull(values.get(3));
        assertEquals(1.5, values.get(4));
    }

    @Test
    void anObjectMessageIsCopiedAsItsObject() throws Exception {
        FerryObjectMessage copy = copied(foreign(ObjectMessage.class, new FerryObjectMessage("test")));
        assertEquals("test", copy.getObject());
    }

    @Test
    void theCopyIsWritableWhateverTheForeignMessagesState() throws Exception {
        FerryTextMessage received = (FerryTextMessage) FerryMessage.fromData(new FerryTextMessage("t").snapshot("c"), 1);
        FerryTextMessage copy = copied(foreign(TextMessage.class, received));
        copy.setText("changed");
        copy.setIntProperty("p", 1);
        assertEquals("changed", copy.getText());
        assertFalse(copy.snapshot("c").properties().containsKey("JMSXDeliveryCount")); // it belongs to a delivery
    }
}
