package org.ferrymq.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.DeliveryMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.MessageData.BodyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A whole message through the binary format: what goes in comes out, and damaged bytes say what is damaged. */
class MessageCodecTest {

    private static final MessageCodec CODEC = MessageCodec.current();

    private static MessageData fullMessage(BodyType bodyType, Object body) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("flag", true);
        properties.put("b", (byte) -1);
        properties.put("s", (short) 300);
        properties.put("i", 70000);
        properties.put("l", -5L);
        properties.put("f", 1.25f);
        properties.put("d", Math.PI);
        properties.put("text", "naïve \uD83D\uDE00");
        properties.put("nothing", null);
        return MessageData.builder(bodyType)
                .messageId("ID:abc-1")
                .timestamp(1_765_000_000_123L)
                .correlationId("\u0000\u00ff\u0010", true)
                .destination(DestinationName.queue("orders"))
                .replyTo(new DestinationName(DestinationName.Kind.TEMP_TOPIC, "tmp-7"))
                .deliveryMode(DeliveryMode.NON_PERSISTENT)
                .type("invoice")
                .expiration(1_765_000_060_000L)
                .deliveryTime(1_765_000_001_000L)
                .priority(9)
                .properties(properties)
                .body(body)
                .senderConnectionId("conn-42")
                .build();
    }

    private static Object bodyOf(BodyType type) {
        return switch (type) {
            case MESSAGE -> null;
            case TEXT -> "hello \uD834\uDD1E world";
            case BYTES, OBJECT -> new byte[] {1, 2, 3, 0, -128};
            case MAP -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("char", 'z');
                m.put("bytes", new byte[] {9});
                m.put("null", null);
                m.put("n", 1);
                yield m;
            }
            case STREAM -> Arrays.asList("a", null, 'c', new byte[0], 2.5d);
        };
    }

    private static void assertSameMessage(MessageData expected, MessageData actual) {
        assertEquals(expected.bodyType(), actual.bodyType());
        assertEquals(expected.messageId(), actual.messageId());
        assertEquals(expected.timestamp(), actual.timestamp());
        assertEquals(expected.correlationId(), actual.correlationId());
        assertEquals(expected.correlationIdIsBytes(), actual.correlationIdIsBytes());
        assertEquals(expected.destination(), actual.destination());
        assertEquals(expected.replyTo(), actual.replyTo());
        assertEquals(expected.deliveryMode(), actual.deliveryMode());
        assertEquals(expected.type(), actual.type());
        assertEquals(expected.expiration(), actual.expiration());
        assertEquals(expected.deliveryTime(), actual.deliveryTime());
        assertEquals(expected.priority(), actual.priority());
        assertEquals(expected.senderConnectionId(), actual.senderConnectionId());
        assertEquals(expected.properties(), actual.properties());
        assertEquals(new ArrayList<>(expected.properties().keySet()), new ArrayList<>(actual.properties().keySet()));
        assertSameValue(expected.body(), actual.body());
    }

    private static void assertSameValue(Object expected, Object actual) {
        if (expected instanceof byte[] bytes) {
            assertArrayEquals(bytes, (byte[]) actual);
        } else if (expected instanceof Map<?, ?> map) {
            Map<?, ?> read = (Map<?, ?>) actual;
            assertEquals(new ArrayList<>(map.keySet()), new ArrayList<>(read.keySet()));
            map.forEach((k, v) -> assertSameValue(v, read.get(k)));
        } else if (expected instanceof List<?> list) {
            List<?> read = (List<?>) actual;
            assertEquals(list.size(), read.size());
            for (int i = 0; i < list.size(); i++) {
                assertSameValue(list.get(i), read.get(i));
            }
        } else {
            assertEquals(expected, actual);
        }
    }

    @ParameterizedTest
    @EnumSource(BodyType.class)
    void everyBodyTypeWithEveryHeaderAndPropertyReadsBack(BodyType type) throws Exception {
        MessageData message = fullMessage(type, bodyOf(type));
        assertSameMessage(message, CODEC.decode(CODEC.encode(message)));
    }

    @ParameterizedTest
    @EnumSource(BodyType.class)
    void aMessageWithNothingSetReadsBackWithNothingSet(BodyType type) throws Exception {
        MessageData bare = MessageData.builder(type).build();
        MessageData read = CODEC.decode(CODEC.encode(bare));
        assertSameMessage(bare, read);
        assertNull(read.body());
        assertNull(read.destination());
        assertEquals(Map.of(), read.properties());
        assertEquals(DeliveryMode.PERSISTENT, read.deliveryMode());
    }

    @Test
    void emptyBodiesStayEmptyNotNull() throws Exception {
        assertEquals("", CODEC.decode(CODEC.encode(MessageData.builder(BodyType.TEXT).body("").build())).body());
        assertArrayEquals(new byte[0],
                (byte[]) CODEC.decode(CODEC.encode(MessageData.builder(BodyType.BYTES).body(new byte[0]).build())).body());
        assertEquals(Map.of(),
                CODEC.decode(CODEC.encode(MessageData.builder(BodyType.MAP).body(Map.of()).build())).body());
        assertEquals(List.of(),
                CODEC.decode(CODEC.encode(MessageData.builder(BodyType.STREAM).body(List.of()).build())).body());
    }

    @Test
    void aLargeBytesBodyReadsBackWhole() throws Exception {
        byte[] body = new byte[8 * 1024 * 1024 + 3];
        new Random(13).nextBytes(body);
        MessageData read = CODEC.decode(CODEC.encode(MessageData.builder(BodyType.BYTES).body(body).build()));
        assertArrayEquals(body, (byte[]) read.body());
    }

    @Test
    void aLargeTextOfSurrogatePairsReadsBackWhole() throws Exception {
        String text = "\uD83D\uDE00a\u00e9\u6f22".repeat(100_000);
        MessageData read = CODEC.decode(CODEC.encode(MessageData.builder(BodyType.TEXT).body(text).build()));
        assertEquals(text, read.body());
    }

    @Test
    void decodedBodiesCannotBeChanged() throws Exception {
        MessageData map = CODEC.decode(CODEC.encode(fullMessage(BodyType.MAP, new HashMap<>(Map.of("a", 1)))));
        assertThrows(UnsupportedOperationException.class, () -> ((Map<String, Object>) map.body()).put("b", 2));
        MessageData stream = CODEC.decode(CODEC.encode(fullMessage(BodyType.STREAM, new ArrayList<>(List.of(1)))));
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) stream.body()).add(2));
        assertThrows(UnsupportedOperationException.class, () -> stream.properties().put("x", 1));
    }

    @Test
    void messagesFollowOneAnotherInOneBufferAndEachReadTakesItsOwn() throws Exception {
        ByteArrayOutput out = new ByteArrayOutput();
        MessageData first = fullMessage(BodyType.TEXT, "first");
        MessageData second = fullMessage(BodyType.BYTES, new byte[] {7});
        CODEC.write(first, out);
        CODEC.write(second, out);
        out.writeInt(0xCAFE);
        ByteBuffer buffer = ByteBuffer.wrap(out.toByteArray());
        ByteBufferInput in = new ByteBufferInput(buffer);
        assertSameMessage(first, CODEC.read(in));
        assertSameMessage(second, CODEC.read(in));
        assertEquals(0xCAFE, in.readInt());
        assertEquals(0, in.remaining());
    }

    @Test
    void anUnknownVersionIsRefusedByName() {
        CodecException e = assertThrows(CodecException.class, () -> MessageCodec.forVersion(2));
        assertEquals("message format version 2 is unknown; this FerryMQ reads version 1 to 1", e.getMessage());
        assertEquals(1, MessageCodec.current().version());
    }

    @Test
    void everyTruncationOfAMessageIsRefusedWithACodecException() {
        byte[] whole = CODEC.encode(fullMessage(BodyType.MAP, bodyOf(BodyType.MAP)));
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            CodecException e = assertThrows(CodecException.class, () -> CODEC.decode(cut), "cut at " + length);
            assertTrue(e.getMessage().startsWith("cannot decode a message (format version 1): its "), e.getMessage());
        }
    }

    @Test
    void randomDamageNeverEscapesAsAnythingButACodecException() {
        byte[] whole = CODEC.encode(fullMessage(BodyType.STREAM, bodyOf(BodyType.STREAM)));
        Random random = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            byte[] damaged = whole.clone();
            for (int hits = 1 + random.nextInt(4); hits > 0; hits--) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            try {
                CODEC.decode(damaged);
            } catch (CodecException e) {
                assertTrue(e.getMessage().startsWith("cannot decode a message")
                        || e.getMessage().startsWith("a message is followed by"), e.getMessage());
            }
        }
    }

    @Test
    void aDamagedFieldIsNamed() {
        byte[] whole = CODEC.encode(fullMessage(BodyType.TEXT, "x"));
        byte[] badBodyType = whole.clone();
        badBodyType[0] = 17;
        assertEquals("cannot decode a message (format version 1): its body type is damaged: unknown body type 17",
                assertThrows(CodecException.class, () -> CODEC.decode(badBodyType)).getMessage());

        byte[] hugeMessageId = whole.clone();
        hugeMessageId[2] = 0x7f; // the message ID's length
        String message = assertThrows(CodecException.class, () -> CODEC.decode(hugeMessageId)).getMessage();
        assertTrue(message.startsWith("cannot decode a message (format version 1): its JMSMessageID is damaged: "
                + "a string announces "), message);

        byte[] trailing = Arrays.copyOf(whole, whole.length + 2);
        assertEquals("a message is followed by 2 bytes that belong to none",
                assertThrows(CodecException.class, () -> CODEC.decode(trailing)).getMessage());
    }

    @Test
    void aPropertyOfABodyOnlyTypeIsRefused() {
        ByteArrayOutput out = new ByteArrayOutput();
        CODEC.write(MessageData.builder(BodyType.MESSAGE).build(), out);
        byte[] bare = out.toByteArray();
        // replace the empty property map (the last 4 bytes) by one holding a char
        ByteArrayOutput damaged = new ByteArrayOutput();
        damaged.writeBytes(bare, 0, bare.length - 4);
        ValueCodec.writeMap(damaged, Map.of("letter", 'q'));
        CodecException e = assertThrows(CodecException.class, () -> CODEC.decode(damaged.toByteArray()));
        assertEquals("cannot decode a message (format version 1): its properties is damaged: property 'letter' "
                + "holds a char, which is no property type", e.getMessage());
    }
}
