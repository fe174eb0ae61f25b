package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JMSProducer: body-type sends, send options, header values and properties. */
class JMSContextProducerTest {

    private String brokerName;
    private JMSContext context;
    private Queue queue;
    private JMSConsumer consumer;

    @BeforeEach
    void startBroker() {
        brokerName = "ctx-test-" + UUID.randomUUID();
        context = new FerryConnectionFactory("vm://" + brokerName).createContext();
        queue = context.createQueue("producer-test");
        consumer = context.createConsumer(queue);
    }

    @AfterEach
    void stopBroker() {
        try {
            context.close();
        } catch (RuntimeException e) {
            // already closed by the test
        }
        EmbeddedBroker.stop(brokerName);
    }

    private Message next() {
        Message message = consumer.receive(2000);
        assertNotNull(message, "expected a message on " + queue);
        return message;
    }

    // ---- bodies ----

    @Test
    void eachBodyTypeIsSentAsTheMatchingMessageType() throws Exception {
        JMSProducer producer = context.createProducer();
        Map<String, Object> map = new HashMap<>();
        map.put("int", 7);
        map.put("text", "seven");
        producer.send(queue, "text")
                .send(queue, map)
                .send(queue, new byte[] {9, 8, 7})
                .send(queue, (Serializable) List.of("a", "b"));

        assertEquals("text", assertInstanceOf(TextMessage.class, next()).getText());
        MapMessage mapMessage = assertInstanceOf(MapMessage.class, next());
        assertEquals(7, mapMessage.getInt("int"));
        assertEquals("seven", mapMessage.getString("text"));
        BytesMessage bytes = assertInstanceOf(BytesMessage.class, next());
        assertEquals(3, bytes.getBodyLength());
        assertArrayEquals(new byte[] {9, 8, 7}, bytes.getBody(byte[].class));
        assertEquals(List.of("a", "b"), assertInstanceOf(ObjectMessage.class, next()).getObject());
    }

    @Test
    void aNullBodyStillSendsAMessageOfThatType() throws Exception {
        JMSProducer producer = context.createProducer();
        producer.send(queue, (String) null)
                .send(queue, (Map<String, Object>) null)
                .send(queue, (byte[]) null)
                .send(queue, (Serializable) null);
        assertNull(assertInstanceOf(TextMessage.class, next()).getText());
        assertFalse(assertInstanceOf(MapMessage.class, next()).getMapNames().hasMoreElements());
        assertEquals(0, assertInstanceOf(BytesMessage.class, next()).getBodyLength());
        assertNull(assertInstanceOf(ObjectMessage.class, next()).getObject());
    }

    @Test
    void aMessageIsSentWithItsOwnBody() throws Exception {
        TextMessage message = context.createTextMessage("own");
        message.setStringProperty("origin", "message");
        context.createProducer().send(queue, message);
        Message received = next();
        assertEquals("own", received.getBody(String.class));
        assertEquals("message", received.getStringProperty("origin"));
        assertNotNull(message.getJMSMessageID(), "the sent message carries the headers set on send");
        assertEquals(received.getJMSMessageID(), message.getJMSMessageID());
        assertEquals(queue, message.getJMSDestination());
    }

    // ---- bad input ----

