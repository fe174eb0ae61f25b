package org.ferrymq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.jms.DeliveryMode;
import java.util.List;
import java.util.Map;
import org.ferrymq.api.journal.MessageContent;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.MessageData.BodyType;
import org.junit.jupiter.api.Test;

/** What the journal SPI stores of a message, and the message it gives back. */
class MessageContentsTest {

    @Test
    void aMessageBecomesContentAndComesBackPersistentWithTheSameValues() throws Exception {
        Map<String, Object> body = Map.of("k", 'c');
        MessageData sent = MessageData.builder(BodyType.MAP)
                .messageId("ID:1")
                .timestamp(5)
                .correlationId("\u00ff\u0001", true)
                .destination(new DestinationName(DestinationName.Kind.TEMP_QUEUE, "t"))
                .replyTo(DestinationName.topic("answers"))
                .type("kind")
                .priority(2)
                .expiration(9)
                .deliveryTime(7)
                .properties(new java.util.LinkedHashMap<>(Map.of("p", 1L)))
                .body(body)
                .senderConnectionId("c-1")
                .build();
        MessageContent content = MessageContents.of(sent);
        assertEquals("temp_queue", content.destinationKind());
        assertEquals("topic", content.replyToKind());
        assertEquals("MAP", content.bodyType());
        assertSame(body, content.body()); // nothing copied

        MessageData back = MessageContents.toMessageData(content);
        assertEquals(sent.destination(), back.destination());
        assertEquals(sent.replyTo(), back.replyTo());
        assertEquals("\u00ff\u0001", back.correlationId());
        assertEquals(true, back.correlationIdIsBytes());
        assertEquals(List.of(5L, 9L, 7L, 2), List.of(back.timestamp(), back.expiration(), back.deliveryTime(),
                back.priority()));
        assertEquals("kind", back.type());
        assertEquals(Map.of("p", 1L), back.properties());
        assertEquals(body, back.body());
        assertEquals(DeliveryMode.PERSISTENT, back.deliveryMode());
        assertNull(back.senderConnectionId(), "the sending connection is not stored");
    }

    @Test
    void contentNamingWhatNoMessageHasIsRefused() {
        MessageContent unknownBody = new MessageContent("ID:1", 0, null, false, "queue", "q", null, null, null, 4, 0,
                0, null, "PARCEL", null);
        assertEquals("unknown body type 'PARCEL'",
                assertThrows(CodecException.class, () -> MessageContents.toMessageData(unknownBody)).getMessage());
        MessageContent unknownKind = new MessageContent("ID:1", 0, null, false, "pipe", "q", null, null, null, 4, 0,
                0, null, "TEXT", "x");
        assertEquals("unknown destination kind 'pipe'",
                assertThrows(CodecException.class, () -> MessageContents.toMessageData(unknownKind)).getMessage());
        MessageContent wrongBody = new MessageContent("ID:1", 0, null, false, "queue", "q", null, null, null, 4, 0,
                0, null, "TEXT", new byte[1]);
        assertEquals("a TEXT message cannot have a body of type [B",
                assertThrows(CodecException.class, () -> MessageContents.toMessageData(wrongBody)).getMessage());
    }
}
