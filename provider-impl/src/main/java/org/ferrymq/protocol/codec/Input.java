package org.ferrymq.protocol.codec;

/**
 * Where the codec reads: big-endian primitives and runs of bytes, and how many bytes remain.
 * Every read past the end is a {@link CodecException}, and a length read from the input is
 * checked against {@link #remaining()} before anything is allocated for it, so bogus bytes
 * never cost more memory than they occupy. {@link ByteBufferInput} reads a {@code byte[]} or
 * a {@code ByteBuffer}; a transport adapts its own buffer to this interface.
 */
public interface Input {

    /** The bytes left to read. */
    int remaining();

    byte readByte() throws CodecException;

    short readShort() throws CodecException;

    char readChar() throws CodecException;

    int readInt() throws CodecException;

    long readLong() throws CodecException;

    /** The next {@code length} bytes, which the caller has checked are there, as a new array. */
    byte[] readBytes(int length) throws CodecException;

    default boolean readBoolean() throws CodecException {
        return readByte() != 0;
    }

    default float readFloat() throws CodecException {
        return Float.intBitsToFloat(readInt());
    }

    default double readDouble() throws CodecException {
        return Double.longBitsToDouble(readLong());
    }

    /**
     * Checks a length just read for {@code what}: at least 0, and no more than
     * {@code remaining() / unit} (the least number of bytes each counted item occupies).
     */
    default int checkLength(int length, int unit, String what) throws CodecException {
        if (length < 0) {
            throw new CodecException(what + " announces a negative length (" + length + ")");
        }
        if ((long) length * unit > remaining()) {
            throw new CodecException(what + " announces " + length + (unit == 1 ? " bytes" : " items")
                    + " but only " + remaining() + " bytes remain");
        }
        return length;
    }
}