    @Test
    void nullDestinationsAndNullMessagesAreRefused() {
        JMSProducer producer = context.createProducer();
        assertThrows(InvalidDestinationRuntimeException.class, () -> producer.send(null, context.createMessage()));
        assertThrows(InvalidDestinationRuntimeException.class, () -> producer.send(null, "text"));
        assertThrows(InvalidDestinationRuntimeException.class, () -> producer.send(null, new byte[0]));
        assertThrows(InvalidDestinationRuntimeException.class, () -> producer.send(null, Map.of()));
        assertThrows(InvalidDestinationRuntimeException.class, () -> producer.send(null, (Serializable) 1));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.send(queue, (Message) null));
    }

    @Test
    void aMapBodyWithAValueAMapMessageCannotHoldIsAMessageFormatRuntimeException() {
        Map<String, Object> body = new HashMap<>();
        body.put("list", new ArrayList<>());
        assertThrows(MessageFormatRuntimeException.class, () -> context.createProducer().send(queue, body));
    }

    @Test
    void invalidDeliveryModesAndPrioritiesAreJMSRuntimeExceptions() {
        JMSProducer producer = context.createProducer();
        assertThrows(JMSRuntimeException.class, () -> producer.setDeliveryMode(0));
        assertThrows(JMSRuntimeException.class, () -> producer.setDeliveryMode(3));
        assertThrows(JMSRuntimeException.class, () -> producer.setPriority(-1));
        assertThrows(JMSRuntimeException.class, () -> producer.setPriority(10));
        assertEquals(DeliveryMode.PERSISTENT, producer.getDeliveryMode());
        assertEquals(Message.DEFAULT_PRIORITY, producer.getPriority());
    }

    @Test
    void sendingThroughAClosedContextIsAnIllegalStateRuntimeException() {
        JMSProducer producer = context.createProducer();
        context.close();
        assertThrows(IllegalStateRuntimeException.class, () -> producer.send(queue, "late"));
        assertThrows(IllegalStateRuntimeException.class, context::createProducer);
    }

    @Test
    void propertiesOnAReceivedMessageAreReadOnly() {
        context.createProducer().send(queue, "first");
        Message received = next();
        JMSProducer producer = context.createProducer().setProperty("extra", 1);
        assertThrows(MessageNotWriteableRuntimeException.class, () -> producer.send(queue, received));
        context.createProducer().send(queue, received); // without producer properties it may be sent again
        assertEquals("first", consumer.receiveBody(String.class, 2000));
    }

    // ---- send options ----

    @Test
    void sendOptionsAreAppliedToEachMessage() throws Exception {
        JMSProducer producer = context.createProducer()
                .setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                .setPriority(7)
                .setTimeToLive(60_000)
                .setDisableMessageID(true)
                .setDisableMessageTimestamp(true);
        assertEquals(DeliveryMode.NON_PERSISTENT, producer.getDeliveryMode());
        assertEquals(7, producer.getPriority());
        assertEquals(60_000, producer.getTimeToLive());
        assertTrue(producer.getDisableMessageID());
        assertTrue(producer.getDisableMessageTimestamp());
        long before = System.currentTimeMillis();
        producer.send(queue, "options");
        Message received = next();
        assertEquals(DeliveryMode.NON_PERSISTENT, received.getJMSDeliveryMode());
        assertEquals(7, received.getJMSPriority());
        assertTrue(received.getJMSExpiration() >= before + 60_000);
        assertNull(received.getJMSMessageID());
        assertEquals(0, received.getJMSTimestamp());

        context.createProducer().send(queue, "defaults");
        Message plain = next();
        assertEquals(DeliveryMode.PERSISTENT, plain.getJMSDeliveryMode());
        assertEquals(Message.DEFAULT_PRIORITY, plain.getJMSPriority());
        assertEquals(0, plain.getJMSExpiration());
        assertNotNull(plain.getJMSMessageID());
        assertTrue(plain.getJMSTimestamp() > 0);
    }

    @Test
    void aDeliveryDelayHoldsTheMessageBack() throws Exception {
        JMSProducer producer = context.createProducer().setDeliveryDelay(500);
        assertEquals(500, producer.getDeliveryDelay());
        long sent = System.currentTimeMillis();
        producer.send(queue, "later");
        // when it arrives tells whether it was held back; a short receive before it would race the delay
        Message received = consumer.receive(30_000);
        long receivedAfter = System.currentTimeMillis() - sent;
        assertNotNull(received);
        assertTrue(receivedAfter >= 450, "delivered " + receivedAfter + " ms after the send, before its delivery time");
        assertTrue(received.getJMSDeliveryTime() >= sent + 500);
    }

    @Test
    void anAsyncSendCallsTheCompletionListenerOnAnotherThread() throws Exception {
        CompletableFuture<Message> completed = new CompletableFuture<>();
        CompletableFuture<Thread> callbackThread = new CompletableFuture<>();
        CompletionListener listener = new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                callbackThread.complete(Thread.currentThread());
                completed.complete(message);
            }

            @Override
            public void onException(Message message, Exception exception) {
                completed.completeExceptionally(exception);
            }
        };
        JMSProducer producer = context.createProducer().setAsync(listener);
        assertSame(listener, producer.getAsync());
        producer.send(queue, "async");
        Message message = completed.get(5, TimeUnit.SECONDS);
        assertEquals("async", message.getBody(String.class));
        assertNotSame(Thread.currentThread(), callbackThread.get());
        assertEquals("async", consumer.receiveBody(String.class, 2000));
        assertNull(producer.setAsync(null).getAsync());
    }

    // ---- header values ----

    @Test
    void headerValuesSetOnTheProducerOverrideTheMessagesOwn() throws Exception {
        Queue replyTo = context.createQueue("replies");
        JMSProducer producer = context.createProducer()
                .setJMSCorrelationID("corr-1")
                .setJMSType("order")
                .setJMSReplyTo(replyTo);
        assertEquals("corr-1", producer.getJMSCorrelationID());
        assertEquals("order", producer.getJMSType());
        assertEquals(replyTo, producer.getJMSReplyTo());
        TextMessage message = context.createTextMessage("headers");
        message.setJMSType("ignored");
        message.setJMSCorrelationID("ignored");
        producer.send(queue, message);
        Message received = next();
        assertEquals("corr-1", received.getJMSCorrelationID());
        assertEquals("order", received.getJMSType());
        assertEquals(replyTo, received.getJMSReplyTo());
    }

    @Test
    void headerValuesNotSetOnTheProducerLeaveTheMessagesOwn() throws Exception {
        TextMessage message = context.createTextMessage("own headers");
        message.setJMSType("mine");
        message.setJMSCorrelationID("my-corr");
        context.createProducer().send(queue, message);
        Message received = next();
        assertEquals("mine", received.getJMSType());
        assertEquals("my-corr", received.getJMSCorrelationID());
        assertNull(received.getJMSReplyTo());
    }

    @Test
    void theCorrelationIdAsBytesIsCopiedAndSent() throws Exception {
        byte[] id = {1, 2, 3};
        JMSProducer producer = context.createProducer().setJMSCorrelationIDAsBytes(id);
        id[0] = 42;
        assertArrayEquals(new byte[] {1, 2, 3}, producer.getJMSCorrelationIDAsBytes());
        producer.getJMSCorrelationIDAsBytes()[1] = 42;
        assertArrayEquals(new byte[] {1, 2, 3}, producer.getJMSCorrelationIDAsBytes());
        producer.send(queue, "bytes id");
        assertArrayEquals(new byte[] {1, 2, 3}, next().getJMSCorrelationIDAsBytes());
    }

    // ---- properties ----

    @Test
    void propertiesOfEveryTypeAreSentAndReplaceTheMessagesOwn() throws Exception {
        JMSProducer producer = context.createProducer()
                .setProperty("boolean", true)
                .setProperty("byte", (byte) 1)
                .setProperty("short", (short) 2)
                .setProperty("int", 3)
                .setProperty("long", 4L)
                .setProperty("float", 5.5f)
                .setProperty("double", 6.5d)
                .setProperty("string", "seven")
                .setProperty("object", (Object) 8L);
        TextMessage message = context.createTextMessage("props");
        message.setIntProperty("int", -1);
        message.setStringProperty("own", "kept");
        producer.send(queue, message);
        Message received = next();
        assertTrue(received.getBooleanProperty("boolean"));
        assertEquals((byte) 1, received.getByteProperty("byte"));
        assertEquals((short) 2, received.getShortProperty("short"));
        assertEquals(3, received.getIntProperty("int"), "the producer's value replaces the message's");
        assertEquals(4L, received.getLongProperty("long"));
        assertEquals(5.5f, received.getFloatProperty("float"));
        assertEquals(6.5d, received.getDoubleProperty("double"));
        assertEquals("seven", received.getStringProperty("string"));
        assertEquals(8L, received.getObjectProperty("object"));
        assertEquals("kept", received.getStringProperty("own"));
    }

    @Test
    void propertiesReadBackWithTheMessageConversionTable() {
        JMSProducer producer = context.createProducer()
                .setProperty("boolean", true)
                .setProperty("byte", (byte) 12)
                .setProperty("int", 34)
                .setProperty("float", 1.5f)
                .setProperty("double", 2.5d)
                .setProperty("number", "56")
                .setProperty("word", "abc");
        assertEquals("true", producer.getStringProperty("boolean"));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.getIntProperty("boolean"));
        assertEquals((short) 12, producer.getShortProperty("byte"));
        assertEquals(12, producer.getIntProperty("byte"));
        assertEquals(12L, producer.getLongProperty("byte"));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.getFloatProperty("byte"));
        assertEquals(34L, producer.getLongProperty("int"));
        assertEquals("34", producer.getStringProperty("int"));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.getShortProperty("int"));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.getBooleanProperty("int"));
        assertEquals(1.5d, producer.getDoubleProperty("float"));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.getFloatProperty("double"));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.getLongProperty("double"));
        assertEquals(56, producer.getIntProperty("number"));
        assertEquals(56.0d, producer.getDoubleProperty("number"));
        assertFalse(producer.getBooleanProperty("word"));
        assertThrows(NumberFormatException.class, () -> producer.getIntProperty("word"));
        assertEquals(Integer.valueOf(34), producer.getObjectProperty("int"));
    }

    @Test
    void aMissingPropertyReadsAsNull() {
        JMSProducer producer = context.createProducer();
        assertFalse(producer.propertyExists("missing"));
        assertNull(producer.getObjectProperty("missing"));
        assertNull(producer.getStringProperty("missing"));
        assertFalse(producer.getBooleanProperty("missing"));
        assertThrows(NumberFormatException.class, () -> producer.getByteProperty("missing"));
        assertThrows(NumberFormatException.class, () -> producer.getShortProperty("missing"));
        assertThrows(NumberFormatException.class, () -> producer.getIntProperty("missing"));
        assertThrows(NumberFormatException.class, () -> producer.getLongProperty("missing"));
        assertThrows(NullPointerException.class, () -> producer.getFloatProperty("missing"));
        assertThrows(NullPointerException.class, () -> producer.getDoubleProperty("missing"));
    }

    @Test
    void propertyNamesAndValuesFollowTheMessageRules() {
        JMSProducer producer = context.createProducer();
        assertThrows(IllegalArgumentException.class, () -> producer.setProperty(null, 1));
        assertThrows(IllegalArgumentException.class, () -> producer.setProperty("", true));
        assertThrows(IllegalArgumentException.class, () -> producer.setProperty("", "x"));
        assertThrows(IllegalArgumentException.class, () -> producer.setProperty(null, (Object) 1L));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.setProperty("list", new ArrayList<>()));
        assertFalse(producer.propertyExists("list"));
    }

    @Test
    void propertyNamesAreAnUnmodifiableLiveView() {
        JMSProducer producer = context.createProducer().setProperty("a", 1);
        Set<String> names = producer.getPropertyNames();
        assertEquals(Set.of("a"), names);
        producer.setProperty("b", 2);
        assertEquals(Set.of("a", "b"), names);
        assertTrue(producer.propertyExists("b"));
        assertThrows(UnsupportedOperationException.class, () -> names.add("c"));
        assertThrows(UnsupportedOperationException.class, () -> names.remove("a"));
        producer.clearProperties();
        assertTrue(names.isEmpty());
        assertNull(producer.getObjectProperty("a"));
    }

    @Test
    void eachProducerKeepsItsOwnSettings() throws Exception {
        JMSProducer urgent = context.createProducer().setPriority(9).setProperty("kind", "urgent");
        JMSProducer normal = context.createProducer();
        urgent.send(queue, "u");
        normal.send(queue, "n");
        Message first = next();
        Message second = next();
        Message u = "u".equals(first.getBody(String.class)) ? first : second;
        Message n = u == first ? second : first;
        assertEquals(9, u.getJMSPriority());
        assertEquals("urgent", u.getStringProperty("kind"));
        assertEquals(Message.DEFAULT_PRIORITY, n.getJMSPriority());
        assertFalse(n.propertyExists("kind"));
        assertNotEquals(u.getJMSMessageID(), n.getJMSMessageID());
    }

    @Test
    void theFluentSettersReturnTheSameProducer() {
        JMSProducer producer = context.createProducer();
        Destination replyTo = queue;
        assertSame(producer, producer.setDeliveryMode(DeliveryMode.PERSISTENT).setPriority(4).setTimeToLive(0)
                .setDeliveryDelay(0).setDisableMessageID(false).setDisableMessageTimestamp(false).setAsync(null)
                .setJMSCorrelationID("c").setJMSType("t").setJMSReplyTo(replyTo).setProperty("p", 1)
                .clearProperties());
    }
}
