package org.ferrymq.client.message;

import static org.ferrymq.client.message.ConversionTable.received;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.Topic;
import java.util.concurrent.atomic.AtomicInteger;
import org.ferrymq.client.FerryQueue;
import org.ferrymq.client.FerryTopic;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.junit.jupiter.api.Test;

/** Message header fields (Jakarta Messaging 3.4), acknowledgement and the wire form. */
class MessageHeadersTest {

    @Test
    void aNewMessageHasTheDefaultHeaders() throws Exception {
        Message message = new FerryMessage();
        assertNull(message.getJMSMessageID());
        assertNull(message.getJMSDestination());
        assertNull(message.getJMSReplyTo());
        assertNull(message.getJMSCorrelationID());
        assertNull(message.getJMSType());
        assertEquals(DeliveryMode.PERSISTENT, message.getJMSDeliveryMode());
        assertEquals(Message.DEFAULT_PRIORITY, message.getJMSPriority());
        assertEquals(0, message.getJMSTimestamp());
        assertEquals(0, message.getJMSExpiration());
        assertEquals(0, message.getJMSDeliveryTime());
        assertFalse(message.getJMSRedelivered());
    }

    @Test
    void everyHeaderTravelsWithTheMessage() throws Exception {
        FerryMessage sent = new FerryMessage();
        sent.setJMSMessageID("ID:1");
        sent.setJMSTimestamp(1000);
        sent.setJMSCorrelationID("order-17");
        sent.setJMSDestination(new FerryQueue("orders"));
        sent.setJMSReplyTo(new FerryTopic("replies"));
        sent.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        sent.setJMSType("car");
        sent.setJMSExpiration(5000);
        sent.setJMSDeliveryTime(2000);
        sent.setJMSPriority(9);

        Message received = received(sent);
        assertEquals("ID:1", received.getJMSMessageID());
        assertEquals(1000, received.getJMSTimestamp());
        assertEquals("order-17", received.getJMSCorrelationID());
        assertNull(received.getJMSCorrelationIDAsBytes());
        assertEquals("orders", ((Queue) received.getJMSDestination()).getQueueName());
        assertEquals("replies", ((Topic) received.getJMSReplyTo()).getTopicName());
        assertEquals(DeliveryMode.NON_PERSISTENT, received.getJMSDeliveryMode());
        assertEquals("car", received.getJMSType());
        assertEquals(5000, received.getJMSExpiration());
        assertEquals(2000, received.getJMSDeliveryTime());
        assertEquals(9, received.getJMSPriority());
        assertFalse(received.getJMSRedelivered());
    }

    @Test
    void headersOfAReceivedMessageCanBeChanged() throws Exception {
        Message received = received(new FerryMessage());
        received.setJMSType("changed");
        received.setJMSCorrelationID("c");
        received.setJMSReplyTo(new FerryQueue("q"));
        received.setJMSRedelivered(true);
        assertEquals("changed", received.getJMSType());
        assertEquals(new FerryQueue("q"), received.getJMSReplyTo());
        assertTrue(received.getJMSRedelivered());
    }

    @Test
    void aReceivedDestinationIsEquivalentToTheOneSentTo() throws Exception {
        FerryMessage sent = new FerryMessage();
        sent.setJMSDestination(new FerryQueue("orders"));
        Message received = received(sent);
        assertEquals(new FerryQueue("orders"), received.getJMSDestination());
        assertSame(received.getJMSDestination(), received.getJMSDestination());
    }

    @Test
    void temporaryDestinationsKeepTheirKind() throws Exception {
        MessageData data = MessageData.builder(MessageData.BodyType.MESSAGE)
                .replyTo(new DestinationName(DestinationName.Kind.TEMP_TOPIC, "tmp-1")).build();
        Destination replyTo = FerryMessage.fromData(data, 1).getJMSReplyTo();
        assertInstanceOf(TemporaryTopic.class, replyTo);
        assertEquals("tmp-1", ((Topic) replyTo).getTopicName());
    }

