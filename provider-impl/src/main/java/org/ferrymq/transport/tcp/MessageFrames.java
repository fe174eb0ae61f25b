package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.codec.CodecException;
import org.ferrymq.protocol.codec.Input;
import org.ferrymq.protocol.codec.MessageCodec;
import org.ferrymq.protocol.codec.Output;

/**
 * A {@link MessageData} inside a frame, in the shared message codec's format: protocol
 * version 1 carries message format {@link MessageCodec#VERSION_1}. The codec writes straight
 * into the frame's buffer (a body is copied once, from the snapshot's array into the
 * buffer) and reads from it (once, from the buffer into the new snapshot's array).
 */
final class MessageFrames {

    private static final MessageCodec CODEC = codec();

    private MessageFrames() {
    }

    private static MessageCodec codec() {
        try {
            return MessageCodec.forVersion(MessageCodec.VERSION_1);
        } catch (CodecException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Room for a message's headers and properties in a frame, beside its body. */
    private static final int HEADERS_ESTIMATE = 256;

    /**
     * About how many bytes a frame carrying {@code message} takes: its body's length (a text
     * counted at one byte a character, its usual size in UTF-8) and room for its headers.
     */
    static int sizeHint(MessageData message) {
        Object body = message.body();
        if (body instanceof byte[] bytes) {
            return HEADERS_ESTIMATE + bytes.length;
        }
        if (body instanceof String text) {
            return HEADERS_ESTIMATE + text.length();
        }
        return HEADERS_ESTIMATE;
    }

    static void write(ByteBuf out, MessageData message) {
        CODEC.write(message, new BufferOutput(out));
    }

    static MessageData read(ByteBuf in) {
        try {
            return CODEC.read(new BufferInput(in));
        } catch (CodecException e) {
            throw new FrameFormatException("a message in a frame is damaged: " + e.getMessage());
        }
    }

    /** The codec's Output over a frame buffer. */
    private record BufferOutput(ByteBuf out) implements Output {

        @Override
        public void writeByte(int value) {
            out.writeByte(value);
        }

        @Override
        public void writeShort(int value) {
            out.writeShort(value);
        }

        @Override
        public void writeChar(int value) {
            out.writeChar(value);
        }

        @Override
        public void writeInt(int value) {
            out.writeInt(value);
        }

        @Override
        public void writeLong(long value) {
            out.writeLong(value);
        }

        @Override
        public void writeBytes(byte[] bytes, int offset, int length) {
            out.writeBytes(bytes, offset, length);
        }
    }

    /** The codec's Input over a frame buffer: a read past the frame's end is a CodecException. */
    private record BufferInput(ByteBuf in) implements Input {

        @Override
        public int remaining() {
            return in.readableBytes();
        }

        private void need(int bytes) throws CodecException {
            if (in.readableBytes() < bytes) {
                throw new CodecException("the frame ends " + (bytes - in.readableBytes()) + " bytes early");
            }
        }

        @Override
        public byte readByte() throws CodecException {
            need(1);
            return in.readByte();
        }

        @Override
        public short readShort() throws CodecException {
            need(2);
            return in.readShort();
        }

        @Override
        public char readChar() throws CodecException {
            need(2);
            return in.readChar();
        }

        @Override
        public int readInt() throws CodecException {
            need(4);
            return in.readInt();
        }

        @Override
        public long readLong() throws CodecException {
            need(8);
            return in.readLong();
        }

        @Override
        public byte[] readBytes(int length) throws CodecException {
            need(length);
            byte[] bytes = new byte[length];
            in.readBytes(bytes);
            return bytes;
        }
    }
}
