package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import java.util.List;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.XidData;

/**
 * The one place that knows how every {@link Command} record looks on the wire. Each record
 * has a {@link Type} with a fixed code. Encoding is a {@link Command.Visitor} and decoding a
 * switch expression over the type, so the compiler refuses a command without an encoding
 * and a type without a decoding; FramesTest refuses a permitted subclass of Command without
 * a type, and round-trips one of each.
 */
final class CommandCodec {

    /** The command's code on the wire: codes are never reused or renumbered within a protocol version. */
    enum Type {
        OPEN_CONNECTION(1, Command.OpenConnection.class),
        SET_CLIENT_ID(2, Command.SetClientId.class),
        CLOSE_CONNECTION(3, Command.CloseConnection.class),
        CREATE_SESSION(4, Command.CreateSession.class),
        CLOSE_SESSION(5, Command.CloseSession.class),
        CREATE_CONSUMER(6, Command.CreateConsumer.class),
        CLOSE_CONSUMER(7, Command.CloseConsumer.class),
        CREDIT(8, Command.Credit.class),
        PULL(9, Command.Pull.class),
        SEND(10, Command.Send.class),
        ACKNOWLEDGE(11, Command.Acknowledge.class),
        ACKNOWLEDGE_ASYNC(12, Command.AcknowledgeAsync.class),
        COMMIT(13, Command.Commit.class),
        ROLLBACK(14, Command.Rollback.class),
        RECOVER(15, Command.Recover.class),
        UNSUBSCRIBE(16, Command.Unsubscribe.class),
        CREATE_TEMPORARY_DESTINATION(17, Command.CreateTemporaryDestination.class),
        DELETE_TEMPORARY_DESTINATION(18, Command.DeleteTemporaryDestination.class),
        BROWSE(19, Command.Browse.class),
        CHECK_DESTINATION(20, Command.CheckDestination.class),
        XA_START(21, Command.XaStart.class),
        XA_END(22, Command.XaEnd.class),
        XA_PREPARE(23, Command.XaPrepare.class),
        XA_COMMIT(24, Command.XaCommit.class),
        XA_ROLLBACK(25, Command.XaRollback.class),
        XA_FORGET(26, Command.XaForget.class),
        XA_RECOVER(27, Command.XaRecover.class),
        BEGIN_LARGE_BODY(28, Command.BeginLargeBody.class),
        LARGE_BODY_CHUNK(29, Command.LargeBodyChunk.class),
        ABORT_LARGE_BODY(30, Command.AbortLargeBody.class),
        READ_LARGE_BODY(31, Command.ReadLargeBody.class);

        private static final Type[] BY_CODE = new Type[64];

        static {
            for (Type type : values()) {
                BY_CODE[type.code] = type;
            }
        }

        final int code;
        final Class<?> recordClass;

        Type(int code, Class<?> recordClass) {
            this.code = code;
            this.recordClass = recordClass;
        }

        static Type ofCode(int code) {
            Type type = code < BY_CODE.length ? BY_CODE[code] : null;
            if (type == null) {
                throw new FrameFormatException("unknown command code " + code);
            }
            return type;
        }
    }

    private CommandCodec() {
    }

    /** Writes the command's code and fields. */
    static void encode(Command<?> command, ByteBuf out) {
        command.accept(new Encoder(out));
    }

    /**
     * Writes each command as its type's code and its fields in record order: a
     * {@link Command.Visitor}, so a command without an encoding does not compile.
     */
    private static final class Encoder implements Command.Visitor<RuntimeException> {

        private final ByteBuf out;

        Encoder(ByteBuf out) {
            this.out = out;
        }

        private void code(Type type) {
            out.writeByte(type.code);
        }

        @Override
        public Void openConnection(Command.OpenConnection c) {
            code(Type.OPEN_CONNECTION);
            Wire.writeString(out, c.connectionId());
            Wire.writeString(out, c.user());
            Wire.writeString(out, c.password());
            Wire.writeString(out, c.clientId());
            return null;
        }

