package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.XidData;

/**
 * What the frame fuzzer sends: valid commands of every type (ids drawn from a few small
 * numbers, so that they name sessions and consumers that exist, on this connection or
 * another), their frames as the codec encodes them, and mutations of those bytes.
 */
final class FuzzFrames {

    private FuzzFrames() {
    }

    // ---- valid commands ----

    /** Session, consumer and delivery ids: the first few, which every connection uses, and odd ones. */
    static Arbitrary<Long> ids() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(0, 3)),
                Tuple.of(1, Arbitraries.of(-1L, Long.MAX_VALUE, Long.MIN_VALUE)));
    }

    static Arbitrary<Integer> ints() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-2, 12),
                Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, ConsumerInfo.MAX_PREFETCH + 1, 0x40000000));
    }

    static Arbitrary<String> strings() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(8),
                Arbitraries.of("", "fuzz-a", "fuzz-b", "x > 1", "JMSPriority = 4", "'unclosed", "\uD800")).injectNull(0.2);
    }

    /** Destinations of the fuzzer's own (never the well-behaved client's queue), temporary ones included. */
    static Arbitrary<DestinationName> destinations() {
        return Combinators.combine(Arbitraries.of(DestinationName.Kind.class),
                Arbitraries.of("fuzz-a", "fuzz-b", "", "fuzz-temp-1")).as(DestinationName::new).injectNull(0.1);
    }

    static Arbitrary<long[]> longArrays() {
        return ids().array(long[].class).ofMaxSize(4);
    }

    static Arbitrary<XidData> xids() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(8);
        return Combinators.combine(Arbitraries.integers().between(-1, 2), bytes, bytes).as(XidData::new).injectNull(0.1);
    }

    /** Messages sent to {@code destinations}. */
    static Arbitrary<MessageData> messages(Arbitrary<DestinationName> destinations) {
        return Combinators.combine(Arbitraries.of(MessageData.BodyType.MESSAGE, MessageData.BodyType.TEXT,
                        MessageData.BodyType.BYTES), destinations, Arbitraries.of(1, 2), Arbitraries.integers().between(0, 9),
                Arbitraries.longs().between(-1, 2), Arbitraries.strings().ofMaxLength(16))
                .as((type, destination, mode, priority, time, text) -> MessageData.builder(type)
                        .messageId("ID:fuzz-" + text.hashCode())
                        .destination(destination)
                        .deliveryMode(mode)
                        .priority(priority)
                        .expiration(time)
                        .deliveryTime(time)
                        .properties(Map.of("n", priority))
                        .body(switch (type) {
                            case TEXT -> text;
                            case BYTES -> text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                            default -> null;
                        })
                        .build());
    }

    /** Consumers of {@code destinations}. */
    static Arbitrary<ConsumerInfo> consumerInfos(Arbitrary<DestinationName> destinations) {
        Arbitrary<Boolean> flags = Arbitraries.of(true, false);
        return Combinators.combine(ids(), ids(), destinations, strings(), flags, strings(), flags, flags)
                .as((consumer, session, destination, selector, noLocal, name, durable, shared) ->
                        (java.util.function.IntFunction<ConsumerInfo>) prefetch -> new ConsumerInfo(consumer, session,
                                destination, selector, noLocal, name, durable, shared, prefetch))
                .flatMap(info -> ints().map(info::apply));
    }

    /** One valid command of any of the 27 types. */
    static Arbitrary<Command<?>> commands() {
        return commands(false);
    }

    /**
     * As {@link #commands()}, and also with null where the frame format can say null but the
     * decoder refuses it (a delivery id array, the destination a command, a consumer or a message
     * names): the server
     * must close the connection with a protocol error then.
     */
    static Arbitrary<Command<?>> commandsWithMissingFields() {
        return commands(true);
    }

    private static Arbitrary<Command<?>> commands(boolean missingFields) {
        Arbitrary<long[]> longArrays = missingFields ? longArrays().injectNull(0.2) : longArrays();
        Arbitrary<DestinationName> named = missingFields ? destinations() : destinations().filter(d -> d != null);
        List<Arbitrary<? extends Command<?>>> each = List.of(
                Combinators.combine(strings(), strings(), strings(), strings()).as(Command.OpenConnection::new),
                strings().map(Command.SetClientId::new),
                Arbitraries.just(new Command.CloseConnection()),
                Combinators.combine(ids(), Arbitraries.of(true, false)).as(Command.CreateSession::new),
                Combinators.combine(ids(), longArrays).as(Command.CloseSession::new),
                consumerInfos(named).map(Command.CreateConsumer::new),
                Combinators.combine(ids(), longArrays).as(Command.CloseConsumer::new),
                Combinators.combine(ids(), ints()).as(Command.Credit::new),
                ids().map(Command.Pull::new),
                Combinators.combine(ids(), messages(named)).as(Command.Send::new),
                Combinators.combine(ids(), longArrays).as(Command.Acknowledge::new),
                Combinators.combine(ids(), longArrays).as(Command.AcknowledgeAsync::new),
                Combinators.combine(ids(), longArrays).as(Command.Commit::new),
                Combinators.combine(ids(), longArrays).as(Command.Rollback::new),
                Combinators.combine(ids(), longArrays, longArrays).as(Command.Recover::new),
                strings().map(Command.Unsubscribe::new),
                Arbitraries.of(DestinationName.Kind.class).map(Command.CreateTemporaryDestination::new),
                named.map(Command.DeleteTemporaryDestination::new),
                Combinators.combine(named, strings()).as(Command.Browse::new),
                named.map(Command.CheckDestination::new),
                Combinators.combine(ids(), xids(), ints(), ints()).as(Command.XaStart::new),
                Combinators.combine(ids(), xids(), ints(), longArrays).as(Command.XaEnd::new),
                xids().map(Command.XaPrepare::new),
                Combinators.combine(xids(), Arbitraries.of(true, false)).as(Command.XaCommit::new),
                xids().map(Command.XaRollback::new),
                xids().map(Command.XaForget::new),
                Arbitraries.just(new Command.XaRecover()),
                Combinators.combine(ids(), ids(), named).as(Command.BeginLargeBody::new),
                Combinators.combine(ids(), ids(), Arbitraries.bytes().array(byte[].class).ofMaxSize(8),
                        Arbitraries.of(true, false)).as(Command.LargeBodyChunk::new),
                Combinators.combine(ids(), ids()).as(Command.AbortLargeBody::new),
                Combinators.combine(ids(), ids(), ints()).as(Command.ReadLargeBody::new));
        return Arbitraries.oneOf(each);
    }

    /** The bytes of a frame of {@code kind} carrying {@code command}, length field first. */
    static byte[] encode(int kind, int correlationId, Command<?> command) {
        ByteBuf frame = kind == Frames.ONEWAY ? Frames.oneway(ByteBufAllocator.DEFAULT, command)
                : Frames.request(ByteBufAllocator.DEFAULT, correlationId, command);
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            return bytes;
        } finally {
            frame.release();
        }
    }

    // ---- mutations ----

    /** One change to a frame's bytes; positions wrap around the frame's length. */
    sealed interface Mutation {
        byte[] apply(byte[] in);
    }

    record FlipBit(int at, int bit) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            byte[] out = in.clone();
            out[at % in.length] ^= (byte) (1 << bit);
            return out;
        }
    }

    record SetByte(int at, int value) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            byte[] out = in.clone();
            out[at % in.length] = (byte) value;
            return out;
        }
    }

    /** Overwrites four bytes with an interesting int: a length, a count, an id. */
    record SetInt(int at, int value) implements Mutation {
        public byte[] apply(byte[] in) {
            byte[] out = Arrays.copyOf(in, Math.max(in.length, 4));
            int i = at % (out.length - 3);
            ByteBuffer.wrap(out).putInt(i, value);
            return out;
        }
    }

    record Truncate(int keep) implements Mutation {
        public byte[] apply(byte[] in) {
            return in.length == 0 ? in : Arrays.copyOf(in, keep % in.length);
        }
    }

    record Delete(int at, int count) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            int from = at % in.length;
            int to = Math.min(in.length, from + count);
            byte[] out = new byte[in.length - (to - from)];
            System.arraycopy(in, 0, out, 0, from);
            System.arraycopy(in, to, out, from, in.length - to);
            return out;
        }
    }

    record Insert(int at, byte[] bytes) implements Mutation {
        public byte[] apply(byte[] in) {
            int i = in.length == 0 ? 0 : at % (in.length + 1);
            byte[] out = new byte[in.length + bytes.length];
            System.arraycopy(in, 0, out, 0, i);
            System.arraycopy(bytes, 0, out, i, bytes.length);
            System.arraycopy(in, i, out, i + bytes.length, in.length - i);
            return out;
        }

        @Override
        public String toString() {
            return "Insert[at=" + at + ", bytes=" + Arrays.toString(bytes) + "]";
        }
    }

    /** Interesting ints: lengths and counts at and around the limits. */
    static Arbitrary<Integer> interestingInts(int maxFrameSize) {
        return Arbitraries.oneOf(Arbitraries.of(-1, -2, 0, 1, 4, 5, 8, 255, 256, 65535, 65536, maxFrameSize - 1,
                        maxFrameSize, maxFrameSize + 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7FFFFFF0, 1 << 24),
                Arbitraries.integers());
    }

    /** Mutations that mostly aim at the fields of a frame: its length field, kind, command code, counts. */
    static Arbitrary<Mutation> mutations(int maxFrameSize) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 1 << 16);
        Arbitrary<Integer> header = Arbitraries.integers().between(0, 9);
        return Arbitraries.oneOf(
                Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(FlipBit::new),
                Combinators.combine(at, Arbitraries.integers().between(0, 255)).as(SetByte::new),
                Combinators.combine(header, Arbitraries.integers().between(0, 255)).as(SetByte::new),
                Combinators.combine(at, interestingInts(maxFrameSize)).as(SetInt::new),
                interestingInts(maxFrameSize).map(value -> new SetInt(0, value)),
                at.map(Truncate::new),
                Combinators.combine(at, Arbitraries.integers().between(1, 16)).as(Delete::new),
                Combinators.combine(at, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16))
                        .as(Insert::new));
    }

    /** Sets the length field to what follows it, so that a changed frame still reaches the command decoder. */
    static byte[] reframed(byte[] frame) {
        byte[] out = Arrays.copyOf(frame, Math.max(frame.length, Frames.LENGTH_FIELD));
        ByteBuffer.wrap(out).putInt(0, out.length - Frames.LENGTH_FIELD);
        return out;
    }

    /**
     * The bytes completed the way the server cuts them: each frame the server would wait for
     * the rest of (its length field says more than follows, within maxFrameSize) is padded
     * with zeros, so that the server has every frame whole and must decide about it now.
     */
    static byte[] completed(byte[] bytes, int maxFrameSize) {
        byte[] out = bytes;
        int at = 0;
        while (at < out.length) {
            if (out.length - at < Frames.LENGTH_FIELD) {
                out = Arrays.copyOf(out, at + Frames.LENGTH_FIELD);
            }
            long length = Integer.toUnsignedLong(ByteBuffer.wrap(out).getInt(at));
            if (length > maxFrameSize || length < Frames.HEADER) {
                break; // the server refuses this frame on its length alone
            }
            if (out.length - at - Frames.LENGTH_FIELD < length) {
                out = Arrays.copyOf(out, (int) (at + Frames.LENGTH_FIELD + length));
            }
            at += Frames.LENGTH_FIELD + (int) length;
        }
        return out;
    }
}
