package org.ferrymq.protocol.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** An {@link Input} over a {@code byte[]} or a {@link ByteBuffer}, from its position to its limit. */
public final class ByteBufferInput implements Input {

    private final ByteBuffer buffer;

    /** Reads {@code buffer} from its position on, moving the position as it reads; sets its order to big-endian. */
    public ByteBufferInput(ByteBuffer buffer) {
        this.buffer = buffer.order(ByteOrder.BIG_ENDIAN);
    }

    public ByteBufferInput(byte[] bytes) {
        this(ByteBuffer.wrap(bytes));
    }

    @Override
    public int remaining() {
        return buffer.remaining();
    }

    private void need(int bytes, String what) throws CodecException {
        if (buffer.remaining() < bytes) {
            throw new CodecException("the input ends early: " + what + " needs " + bytes + " bytes but only "
                    + buffer.remaining() + " remain");
        }
    }

    @Override
    public byte readByte() throws CodecException {
        need(1, "a byte");
        return buffer.get();
    }

    @Override
    public short readShort() throws CodecException {
        need(2, "a short");
        return buffer.getShort();
    }

    @Override
    public char readChar() throws CodecException {
        need(2, "a char");
        return buffer.getChar();
    }

    @Override
    public int readInt() throws CodecException {
        need(4, "an int");
        return buffer.getInt();
    }

    @Override
    public long readLong() throws CodecException {
        need(8, "a long");
        return buffer.getLong();
    }

    @Override
    public byte[] readBytes(int length) throws CodecException {
        need(length, "a run of bytes");
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }
}