        @Override
        public Void setClientId(Command.SetClientId c) {
            code(Type.SET_CLIENT_ID);
            Wire.writeString(out, c.clientId());
            return null;
        }

        @Override
        public Void closeConnection(Command.CloseConnection c) {
            code(Type.CLOSE_CONNECTION);
            return null;
        }

        @Override
        public Void createSession(Command.CreateSession c) {
            code(Type.CREATE_SESSION);
            out.writeLong(c.sessionId());
            Wire.writeBoolean(out, c.transacted());
            return null;
        }

        @Override
        public Void closeSession(Command.CloseSession c) {
            code(Type.CLOSE_SESSION);
            out.writeLong(c.sessionId());
            Wire.writeLongs(out, c.consumed());
            return null;
        }

        @Override
        public Void createConsumer(Command.CreateConsumer c) {
            code(Type.CREATE_CONSUMER);
            Wire.writeConsumerInfo(out, c.info());
            return null;
        }

        @Override
        public Void closeConsumer(Command.CloseConsumer c) {
            code(Type.CLOSE_CONSUMER);
            out.writeLong(c.consumerId());
            Wire.writeLongs(out, c.consumed());
            return null;
        }

        @Override
        public Void credit(Command.Credit c) {
            code(Type.CREDIT);
            out.writeLong(c.consumerId());
            out.writeInt(c.credit());
            return null;
        }

        @Override
        public Void pull(Command.Pull c) {
            code(Type.PULL);
            out.writeLong(c.consumerId());
            return null;
        }

        @Override
        public Void send(Command.Send c) {
            code(Type.SEND);
            out.writeLong(c.sessionId());
            MessageFrames.write(out, c.message());
            return null;
        }

        @Override
        public Void acknowledge(Command.Acknowledge c) {
            code(Type.ACKNOWLEDGE);
            out.writeLong(c.sessionId());
            Wire.writeLongs(out, c.deliveryIds());
            return null;
        }

        @Override
        public Void acknowledgeAsync(Command.AcknowledgeAsync c) {
            code(Type.ACKNOWLEDGE_ASYNC);
            out.writeLong(c.sessionId());
            Wire.writeLongs(out, c.deliveryIds());
            return null;
        }

        @Override
        public Void commit(Command.Commit c) {
            code(Type.COMMIT);
            out.writeLong(c.sessionId());
            Wire.writeLongs(out, c.consumed());
            return null;
        }

        @Override
        public Integer rollback(Command.Rollback c) {
            code(Type.ROLLBACK);
            out.writeLong(c.sessionId());
            Wire.writeLongs(out, c.consumed());
            return null;
        }

        @Override
        public Integer recover(Command.Recover c) {
            code(Type.RECOVER);
            out.writeLong(c.sessionId());
            Wire.writeLongs(out, c.consumed());
            Wire.writeLongs(out, c.refused());
            return null;
        }

        @Override
        public Void unsubscribe(Command.Unsubscribe c) {
            code(Type.UNSUBSCRIBE);
            Wire.writeString(out, c.subscriptionName());
            return null;
        }

        @Override
        public DestinationName createTemporaryDestination(Command.CreateTemporaryDestination c) {
            code(Type.CREATE_TEMPORARY_DESTINATION);
            Wire.writeKind(out, c.kind());
            return null;
        }

        @Override
        public Void deleteTemporaryDestination(Command.DeleteTemporaryDestination c) {
            code(Type.DELETE_TEMPORARY_DESTINATION);
            Wire.writeDestination(out, c.destination());
            return null;
        }

        @Override
        public List<MessageData> browse(Command.Browse c) {
            code(Type.BROWSE);
            Wire.writeDestination(out, c.queue());
            Wire.writeString(out, c.selector());
            return null;
        }

        @Override
        public Void checkDestination(Command.CheckDestination c) {
            code(Type.CHECK_DESTINATION);
            Wire.writeDestination(out, c.destination());
            return null;
        }

