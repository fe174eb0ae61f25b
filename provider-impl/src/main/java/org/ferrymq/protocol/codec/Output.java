package org.ferrymq.protocol.codec;

/**
 * Where the codec writes: big-endian primitives and runs of bytes. {@link ByteArrayOutput}
 * collects them in memory; a transport adapts its own buffer (a Netty {@code ByteBuf}, say)
 * to this interface so that a message body is copied once, straight into it.
 */
public interface Output {

    void writeByte(int value);

    void writeShort(int value);

    void writeChar(int value);

    void writeInt(int value);

    void writeLong(long value);

    void writeBytes(byte[] bytes, int offset, int length);

    default void writeBoolean(boolean value) {
        writeByte(value ? 1 : 0);
    }

    default void writeFloat(float value) {
        writeInt(Float.floatToRawIntBits(value));
    }

    default void writeDouble(double value) {
        writeLong(Double.doubleToRawLongBits(value));
    }

    default void writeBytes(byte[] bytes) {
        writeBytes(bytes, 0, bytes.length);
    }
}
