package org.ferrymq.protocol.codec;

import java.util.Arrays;

/** An {@link Output} into a growing array in memory. */
public final class ByteArrayOutput implements Output {

    private byte[] buffer;
    private int size;

    public ByteArrayOutput() {
        this(64);
    }

    public ByteArrayOutput(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    /** How many bytes were written. */
    public int size() {
        return size;
    }

    /** A copy of what was written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            long wanted = Math.max((long) buffer.length * 2, (long) size + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                if ((long) size + more > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("An encoded message cannot exceed 2 GiB");
                }
                wanted = Integer.MAX_VALUE - 8;
            }
            buffer = Arrays.copyOf(buffer, (int) wanted);
        }
    }

    @Override
    public void writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
    }

    @Override
    public void writeShort(int value) {
        ensure(2);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
    }

    @Override
    public void writeChar(int value) {
        writeShort(value);
    }

    @Override
    public void writeInt(int value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
    }

    @Override
    public void writeLong(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
    }

    @Override
    public void writeBytes(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }
}
