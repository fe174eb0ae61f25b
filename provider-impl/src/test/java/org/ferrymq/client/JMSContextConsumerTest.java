package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** JMSConsumer: receive, receiveBody and its acknowledgement rules, listeners. */
class JMSContextConsumerTest {

    @RegisterExtension
    final EmbeddedBroker broker = new EmbeddedBroker();

    @RegisterExtension
    final EmbeddedBroker threeAttempts = new EmbeddedBroker("maxDeliveryAttempts=3");

    private JMSContext context(int sessionMode) {
        return broker.track(broker.factory().createContext(sessionMode));
    }

    // ---- receiveBody ----

    @Test
    void receiveBodyReturnsTheBodyOfEachBodyType() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("bodies");
        JMSConsumer consumer = context.createConsumer(queue);
        context.createProducer()
                .send(queue, "text")
                .send(queue, new byte[] {1, 2, 3})
                .send(queue, Map.<String, Object>of("k", 5))
                .send(queue, new StringBuilder("object"));
        assertEquals("text", consumer.receiveBody(String.class));
        assertArrayEquals(new byte[] {1, 2, 3}, consumer.receiveBody(byte[].class, 2000));
        assertEquals(Map.of("k", 5), consumer.receiveBody(Map.class, 2000));
        assertEquals("object", consumer.receiveBody(Serializable.class, 2000).toString());
        assertNull(consumer.receiveBodyNoWait(String.class));
        assertNull(consumer.receiveBody(String.class, 100), "a timeout returns null");
    }

    @Test
    void receiveBodyAcceptsASupertypeOfTheBody() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("supertype");
        JMSConsumer consumer = context.createConsumer(queue);
        context.createProducer().send(queue, "as object").send(queue, "as char sequence");
        assertEquals("as object", consumer.receiveBody(Object.class, 2000));
        assertEquals("as char sequence", consumer.receiveBody(CharSequence.class, 2000).toString());
    }

    @Test
    void receiveBodyOfWrongTypeThrowsMessageFormatRuntimeException() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("wrong-type");
        JMSConsumer consumer = context.createConsumer(queue);
        context.createProducer().send(queue, "text");
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Boolean.class, 2000));
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBodyNoWait(Map.class));
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(byte[].class));
        assertEquals("text", consumer.receiveBody(String.class, 2000));
    }

    @Test
    void inAutoAcknowledgeARefusedBodyComesAgainFirstAndNotAsARedelivery() throws Exception {
        refusedBodyIsDeliveredAgainUnflagged(JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Test
    void inDupsOkAcknowledgeARefusedBodyComesAgainFirstAndNotAsARedelivery() throws Exception {
        refusedBodyIsDeliveredAgainUnflagged(JMSContext.DUPS_OK_ACKNOWLEDGE);
    }

    private void refusedBodyIsDeliveredAgainUnflagged(int sessionMode) throws Exception {
        JMSContext context = context(sessionMode);
        Queue queue = context.createQueue("refused-" + sessionMode);
        JMSConsumer consumer = context.createConsumer(queue);
        context.createProducer().send(queue, "first").send(queue, "second");
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Integer.class, 2000));
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBodyNoWait(Integer.class));
        Message again = consumer.receive(2000);
        assertEquals("first", again.getBody(String.class));
        assertFalse(again.getJMSRedelivered(), "a refused receiveBody is not a delivery");
        assertEquals(1, again.getIntProperty("JMSXDeliveryCount"));
        assertEquals("second", consumer.receiveBody(String.class, 2000));
        context.close();
        JMSContext reader = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertNull(reader.createConsumer(queue).receive(200), "both messages were acknowledged");
    }

    /**
     * A refused body is not a delivery the application sees (the test above), but it is an
     * attempt: after maxDeliveryAttempts of them the message goes to the dead-letter queue, so
     * one message that receiveBody cannot take does not stop a consumer for good.
     */
    @Test
    void aMessageWhoseBodyIsRefusedMaxDeliveryAttemptsTimesGoesToTheDeadLetterQueue() throws Exception {
        JMSContext context = threeAttempts.track(threeAttempts.factory().createContext(JMSContext.AUTO_ACKNOWLEDGE));
        Queue queue = context.createQueue("refused-for-good");
        BytesMessage bytes = context.createBytesMessage();
        bytes.writeInt(7);
        StreamMessage stream = context.createStreamMessage();
        stream.writeInt(8);
        context.createProducer().send(queue, bytes).send(queue, stream).send(queue, "text");
        JMSConsumer consumer = context.createConsumer(queue);
        for (int attempt = 1; attempt <= 6; attempt++) { // three for the BytesMessage, three for the StreamMessage
            assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(String.class, 5000));
        }
        assertEquals("text", consumer.receiveBody(String.class, 5000), "the refused messages still block the queue");
        JMSConsumer deadLetters = context.createConsumer(context.createQueue("DLQ"));
        Message first = deadLetters.receive(5000);
        assertInstanceOf(BytesMessage.class, first);
        assertEquals(7, ((BytesMessage) first).readInt());
        Message second = deadLetters.receive(5000);
        assertInstanceOf(StreamMessage.class, second);
        assertEquals(8, ((StreamMessage) second).readInt());
    }

    @Test
    void inClientAcknowledgeARefusedBodyCountsAsReceived() throws Exception {
        JMSContext context = context(JMSContext.CLIENT_ACKNOWLEDGE);
        Queue queue = context.createQueue("refused-client");
        JMSConsumer consumer = context.createConsumer(queue);
        context.createProducer().send(queue, "first").send(queue, "second");
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Integer.class, 2000));
        assertEquals("second", consumer.receiveBody(String.class, 2000), "the refused message is not given again");
        context.recover();
        Message redelivered = consumer.receive(2000);
        assertEquals("first", redelivered.getBody(String.class));
        assertTrue(redelivered.getJMSRedelivered());
        assertEquals(2, redelivered.getIntProperty("JMSXDeliveryCount"));
    }

    @Test
    void inATransactionARefusedBodyCountsAsReceivedUntilRollback() throws Exception {
        JMSContext context = context(JMSContext.SESSION_TRANSACTED);
        JMSContext sender = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("refused-tx");
        sender.createProducer().send(queue, "first").send(queue, "second");
        JMSConsumer consumer = context.createConsumer(queue);
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Integer.class, 2000));
        assertEquals("second", consumer.receiveBody(String.class, 2000));
        context.rollback();
        Message redelivered = consumer.receive(2000);
        assertEquals("first", redelivered.getBody(String.class));
        assertTrue(redelivered.getJMSRedelivered());
        assertEquals("second", consumer.receiveBody(String.class, 2000));
        context.commit();
        assertNull(consumer.receive(200));
    }

    @Test
    void receiveBodyRefusesStreamMessagesBareMessagesAndMessagesWithoutBody() throws Exception {
        JMSContext context = context(JMSContext.CLIENT_ACKNOWLEDGE);
        Queue queue = context.createQueue("no-body");
        JMSConsumer consumer = context.createConsumer(queue);
        StreamMessage stream = context.createStreamMessage();
        stream.writeInt(1);
        context.createProducer()
                .send(queue, stream)
                .send(queue, context.createMessage())
                .send(queue, (String) null)
                .send(queue, "after");
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Object.class, 2000));
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Object.class, 2000));
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(String.class, 2000));
        assertEquals("after", consumer.receiveBody(String.class, 2000));
    }

    // ---- receive, listeners, selectors, close ----

    @Test
    void receiveVariantsReturnMessagesOrNull() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("receive");
        JMSConsumer consumer = context.createConsumer(queue);
        context.createProducer().send(queue, "a").send(queue, "b").send(queue, "c");
        assertEquals("a", ((TextMessage) consumer.receive()).getText());
        assertEquals("b", ((TextMessage) consumer.receive(2000)).getText());
        assertEquals("c", ((TextMessage) consumer.receiveNoWait()).getText());
        assertNull(consumer.receiveNoWait());
        assertNull(consumer.receive(100));
    }

    @Test
    void aMessageListenerReceivesAsynchronously() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("listener");
        JMSConsumer consumer = context.createConsumer(queue);
        assertNull(consumer.getMessageListener());
        CompletableFuture<String> received = new CompletableFuture<>();
        MessageListener listener = m -> received.complete(JmsExceptions.call(() -> m.getBody(String.class)));
        consumer.setMessageListener(listener);
        assertSame(listener, consumer.getMessageListener());
        assertThrows(IllegalStateRuntimeException.class, () -> consumer.receive(10));
        assertThrows(IllegalStateRuntimeException.class, () -> consumer.receiveBody(String.class, 10));
        context.createProducer().send(queue, "async");
        assertEquals("async", received.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aListenerMayCloseItsOwnConsumer() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("listener-closes-consumer");
        JMSConsumer consumer = context.createConsumer(queue);
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        consumer.setMessageListener(m -> {
            consumer.close();
            closed.complete(true);
        });
        context.createProducer().send(queue, "close me");
        assertTrue(closed.get(5, TimeUnit.SECONDS));
        assertThrows(IllegalStateRuntimeException.class, consumer::getMessageListener);
    }

    @Test
    void theSelectorIsReportedAndApplied() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("selector");
        JMSConsumer plain = context.createConsumer(queue);
        assertNull(plain.getMessageSelector());
        plain.close();
        JMSConsumer selective = context.createConsumer(queue, "colour = 'red'");
        assertEquals("colour = 'red'", selective.getMessageSelector());
        context.createProducer().setProperty("colour", "blue").send(queue, "blue");
        context.createProducer().setProperty("colour", "red").send(queue, "red");
        assertEquals("red", selective.receiveBody(String.class, 2000));
        assertNull(selective.receive(100));
    }

    @Test
    void aClosedConsumerRefusesToReceive() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("closed-consumer");
        JMSConsumer consumer = context.createConsumer(queue);
        consumer.close();
        consumer.close();
        assertThrows(IllegalStateRuntimeException.class, consumer::receive);
        assertThrows(IllegalStateRuntimeException.class, consumer::receiveNoWait);
        assertThrows(IllegalStateRuntimeException.class, () -> consumer.receiveBody(String.class, 10));
        assertThrows(IllegalStateRuntimeException.class, () -> consumer.receiveBodyNoWait(String.class));
        assertThrows(IllegalStateRuntimeException.class, consumer::getMessageSelector);
    }

    @Test
    void closeWakesABlockedReceiveWithNull() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        JMSConsumer consumer = context.createConsumer(context.createQueue("wake"));
        CompletableFuture<String> body = new CompletableFuture<>();
        Thread receiver = new Thread(() -> {
            try {
                body.complete(consumer.receiveBody(String.class));
            } catch (RuntimeException e) {
                body.completeExceptionally(e);
            }
        }, "blocked-receiver");
        receiver.start();
        BlockedReceive.await(receiver);
        consumer.close();
        assertNull(body.get(30, TimeUnit.SECONDS));
    }
}