    @Test
    void correlationIdAsBytesComesBackAsTheSameBytes() throws Exception {
        byte[] id = {0, 1, -1, (byte) 0x80, 127, 'a'};
        FerryMessage sent = new FerryMessage();
        sent.setJMSCorrelationIDAsBytes(id);
        id[0] = 42; // the message keeps a copy
        Message received = received(sent);
        assertArrayEquals(new byte[] {0, 1, -1, (byte) 0x80, 127, 'a'}, received.getJMSCorrelationIDAsBytes());
        assertNotSame(received.getJMSCorrelationIDAsBytes(), received.getJMSCorrelationIDAsBytes());
        MessageData data = sent.snapshot("c");
        assertTrue(data.correlationIdIsBytes());
        assertEquals(new String(new byte[] {0, 1, -1, (byte) 0x80, 127, 'a'}, java.nio.charset.StandardCharsets.ISO_8859_1),
                data.correlationId());
    }

    @Test
    void aStringCorrelationIdReplacesABytesOne() throws Exception {
        Message message = new FerryMessage();
        message.setJMSCorrelationIDAsBytes(new byte[] {1});
        message.setJMSCorrelationID("text");
        assertNull(message.getJMSCorrelationIDAsBytes());
        assertFalse(((FerryMessage) message).snapshot("c").correlationIdIsBytes());
        message.setJMSCorrelationIDAsBytes(null);
        assertNull(message.getJMSCorrelationID());
    }

    @Test
    void anotherProvidersQueueOrTopicIsSentByName() throws Exception {
        FerryMessage message = new FerryMessage();
        message.setJMSDestination((Queue) () -> "their-queue");
        message.setJMSReplyTo((Topic) () -> "their-topic");
        MessageData data = message.snapshot("c");
        assertEquals(DestinationName.queue("their-queue"), data.destination());
        assertEquals(DestinationName.topic("their-topic"), data.replyTo());
    }

    @Test
    void aDestinationThatIsNeitherQueueNorTopicCannotBeSent() {
        FerryMessage message = new FerryMessage();
        message.setJMSReplyTo(new Destination() { });
        assertThrows(InvalidDestinationException.class, () -> message.snapshot("c"));
    }

    @Test
    void theSnapshotCarriesTheSenderConnection() throws Exception {
        assertEquals("conn-7", new FerryMessage().snapshot("conn-7").senderConnectionId());
    }

    @Test
    void acknowledgeCallsTheSessionsCallbackWhenThereIsOne() throws Exception {
        FerryMessage message = received(new FerryMessage());
        message.acknowledge(); // not CLIENT_ACKNOWLEDGE: ignored
        AtomicInteger calls = new AtomicInteger();
        message.setAcknowledgeCallback(calls::incrementAndGet);
        message.acknowledge();
        assertEquals(1, calls.get());
    }

    @Test
    void acknowledgeFailuresReachTheApplication() {
        FerryMessage message = new FerryMessage();
        message.setAcknowledgeCallback(() -> {
            throw new jakarta.jms.IllegalStateException("session closed");
        });
        assertThrows(jakarta.jms.IllegalStateException.class, message::acknowledge);
    }

    @Test
    void toStringShowsTypeIdAndDestination() throws Exception {
        FerryMessage message = new FerryTextMessage("x");
        message.setJMSMessageID("ID:42");
        message.setJMSDestination(new FerryQueue("orders"));
        assertEquals("FerryTextMessage[messageId=ID:42, destination=queue://orders]", message.toString());
        assertEquals("FerryTextMessage[messageId=ID:42, destination=queue://orders]", received(message).toString());
    }

    @Test
    void receivedMessagesAreOfTheSentType() throws Exception {
        assertEquals(FerryMessage.class, received(new FerryMessage()).getClass());
        assertEquals(FerryTextMessage.class, received(new FerryTextMessage()).getClass());
        assertEquals(FerryBytesMessage.class, received(new FerryBytesMessage()).getClass());
        assertEquals(FerryMapMessage.class, received(new FerryMapMessage()).getClass());
        assertEquals(FerryStreamMessage.class, received(new FerryStreamMessage()).getClass());
        assertEquals(FerryObjectMessage.class, received(new FerryObjectMessage()).getClass());
    }

    @Test
    void aBareMessageHasNoBody() throws JMSException {
        Message message = new FerryMessage();
        assertNull(message.getBody(String.class));
        assertTrue(message.isBodyAssignableTo(Integer.class));
        message.clearBody();
        assertEquals(MessageData.BodyType.MESSAGE, ((FerryMessage) message).snapshot("c").bodyType());
    }
}