        @Override
        public Integer xaStart(Command.XaStart c) {
            code(Type.XA_START);
            out.writeLong(c.sessionId());
            Wire.writeXid(out, c.xid());
            out.writeInt(c.flags());
            out.writeInt(c.timeoutSeconds());
            return null;
        }

        @Override
        public Integer xaEnd(Command.XaEnd c) {
            code(Type.XA_END);
            out.writeLong(c.sessionId());
            Wire.writeXid(out, c.xid());
            out.writeInt(c.flags());
            Wire.writeLongs(out, c.consumed());
            return null;
        }

        @Override
        public Integer xaPrepare(Command.XaPrepare c) {
            code(Type.XA_PREPARE);
            Wire.writeXid(out, c.xid());
            return null;
        }

        @Override
        public Integer xaCommit(Command.XaCommit c) {
            code(Type.XA_COMMIT);
            Wire.writeXid(out, c.xid());
            Wire.writeBoolean(out, c.onePhase());
            return null;
        }

        @Override
        public Integer xaRollback(Command.XaRollback c) {
            code(Type.XA_ROLLBACK);
            Wire.writeXid(out, c.xid());
            return null;
        }

        @Override
        public Integer xaForget(Command.XaForget c) {
            code(Type.XA_FORGET);
            Wire.writeXid(out, c.xid());
            return null;
        }

        @Override
        public List<XidData> xaRecover(Command.XaRecover c) {
            code(Type.XA_RECOVER);
            return null;
        }

        @Override
        public Void beginLargeBody(Command.BeginLargeBody c) {
            code(Type.BEGIN_LARGE_BODY);
            out.writeLong(c.sessionId());
            out.writeLong(c.bodyId());
            Wire.writeDestination(out, c.destination());
            return null;
        }

        @Override
        public Void largeBodyChunk(Command.LargeBodyChunk c) {
            code(Type.LARGE_BODY_CHUNK);
            out.writeLong(c.sessionId());
            out.writeLong(c.bodyId());
            Wire.writeBytes(out, c.data());
            Wire.writeBoolean(out, c.confirm());
            return null;
        }

        @Override
        public Void abortLargeBody(Command.AbortLargeBody c) {
            code(Type.ABORT_LARGE_BODY);
            out.writeLong(c.sessionId());
            out.writeLong(c.bodyId());
            return null;
        }

        @Override
        public byte[] readLargeBody(Command.ReadLargeBody c) {
            code(Type.READ_LARGE_BODY);
            out.writeLong(c.sessionId());
            out.writeLong(c.deliveryId());
            out.writeInt(c.chunkNo());
            return null;
        }
    }

