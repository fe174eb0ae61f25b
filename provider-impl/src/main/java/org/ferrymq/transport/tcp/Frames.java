package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.List;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.XidData;

/**
 * The frames that follow the handshake (README.md, "The TCP protocol"): a 4-byte length, then a kind byte, a
 * 4-byte correlation id and the kind's payload. A request's answer or error carries the
 * request's correlation id; pushes and heartbeats carry 0.
 */
final class Frames {

    static final int LENGTH_FIELD = 4;
    /** Kind byte and correlation id. */
    static final int HEADER = 5;

    static final int REQUEST = 1;
    static final int ANSWER = 2;
    static final int ERROR = 3;
    static final int PUSH = 4;
    static final int HEARTBEAT = 5;
    /** A request that wants no answer: the server reports only its refusal, by a push. */
    static final int ONEWAY = 6;

    // answer values
    static final int VALUE_NONE = 0;
    static final int VALUE_INTEGER = 1;
    static final int VALUE_DESTINATION = 2;
    static final int VALUE_MESSAGES = 3;
    static final int VALUE_XIDS = 4;
    static final int VALUE_BYTES = 5;

    // pushes: the ClientChannel calls
    static final int PUSH_DELIVER = 1;
    static final int PUSH_ACKNOWLEDGEMENTS_SETTLED = 2;
    static final int PUSH_CONNECTION_FAILED = 3;
    /** A one-way Send the broker refused: the session and the broker's exception. */
    static final int PUSH_SEND_REFUSED = 4;

    /** The first capacity of a frame without a message in it (it grows as needed). */
    private static final int DEFAULT_CAPACITY = 256;

    private Frames() {
    }

    /** A buffer with the length field and header written; finish it with {@link #finish}. */
    static ByteBuf start(ByteBufAllocator alloc, int kind, int correlationId) {
        return start(alloc, kind, correlationId, DEFAULT_CAPACITY);
    }

    /**
     * As {@link #start(ByteBufAllocator, int, int)}, with room for about {@code capacity} bytes
     * from the start, so that a frame carrying a message body is not copied into ever larger
     * buffers while it is written.
     */
    private static ByteBuf start(ByteBufAllocator alloc, int kind, int correlationId, int capacity) {
        ByteBuf out = alloc.buffer(capacity);
        out.writeInt(0);
        out.writeByte(kind);
        out.writeInt(correlationId);
        return out;
    }

    /** Sets the length field; answers the frame's size as the length field counts it. */
    static int finish(ByteBuf frame) {
        int size = frame.readableBytes() - LENGTH_FIELD;
        frame.setInt(frame.readerIndex(), size);
        return size;
    }

    static ByteBuf request(ByteBufAllocator alloc, int correlationId, Command<?> command) {
        return request(alloc, REQUEST, correlationId, command);
    }

    /** A request whose answer nobody waits for (correlation id 0). */
    static ByteBuf oneway(ByteBufAllocator alloc, Command<?> command) {
        return request(alloc, ONEWAY, 0, command);
    }

