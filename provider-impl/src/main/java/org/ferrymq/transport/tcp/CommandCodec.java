package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;
import org.ferrymq.protocol.Command;

/**
 * The one place that knows how every {@link Command} record looks on the wire. Each record
 * has a {@link Type} with a fixed code; {@link #encode} and {@link #decode} switch over the
 * type as expressions, so the compiler refuses a type without both directions, and
 * CommandCodecTest refuses a permitted subclass of Command without a type.
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
        XA_RECOVER(27, Command.XaRecover.class);

        private static final Map<Class<?>, Type> BY_CLASS = new HashMap<>();
        private static final Type[] BY_CODE = new Type[64];

        static {
            for (Type type : values()) {
                BY_CLASS.put(type.recordClass, type);
                BY_CODE[type.code] = type;
            }
        }

        final int code;
        final Class<?> recordClass;

        Type(int code, Class<?> recordClass) {
            this.code = code;
            this.recordClass = recordClass;
        }

        static Type of(Command<?> command) {
            Type type = BY_CLASS.get(command.getClass());
            if (type == null) { // a new Command record without a wire type: CommandCodecTest fails first
                throw new IllegalArgumentException("The TCP transport has no encoding for " + command.getClass());
            }
            return type;
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
        Type type = Type.of(command);
        out.writeByte(type.code);
        // each branch casts to the record its type names; the switch expression must cover every type
        Object written = switch (type) {
            case OPEN_CONNECTION -> {
                Command.OpenConnection c = (Command.OpenConnection) command;
                Wire.writeString(out, c.connectionId());
                Wire.writeString(out, c.user());
                Wire.writeString(out, c.password());
                Wire.writeString(out, c.clientId());
                yield c;
            }
            case SET_CLIENT_ID -> {
                Wire.writeString(out, ((Command.SetClientId) command).clientId());
                yield command;
            }
            case CLOSE_CONNECTION, XA_RECOVER -> command;
            case CREATE_SESSION -> {
                Command.CreateSession c = (Command.CreateSession) command;
                out.writeLong(c.sessionId());
                Wire.writeBoolean(out, c.transacted());
                yield c;
            }
            case CLOSE_SESSION -> {
                Command.CloseSession c = (Command.CloseSession) command;
                out.writeLong(c.sessionId());
                Wire.writeLongs(out, c.consumed());
                yield c;
            }
            case CREATE_CONSUMER -> {
                Wire.writeConsumerInfo(out, ((Command.CreateConsumer) command).info());
                yield command;
            }
            case CLOSE_CONSUMER -> {
                Command.CloseConsumer c = (Command.CloseConsumer) command;
                out.writeLong(c.consumerId());
                Wire.writeLongs(out, c.consumed());
                yield c;
            }
            case CREDIT -> {
                Command.Credit c = (Command.Credit) command;
                out.writeLong(c.consumerId());
                out.writeInt(c.credit());
                yield c;
            }
            case PULL -> {
                out.writeLong(((Command.Pull) command).consumerId());
                yield command;
            }
            case SEND -> {
                Command.Send c = (Command.Send) command;
                out.writeLong(c.sessionId());
                MessageFrames.write(out, c.message());
                yield c;
            }
            case ACKNOWLEDGE -> {
                Command.Acknowledge c = (Command.Acknowledge) command;
                out.writeLong(c.sessionId());
                Wire.writeLongs(out, c.deliveryIds());
                yield c;
            }
            case ACKNOWLEDGE_ASYNC -> {
                Command.AcknowledgeAsync c = (Command.AcknowledgeAsync) command;
                out.writeLong(c.sessionId());
                Wire.writeLongs(out, c.deliveryIds());
                yield c;
            }
            case COMMIT -> {
                Command.Commit c = (Command.Commit) command;
                out.writeLong(c.sessionId());
                Wire.writeLongs(out, c.consumed());
                yield c;
            }
            case ROLLBACK -> {
                Command.Rollback c = (Command.Rollback) command;
                out.writeLong(c.sessionId());
                Wire.writeLongs(out, c.consumed());
                yield c;
            }
            case RECOVER -> {
                Command.Recover c = (Command.Recover) command;
                out.writeLong(c.sessionId());
                Wire.writeLongs(out, c.consumed());
                Wire.writeLongs(out, c.refused());
                yield c;
            }
            case UNSUBSCRIBE -> {
                Wire.writeString(out, ((Command.Unsubscribe) command).subscriptionName());
                yield command;
            }
            case CREATE_TEMPORARY_DESTINATION -> {
                Wire.writeKind(out, ((Command.CreateTemporaryDestination) command).kind());
                yield command;
            }
            case DELETE_TEMPORARY_DESTINATION -> {
                Wire.writeDestination(out, ((Command.DeleteTemporaryDestination) command).destination());
                yield command;
            }
            case BROWSE -> {
                Command.Browse c = (Command.Browse) command;
                Wire.writeDestination(out, c.queue());
                Wire.writeString(out, c.selector());
                yield c;
            }
            case CHECK_DESTINATION -> {
                Wire.writeDestination(out, ((Command.CheckDestination) command).destination());
                yield command;
            }
            case XA_START -> {
                Command.XaStart c = (Command.XaStart) command;
                out.writeLong(c.sessionId());
                Wire.writeXid(out, c.xid());
                out.writeInt(c.flags());
                out.writeInt(c.timeoutSeconds());
                yield c;
            }
            case XA_END -> {
                Command.XaEnd c = (Command.XaEnd) command;
                out.writeLong(c.sessionId());
                Wire.writeXid(out, c.xid());
                out.writeInt(c.flags());
                Wire.writeLongs(out, c.consumed());
                yield c;
            }
            case XA_PREPARE -> {
                Wire.writeXid(out, ((Command.XaPrepare) command).xid());
                yield command;
            }
            case XA_COMMIT -> {
                Command.XaCommit c = (Command.XaCommit) command;
                Wire.writeXid(out, c.xid());
                Wire.writeBoolean(out, c.onePhase());
                yield c;
            }
            case XA_ROLLBACK -> {
                Wire.writeXid(out, ((Command.XaRollback) command).xid());
                yield command;
            }
            case XA_FORGET -> {
                Wire.writeXid(out, ((Command.XaForget) command).xid());
                yield command;
            }
        };
        assert written == command;
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
                case CLOSE_SESSION -> new Command.CloseSession(in.readLong(), Wire.readLongs(in));
                case CREATE_CONSUMER -> new Command.CreateConsumer(Wire.readConsumerInfo(in));
                case CLOSE_CONSUMER -> new Command.CloseConsumer(in.readLong(), Wire.readLongs(in));
                case CREDIT -> new Command.Credit(in.readLong(), in.readInt());
                case PULL -> new Command.Pull(in.readLong());
                case SEND -> new Command.Send(in.readLong(), MessageFrames.read(in));
                case ACKNOWLEDGE -> new Command.Acknowledge(in.readLong(), Wire.readLongs(in));
                case ACKNOWLEDGE_ASYNC -> new Command.AcknowledgeAsync(in.readLong(), Wire.readLongs(in));
                case COMMIT -> new Command.Commit(in.readLong(), Wire.readLongs(in));
                case ROLLBACK -> new Command.Rollback(in.readLong(), Wire.readLongs(in));
                case RECOVER -> new Command.Recover(in.readLong(), Wire.readLongs(in), Wire.readLongs(in));
                case UNSUBSCRIBE -> new Command.Unsubscribe(Wire.readString(in));
                case CREATE_TEMPORARY_DESTINATION -> new Command.CreateTemporaryDestination(Wire.readKind(in));
                case DELETE_TEMPORARY_DESTINATION -> new Command.DeleteTemporaryDestination(Wire.readDestination(in));
                case BROWSE -> new Command.Browse(Wire.readDestination(in), Wire.readString(in));
                case CHECK_DESTINATION -> new Command.CheckDestination(Wire.readDestination(in));
                case XA_START -> new Command.XaStart(in.readLong(), Wire.readXid(in), in.readInt(), in.readInt());
                case XA_END -> new Command.XaEnd(in.readLong(), Wire.readXid(in), in.readInt(), Wire.readLongs(in));
                case XA_PREPARE -> new Command.XaPrepare(Wire.readXid(in));
                case XA_COMMIT -> new Command.XaCommit(Wire.readXid(in), Wire.readBoolean(in));
                case XA_ROLLBACK -> new Command.XaRollback(Wire.readXid(in));
                case XA_FORGET -> new Command.XaForget(Wire.readXid(in));
                case XA_RECOVER -> new Command.XaRecover();
            };
            if (in.isReadable()) {
                throw new FrameFormatException(type + " frame has " + in.readableBytes() + " unexpected bytes at its end");
            }
            return command;
        } catch (IndexOutOfBoundsException e) {
            throw new FrameFormatException("a command frame ends before its last field");
        }
    }
}
