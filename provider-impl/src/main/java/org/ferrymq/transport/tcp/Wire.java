package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.XidData;

/**
 * The primitive field encodings of the frame format (see README.md, "The TCP protocol"): big-endian integers,
 * strings as a byte count (-1 for null) and UTF-8, arrays as an element count (-1 for null).
 * A reader that runs past the frame's end gets a {@link FrameFormatException}, never a
 * half-read value.
 */
final class Wire {

    private Wire() {
    }

    static void writeString(ByteBuf out, String s) {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        int at = out.writerIndex();
        out.writeInt(0);
        int written = out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.setInt(at, written);
    }

    static String readString(ByteBuf in) {
        int length = readCount(in, 1);
        if (length < 0) {
            return null;
        }
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }

    static void writeBytes(ByteBuf out, byte[] bytes) {
        if (bytes == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(bytes.length);
        out.writeBytes(bytes);
    }

    static byte[] readBytes(ByteBuf in) {
        int length = readCount(in, 1);
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    static void writeLongs(ByteBuf out, long[] values) {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    static long[] readLongs(ByteBuf in) {
        int count = readCount(in, Long.BYTES);
        if (count < 0) {
            return null;
        }
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    static void writeBoolean(ByteBuf out, boolean b) {
        out.writeByte(b ? 1 : 0);
    }

    static boolean readBoolean(ByteBuf in) {
        int b = in.readUnsignedByte();
        if (b > 1) {
            throw new FrameFormatException("boolean field holds " + b + "; only 0 and 1 are allowed");
        }
        return b == 1;
    }

    /** A count that precedes {@code count * minBytesEach} bytes: refused at once if the frame cannot hold them. */
    static int readCount(ByteBuf in, int minBytesEach) {
        int count = in.readInt();
        if (count < -1 || (count > 0 && (long) count * minBytesEach > in.readableBytes())) {
            throw new FrameFormatException("a field announces " + count + " elements but the frame has only "
                    + in.readableBytes() + " bytes left");
        }
        return count;
    }

    /** Kind as 1 + its ordinal, 0 for null; then the name. */
    static void writeDestination(ByteBuf out, DestinationName d) {
        if (d == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(d.kind().ordinal() + 1);
        writeString(out, d.name());
    }

    static DestinationName readDestination(ByteBuf in) {
        int kind = in.readUnsignedByte();
        if (kind == 0) {
            return null;
        }
        return new DestinationName(kind(kind - 1), requireString(in, "destination name"));
    }

    static void writeKind(ByteBuf out, DestinationName.Kind kind) {
        out.writeByte(kind.ordinal());
    }

    static DestinationName.Kind readKind(ByteBuf in) {
        return kind(in.readUnsignedByte());
    }

    private static DestinationName.Kind kind(int ordinal) {
        DestinationName.Kind[] kinds = DestinationName.Kind.values();
        if (ordinal >= kinds.length) {
            throw new FrameFormatException("unknown destination kind " + ordinal);
        }
        return kinds[ordinal];
    }

    static void writeXid(ByteBuf out, XidData xid) {
        writeBoolean(out, xid != null);
        if (xid != null) {
            out.writeInt(xid.formatId());
            writeBytes(out, xid.globalId());
            writeBytes(out, xid.branchId());
        }
    }

    static XidData readXid(ByteBuf in) {
        if (!readBoolean(in)) {
            return null;
        }
        int formatId = in.readInt();
        byte[] global = readBytes(in);
        byte[] branch = readBytes(in);
        if (global == null || branch == null) {
            throw new FrameFormatException("an Xid without a global transaction id or branch qualifier");
        }
        return new XidData(formatId, global, branch);
    }

    static void writeConsumerInfo(ByteBuf out, ConsumerInfo info) {
        out.writeLong(info.consumerId());
        out.writeLong(info.sessionId());
        writeDestination(out, info.destination());
        writeString(out, info.selector());
        writeBoolean(out, info.noLocal());
        writeString(out, info.subscriptionName());
        writeBoolean(out, info.durable());
        writeBoolean(out, info.shared());
        out.writeInt(info.prefetch());
    }

    static ConsumerInfo readConsumerInfo(ByteBuf in) {
        return new ConsumerInfo(in.readLong(), in.readLong(), readDestination(in), readString(in), readBoolean(in),
                readString(in), readBoolean(in), readBoolean(in), in.readInt());
    }

    private static String requireString(ByteBuf in, String what) {
        String s = readString(in);
        if (s == null) {
            throw new FrameFormatException(what + " is missing");
        }
        return s;
    }
}