    private static ByteBuf request(ByteBufAllocator alloc, int kind, int correlationId, Command<?> command) {
        ByteBuf out = start(alloc, kind, correlationId, command instanceof Command.Send send
                ? MessageFrames.sizeHint(send.message()) : command instanceof Command.LargeBodyChunk chunk
                ? chunk.data().length + 64 : DEFAULT_CAPACITY);
        try {
            CommandCodec.encode(command, out);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        finish(out);
        return out;
    }

    static ByteBuf answer(ByteBufAllocator alloc, int correlationId, Object value) {
        ByteBuf out = start(alloc, ANSWER, correlationId, value instanceof byte[] bytes ? bytes.length + 16
                : DEFAULT_CAPACITY);
        try {
            writeAnswer(out, value);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        finish(out);
        return out;
    }

    static ByteBuf error(ByteBufAllocator alloc, int correlationId, JMSException e) {
        ByteBuf out = start(alloc, ERROR, correlationId);
        ErrorCodec.encode(e, out);
        finish(out);
        return out;
    }

    static ByteBuf heartbeat(ByteBufAllocator alloc) {
        ByteBuf out = start(alloc, HEARTBEAT, 0);
        finish(out);
        return out;
    }

    static ByteBuf deliver(ByteBufAllocator alloc, Delivery d) {
        ByteBuf out = start(alloc, PUSH, 0, MessageFrames.sizeHint(d.message()));
        out.writeByte(PUSH_DELIVER);
        out.writeLong(d.consumerId());
        out.writeLong(d.deliveryId());
        out.writeInt(d.generation());
        out.writeInt(d.deliveryCount());
        MessageFrames.write(out, d.message());
        finish(out);
        return out;
    }

    static ByteBuf acknowledgementsSettled(ByteBufAllocator alloc, long sessionId, int deliveries,
            JMSException failure) {
        ByteBuf out = start(alloc, PUSH, 0);
        out.writeByte(PUSH_ACKNOWLEDGEMENTS_SETTLED);
        out.writeLong(sessionId);
        out.writeInt(deliveries);
        Wire.writeBoolean(out, failure != null);
        if (failure != null) {
            ErrorCodec.encode(failure, out);
        }
        finish(out);
        return out;
    }

    static ByteBuf connectionFailed(ByteBufAllocator alloc, JMSException cause) {
        ByteBuf out = start(alloc, PUSH, 0);
        out.writeByte(PUSH_CONNECTION_FAILED);
        ErrorCodec.encode(cause, out);
        finish(out);
        return out;
    }

    static ByteBuf sendRefused(ByteBufAllocator alloc, long sessionId, JMSException refusal) {
        ByteBuf out = start(alloc, PUSH, 0);
        out.writeByte(PUSH_SEND_REFUSED);
        out.writeLong(sessionId);
        ErrorCodec.encode(refusal, out);
        finish(out);
        return out;
    }

    static Delivery readDelivery(ByteBuf in) {
        return new Delivery(in.readLong(), in.readLong(), in.readInt(), in.readInt(), MessageFrames.read(in));
    }

    /** An answer value: null (Void), Integer, DestinationName, byte[], List of MessageData or of XidData. */
    static void writeAnswer(ByteBuf out, Object value) {
        if (value == null) {
            out.writeByte(VALUE_NONE);
        } else if (value instanceof Integer i) {
            out.writeByte(VALUE_INTEGER);
            out.writeInt(i);
        } else if (value instanceof DestinationName d) {
            out.writeByte(VALUE_DESTINATION);
            Wire.writeDestination(out, d);
        } else if (value instanceof byte[] bytes) {
            out.writeByte(VALUE_BYTES);
            Wire.writeBytes(out, bytes);
        } else if (value instanceof List<?> list && list.stream().allMatch(MessageData.class::isInstance)) {
            out.writeByte(VALUE_MESSAGES);
            out.writeInt(list.size());
            for (Object m : list) {
                MessageFrames.write(out, (MessageData) m);
            }
        } else if (value instanceof List<?> list && list.stream().allMatch(XidData.class::isInstance)) {
            out.writeByte(VALUE_XIDS);
            out.writeInt(list.size());
            for (Object x : list) {
                Wire.writeXid(out, (XidData) x);
            }
        } else {
            throw new IllegalArgumentException("The TCP transport has no encoding for the answer " + value);
        }
    }

    static Object readAnswer(ByteBuf in) {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case VALUE_NONE:
                return null;
            case VALUE_INTEGER:
                return in.readInt();
            case VALUE_DESTINATION:
                return Wire.readDestination(in);
            case VALUE_MESSAGES: {
                int count = Wire.readCount(in, 1);
                List<MessageData> messages = new ArrayList<>(Math.max(count, 0));
                for (int i = 0; i < count; i++) {
                    messages.add(MessageFrames.read(in));
                }
                return messages;
            }
            case VALUE_BYTES: {
                byte[] bytes = Wire.readBytes(in);
                if (bytes == null) {
                    throw new FrameFormatException("a bytes answer holds no bytes (a length of -1)");
                }
                return bytes;
            }
            case VALUE_XIDS: {
                int count = Wire.readCount(in, 1);
                List<XidData> xids = new ArrayList<>(Math.max(count, 0));
                for (int i = 0; i < count; i++) {
                    xids.add(Wire.readXid(in));
                }
                return xids;
            }
            default:
                throw new FrameFormatException("unknown answer value tag " + tag);
        }
    }
}
