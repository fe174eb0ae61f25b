package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.LargeBody;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.ferrymq.protocol.XaFailure;
import org.ferrymq.protocol.XidData;
import org.junit.jupiter.api.Test;

/**
 * Every command, answer, push and exception the protocol has goes through the frame
 * encoder and decoder and comes out as it went in; a new Command record without a wire
 * encoding fails here.
 */
class FramesTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final XidData XID = new XidData(77, new byte[] {1, 2, 3}, new byte[] {9, 8});

    static MessageData message(MessageData.BodyType type) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("flag", true);
        properties.put("count", 42);
        properties.put("big", Long.MAX_VALUE);
        properties.put("ratio", 0.5d);
        properties.put("name", "Zoë");
        Object body = switch (type) {
            case MESSAGE -> null;
            case TEXT -> "hello \uD83D\uDE00";
            case BYTES, OBJECT -> new byte[] {0, 1, -1, 127};
            case MAP -> {
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("c", 'x');
                map.put("bytes", new byte[] {5});
                map.put("f", 1.5f);
                yield Collections.unmodifiableMap(map);
            }
            case STREAM -> Collections.unmodifiableList(Arrays.asList("a", (short) 2, (byte) 3, null));
        };
        return MessageData.builder(type)
                .messageId("ID:m-1")
                .timestamp(123456789L)
                .correlationId("corr", false)
                .destination(DestinationName.queue("orders"))
                .replyTo(new DestinationName(DestinationName.Kind.TEMP_QUEUE, "tmp-1"))
                .deliveryMode(DeliveryMode.NON_PERSISTENT)
                .type("invoice")
                .expiration(99L)
                .deliveryTime(5L)
                .priority(7)
                .properties(properties)
                .body(body)
                .senderConnectionId("conn-1")
                .build();
    }

    /** One instance of every Command record, with its fields set to something other than their defaults. */
    private static List<Command<?>> everyCommand() {
        ConsumerInfo info = new ConsumerInfo(3, 2, DestinationName.topic("prices"), "price > 5", true, "sub", true,
                true, 50);
        return List.of(
                new Command.OpenConnection("c-1", "alice", "secret", "client-7"),
                new Command.OpenConnection("c-2", null, null, null),
                new Command.SetClientId("client-8"),
                new Command.CloseConnection(),
                new Command.CreateSession(2, true),
                new Command.CloseSession(2, new long[] {4, 5}),
                new Command.CloseSession(2, new long[0]),
                new Command.CreateConsumer(info),
                new Command.CloseConsumer(3, new long[] {6}),
                new Command.Credit(3, 100),
                new Command.Pull(3),
                new Command.Send(2, message(MessageData.BodyType.TEXT)),
                new Command.Acknowledge(2, new long[] {7, 8}),
                new Command.AcknowledgeAsync(2, new long[] {9}),
                new Command.Commit(2, new long[] {}),
                new Command.Rollback(2, new long[] {10}),
                new Command.Recover(2, new long[] {11}, new long[] {12}),
                new Command.Unsubscribe("sub"),
                new Command.CreateTemporaryDestination(DestinationName.Kind.TEMP_TOPIC),
                new Command.DeleteTemporaryDestination(new DestinationName(DestinationName.Kind.TEMP_QUEUE, "t-1")),
                new Command.Browse(DestinationName.queue("orders"), "a = 1"),
                new Command.CheckDestination(DestinationName.topic("prices")),
                new Command.XaStart(2, XID, XAResource.TMJOIN, 30),
                new Command.XaEnd(2, XID, XAResource.TMSUSPEND, new long[] {13}),
                new Command.XaPrepare(XID),
                new Command.XaCommit(XID, true),
                new Command.XaRollback(XID),
                new Command.XaForget(XID),
                new Command.XaRecover(),
                new Command.BeginLargeBody(2, 14, DestinationName.queue("files")),
                new Command.LargeBodyChunk(2, 14, new byte[] {1, 2, 3}, true),
                new Command.AbortLargeBody(2, 14),
                new Command.ReadLargeBody(2, 15, 3));
    }

    @Test
    void everyCommandRecordHasAWireTypeAndAnInstanceHere() {
        Set<Class<?>> covered = new HashSet<>();
        everyCommand().forEach(c -> covered.add(c.getClass()));
        Set<Class<?>> typed = new HashSet<>();
        for (CommandCodec.Type type : CommandCodec.Type.values()) {
            typed.add(type.recordClass);
        }
        for (Class<?> permitted : Command.class.getPermittedSubclasses()) {
            assertTrue(typed.contains(permitted), permitted.getSimpleName() + " has no CommandCodec.Type: give it a "
                    + "code and an encoding");
            assertTrue(covered.contains(permitted), permitted.getSimpleName() + " is not round-tripped by this test");
        }
        assertEquals(Command.class.getPermittedSubclasses().length, CommandCodec.Type.values().length);
    }

    @Test
    void everyCommandComesOutAsItWentIn() {
        int id = 0;
        for (Command<?> command : everyCommand()) {
            ByteBuf frame = Frames.request(ALLOC, ++id, command);
            try {
                assertEquals(frame.readableBytes() - 4, frame.readInt(), "length field of " + command);
                assertEquals(Frames.REQUEST, frame.readUnsignedByte());
                assertEquals(id, frame.readInt());
                Command<?> decoded = CommandCodec.decode(frame);
                assertSameValue(command, decoded, command.getClass().getSimpleName());
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void everyMessageTypeComesOutAsItWentIn() {
        for (MessageData.BodyType type : MessageData.BodyType.values()) {
            MessageData sent = message(type);
            ByteBuf frame = Frames.request(ALLOC, 1, new Command.Send(1, sent));
            try {
                frame.skipBytes(9);
                Command.Send decoded = (Command.Send) CommandCodec.decode(frame);
                assertSameValue(sent, decoded.message(), type.name());
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void largeBodyComesOutAsItWentIn() {
        MessageData sent = message(MessageData.BodyType.BYTES).toBuilder().body(new LargeBody(77, 5L << 32)).build();
        ByteBuf frame = Frames.request(ALLOC, 1, new Command.Send(1, sent));
        try {
            frame.skipBytes(9);
            Command.Send decoded = (Command.Send) CommandCodec.decode(frame);
            assertSameValue(sent, decoded.message(), "large");
            assertTrue(decoded.message().isLarge());
        } finally {
            frame.release();
        }
    }

    @Test
    void everyAnswerComesOutAsItWentIn() {
        List<Object> answers = new ArrayList<>();
        answers.add(null);
        answers.add(17);
        answers.add(new DestinationName(DestinationName.Kind.TEMP_QUEUE, "tmp-9"));
        answers.add(List.of(message(MessageData.BodyType.BYTES), message(MessageData.BodyType.MAP)));
        answers.add(List.of(XID, new XidData(1, new byte[] {4}, new byte[] {})));
        answers.add(List.of());
        answers.add(new byte[] {9, 8, 7});
        for (Object answer : answers) {
            ByteBuf frame = Frames.answer(ALLOC, 5, answer);
            try {
                frame.skipBytes(4);
                assertEquals(Frames.ANSWER, frame.readUnsignedByte());
                assertEquals(5, frame.readInt());
                assertSameValue(answer, Frames.readAnswer(frame), String.valueOf(answer));
                assertFalse(frame.isReadable());
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void everyJmsExceptionCrossesAsItself() throws Exception {
        for (ErrorCodec.Kind kind : ErrorCodec.Kind.values()) {
            JMSException sent;
            if (kind == ErrorCodec.Kind.XA_FAILURE) {
                sent = new XaFailure(XAException.XA_RBTIMEOUT, "Branch timed out");
            } else if (kind == ErrorCodec.Kind.OUTCOME_UNKNOWN) {
                sent = new OutcomeUnknownException("Commit outcome unknown", new java.sql.SQLException("db down"));
            } else {
                Constructor<? extends JMSException> constructor = kind.type.getConstructor(String.class, String.class);
                sent = constructor.newInstance(kind + " happened", "E-" + kind.code);
            }
            ByteBuf frame = Frames.error(ALLOC, 9, sent);
            try {
                frame.skipBytes(4 + 1 + 4);
                JMSException received = ErrorCodec.decode(frame);
                assertSame(sent.getClass(), received.getClass(), kind.name());
                assertEquals(sent.getMessage(), received.getMessage());
                assertEquals(sent.getErrorCode(), received.getErrorCode());
                if (sent instanceof XaFailure xa) {
                    assertEquals(xa.xaCode(), ((XaFailure) received).xaCode());
                }
                if (sent.getCause() != null) {
                    assertTrue(received.getCause().getMessage().contains("db down"), received.getCause().getMessage());
                }
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void anExceptionTheFormatDoesNotKnowTravelsAsItsNearestKnownSuperclass() {
        class PrivateRefusal extends jakarta.jms.InvalidDestinationException {
            PrivateRefusal() {
                super("no such queue");
            }
        }
        ByteBuf frame = Frames.error(ALLOC, 1, new PrivateRefusal());
        try {
            frame.skipBytes(9);
            JMSException received = ErrorCodec.decode(frame);
            assertSame(jakarta.jms.InvalidDestinationException.class, received.getClass());
            assertEquals("no such queue", received.getMessage());
        } finally {
            frame.release();
        }
    }

    @Test
    void pushesComeOutAsTheyWentIn() {
        Delivery delivery = new Delivery(3, 44, 2, 5, message(MessageData.BodyType.STREAM));
        ByteBuf frame = Frames.deliver(ALLOC, delivery);
        try {
            frame.skipBytes(9);
            assertEquals(Frames.PUSH_DELIVER, frame.readUnsignedByte());
            assertSameValue(delivery, Frames.readDelivery(frame), "delivery");
        } finally {
            frame.release();
        }
        frame = Frames.acknowledgementsSettled(ALLOC, 8, 12, new JMSException("journal timeout"));
        try {
            frame.skipBytes(9);
            assertEquals(Frames.PUSH_ACKNOWLEDGEMENTS_SETTLED, frame.readUnsignedByte());
            assertEquals(8, frame.readLong());
            assertEquals(12, frame.readInt());
            assertTrue(Wire.readBoolean(frame));
            assertEquals("journal timeout", ErrorCodec.decode(frame).getMessage());
        } finally {
            frame.release();
        }
        frame = Frames.connectionFailed(ALLOC, new jakarta.jms.IllegalStateException("Broker 'b' was shut down"));
        try {
            frame.skipBytes(9);
            assertEquals(Frames.PUSH_CONNECTION_FAILED, frame.readUnsignedByte());
            JMSException cause = ErrorCodec.decode(frame);
            assertSame(jakarta.jms.IllegalStateException.class, cause.getClass());
        } finally {
            frame.release();
        }
    }

    @Test
    void aTruncatedCommandIsAFrameFormatErrorNotAHalfReadCommand() {
        ByteBuf frame = Frames.request(ALLOC, 1, new Command.Send(1, message(MessageData.BodyType.BYTES)));
        try {
            frame.skipBytes(9);
            ByteBuf cut = frame.slice(frame.readerIndex(), frame.readableBytes() - 3);
            assertThrows(FrameFormatException.class, () -> CommandCodec.decode(cut));
            ByteBuf unknown = Unpooled.wrappedBuffer(new byte[] {(byte) 99});
            FrameFormatException e = assertThrows(FrameFormatException.class, () -> CommandCodec.decode(unknown));
            assertTrue(e.getMessage().contains("99"), e.getMessage());
        } finally {
            frame.release();
        }
    }

    /** Deep equality for records (by component), arrays, lists, maps and message snapshots. */
    static void assertSameValue(Object expected, Object actual, String where) {
        if (expected == null) {
            assertNull(actual, where);
            return;
        }
        assertNotNull(actual, where);
        if (expected instanceof byte[] e) {
            assertArrayEquals(e, (byte[]) actual, where);
        } else if (expected instanceof long[] e) {
            assertArrayEquals(e, (long[]) actual, where);
        } else if (expected instanceof MessageData e) {
            MessageData a = (MessageData) actual;
            assertEquals(e.bodyType(), a.bodyType(), where);
            assertEquals(e.messageId(), a.messageId(), where);
            assertEquals(e.timestamp(), a.timestamp(), where);
            assertEquals(e.correlationId(), a.correlationId(), where);
            assertEquals(e.correlationIdIsBytes(), a.correlationIdIsBytes(), where);
            assertEquals(e.destination(), a.destination(), where);
            assertEquals(e.replyTo(), a.replyTo(), where);
            assertEquals(e.deliveryMode(), a.deliveryMode(), where);
            assertEquals(e.type(), a.type(), where);
            assertEquals(e.expiration(), a.expiration(), where);
            assertEquals(e.deliveryTime(), a.deliveryTime(), where);
            assertEquals(e.priority(), a.priority(), where);
            assertEquals(e.senderConnectionId(), a.senderConnectionId(), where);
            assertSameValue(e.properties(), a.properties(), where + " properties");
            assertSameValue(e.body(), a.body(), where + " body");
        } else if (expected instanceof Map<?, ?> e) {
            Map<?, ?> a = (Map<?, ?>) actual;
            assertEquals(e.keySet(), a.keySet(), where);
            e.forEach((k, v) -> assertSameValue(v, a.get(k), where + "." + k));
        } else if (expected instanceof List<?> e) {
            List<?> a = (List<?>) actual;
            assertEquals(e.size(), a.size(), where);
            for (int i = 0; i < e.size(); i++) {
                assertSameValue(e.get(i), a.get(i), where + "[" + i + "]");
            }
        } else if (expected instanceof XidData) {
            assertEquals(expected, actual, where);
        } else if (expected.getClass().isRecord()) {
            assertSame(expected.getClass(), actual.getClass(), where);
            for (RecordComponent component : expected.getClass().getRecordComponents()) {
                try {
                    assertSameValue(component.getAccessor().invoke(expected), component.getAccessor().invoke(actual),
                            where + "." + component.getName());
                } catch (ReflectiveOperationException ex) {
                    throw new AssertionError(ex);
                }
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }
}