    /** Reads a command written by {@link #encode}; a malformed one is a {@link FrameFormatException}. */
    static Command<?> decode(ByteBuf in) {
        try {
            Type type = Type.ofCode(in.readUnsignedByte());
            Command<?> command = switch (type) {
                case OPEN_CONNECTION -> new Command.OpenConnection(Wire.readString(in), Wire.readString(in),
                        Wire.readString(in), Wire.readString(in));
                case SET_CLIENT_ID -> new Command.SetClientId(Wire.readString(in));
                case CLOSE_CONNECTION -> new Command.CloseConnection();
                case CREATE_SESSION -> new Command.CreateSession(in.readLong(), Wire.readBoolean(in));
                case CLOSE_SESSION -> new Command.CloseSession(in.readLong(), requireLongs(in));
                case CREATE_CONSUMER -> new Command.CreateConsumer(requireDestination(Wire.readConsumerInfo(in)));
                case CLOSE_CONSUMER -> new Command.CloseConsumer(in.readLong(), requireLongs(in));
                case CREDIT -> new Command.Credit(in.readLong(), in.readInt());
                case PULL -> new Command.Pull(in.readLong());
                case SEND -> new Command.Send(in.readLong(), requireDestination(MessageFrames.read(in)));
                case ACKNOWLEDGE -> new Command.Acknowledge(in.readLong(), requireLongs(in));
                case ACKNOWLEDGE_ASYNC -> new Command.AcknowledgeAsync(in.readLong(), requireLongs(in));
                case COMMIT -> new Command.Commit(in.readLong(), requireLongs(in));
                case ROLLBACK -> new Command.Rollback(in.readLong(), requireLongs(in));
                case RECOVER -> new Command.Recover(in.readLong(), requireLongs(in), requireLongs(in));
                case UNSUBSCRIBE -> new Command.Unsubscribe(Wire.readString(in));
                case CREATE_TEMPORARY_DESTINATION -> new Command.CreateTemporaryDestination(Wire.readKind(in));
                case DELETE_TEMPORARY_DESTINATION -> new Command.DeleteTemporaryDestination(requireDestination(in));
                case BROWSE -> new Command.Browse(requireDestination(in), Wire.readString(in));
                case CHECK_DESTINATION -> new Command.CheckDestination(requireDestination(in));
                case XA_START -> new Command.XaStart(in.readLong(), Wire.readXid(in), in.readInt(), in.readInt());
                case XA_END -> new Command.XaEnd(in.readLong(), Wire.readXid(in), in.readInt(), requireLongs(in));
                case XA_PREPARE -> new Command.XaPrepare(Wire.readXid(in));
                case XA_COMMIT -> new Command.XaCommit(Wire.readXid(in), Wire.readBoolean(in));
                case XA_ROLLBACK -> new Command.XaRollback(Wire.readXid(in));
                case XA_FORGET -> new Command.XaForget(Wire.readXid(in));
                case XA_RECOVER -> new Command.XaRecover();
                case BEGIN_LARGE_BODY -> new Command.BeginLargeBody(in.readLong(), in.readLong(), requireDestination(in));
                case LARGE_BODY_CHUNK -> new Command.LargeBodyChunk(in.readLong(), in.readLong(), requireBytes(in),
                        Wire.readBoolean(in));
                case ABORT_LARGE_BODY -> new Command.AbortLargeBody(in.readLong(), in.readLong());
                case READ_LARGE_BODY -> new Command.ReadLargeBody(in.readLong(), in.readLong(), in.readInt());
            };
            if (in.isReadable()) {
                throw new FrameFormatException(type + " frame has " + in.readableBytes() + " unexpected bytes at its end");
            }
            return command;
        } catch (IndexOutOfBoundsException e) {
            throw new FrameFormatException("a command frame ends before its last field");
        }
    }

    /*
     * Fields the wire format could carry as null (a count of -1, a destination kind of 0) but
     * that a FerryMQ client always sends: the broker never sees such a command.
     */

    /** Delivery ids (acknowledged, consumed, refused): a client sends an empty array, never null. */
    private static long[] requireLongs(ByteBuf in) {
        long[] ids = Wire.readLongs(in);
        if (ids == null) {
            throw new FrameFormatException("a command's delivery ids are missing (a count of -1)");
        }
        return ids;
    }

    /** A consumer is always of a destination. */
    private static ConsumerInfo requireDestination(ConsumerInfo info) {
        if (info.destination() == null) {
            throw new FrameFormatException("a CreateConsumer names no destination (destination kind 0)");
        }
        return info;
    }

    /** A message is always sent to a destination (a producer without one names it at each send). */
    private static MessageData requireDestination(MessageData message) {
        if (message.destination() == null) {
            throw new FrameFormatException("a Send's message names no destination (destination kind 0)");
        }
        return message;
    }

    /** A large body's chunk: a client sends its bytes, never null. */
    private static byte[] requireBytes(ByteBuf in) {
        byte[] bytes = Wire.readBytes(in);
        if (bytes == null) {
            throw new FrameFormatException("a large body's chunk holds no bytes (a length of -1)");
        }
        return bytes;
    }

    private static DestinationName requireDestination(ByteBuf in) {
        DestinationName destination = Wire.readDestination(in);
        if (destination == null) {
            throw new FrameFormatException("a command that names a destination holds none (destination kind 0)");
        }
        return destination;
    }
}
