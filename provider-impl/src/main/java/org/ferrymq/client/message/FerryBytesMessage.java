package org.ferrymq.client.message;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import org.ferrymq.protocol.MessageData;

/**
 * A message whose body is a stream of uninterpreted bytes, in the encoding of
 * {@link DataOutputStream} (big-endian, modified UTF-8 for writeUTF).
 *
 * <p>The body is write-only until {@link #reset()} and read-only after it; a received
 * message is read-only from the start. In read mode the bytes are an array nobody writes to
 * (the received snapshot's own array, shared), so a snapshot can share it as well.
 */
public class FerryBytesMessage extends FerryMessage implements BytesMessage {

    private static final byte[] EMPTY = new byte[0];

    // write mode: created on the first write
    private ByteArrayOutputStream written;
    private DataOutputStream out;

    // read mode
    private byte[] body = EMPTY;
    /** Over {@link #body}, created on the first read; its position is the read position. */
    private ByteBuffer in;

    /** A new message with an empty body in write-only mode. */
    public FerryBytesMessage() {
    }

    static FerryBytesMessage copyOf(BytesMessage foreign) throws JMSException {
        FerryBytesMessage copy = new FerryBytesMessage();
        foreign.reset();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = foreign.readBytes(chunk)) > 0) {
            copy.writeBytes(chunk, 0, n);
            if (n < chunk.length) {
                break;
            }
        }
        foreign.reset();
        return copy;
    }

    // ---- modes ----

    @Override
    public void reset() {
        if (!bodyReadOnly) {
            body = written == null ? EMPTY : written.toByteArray();
            written = null;
            out = null;
            bodyReadOnly = true;
        }
        in = null;
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        body = EMPTY;
        in = null;
        written = null;
        out = null;
    }

    @Override
    public long getBodyLength() throws JMSException {
        checkReadable();
        return body.length;
    }

    private void checkReadable() throws MessageNotReadableException {
        if (!bodyReadOnly) {
            throw new MessageNotReadableException("This BytesMessage is in write-only mode; call reset() to read it");
        }
    }

    private ByteBuffer input(int size) throws JMSException {
        checkReadable();
        if (in == null) {
            in = ByteBuffer.wrap(body);
        }
        if (in.remaining() < size) {
            throw endOfBody("BytesMessage", "cannot read " + size + " byte(s) at position " + in.position()
                    + " of " + body.length);
        }
        return in;
    }

    private DataOutputStream output() throws MessageNotWriteableException {
        if (bodyReadOnly) {
            throw new MessageNotWriteableException("This BytesMessage is in read-only mode (a received message, or "
                    + "reset() was called); call clearBody() to write it again");
        }
        if (out == null) {
            written = new ByteArrayOutputStream();
            out = new DataOutputStream(written);
        }
        return out;
    }

    // ---- reading ----

    @Override
    public boolean readBoolean() throws JMSException {
        return input(1).get() != 0;
    }

    @Override
    public byte readByte() throws JMSException {
        return input(1).get();
    }

    @Override
    public int readUnsignedByte() throws JMSException {
        return input(1).get() & 0xff;
    }

    @Override
    public short readShort() throws JMSException {
        return input(2).getShort();
    }

    @Override
    public int readUnsignedShort() throws JMSException {
        return input(2).getShort() & 0xffff;
    }

    @Override
    public char readChar() throws JMSException {
        return input(2).getChar();
    }

    @Override
    public int readInt() throws JMSException {
        return input(4).getInt();
    }

    @Override
    public long readLong() throws JMSException {
        return input(8).getLong();
    }

    @Override
    public float readFloat() throws JMSException {
        return input(4).getFloat();
    }

    @Override
    public double readDouble() throws JMSException {
        return input(8).getDouble();
    }

    /** Reads a string written by writeUTF; at the end or on malformed data the position does not move. */
    @Override
    public String readUTF() throws JMSException {
        ByteBuffer buffer = input(2);
        int start = buffer.position();
        int length = Short.toUnsignedInt(buffer.getShort(start));
        if (buffer.remaining() < 2 + length) {
            throw endOfBody("BytesMessage", "the string at position " + start + " needs " + length
                    + " byte(s), " + (buffer.remaining() - 2) + " remain");
        }
        try {
            String value = DataInputStream.readUTF(new DataInputStream(new ByteArrayInputStream(body, start, 2 + length)));
            buffer.position(start + 2 + length);
            return value;
        } catch (UTFDataFormatException e) {
            MessageFormatException failure = new MessageFormatException("The bytes at position " + start
                    + " are not a string written by writeUTF: " + e.getMessage());
            failure.setLinkedException(e);
            throw failure;
        } catch (IOException e) {
            throw new IllegalStateException("Reading from an array cannot fail", e);
        }
    }

    @Override
    public int readBytes(byte[] value) throws JMSException {
        return readBytes(value, value.length);
    }

    /** Reads up to {@code length} bytes; -1 when the body has been read completely. */
    @Override
    public int readBytes(byte[] value, int length) throws JMSException {
        if (length < 0 || length > value.length) {
            throw new IndexOutOfBoundsException("length " + length + " must be between 0 and the array's length "
                    + value.length);
        }
        ByteBuffer buffer = input(0);
        if (!buffer.hasRemaining()) {
            return -1;
        }
        int n = Math.min(length, buffer.remaining());
        buffer.get(value, 0, n);
        return n;
    }

    // ---- writing ----

    private interface Write {
        void to(DataOutputStream out) throws IOException;
    }

    private void write(Write write) throws JMSException {
        DataOutputStream target = output();
        try {
            write.to(target);
        } catch (UTFDataFormatException e) {
            MessageFormatException failure = new MessageFormatException("Cannot write the string with writeUTF: "
                    + e.getMessage() + "; its modified UTF-8 form must fit in 65535 bytes");
            failure.setLinkedException(e);
            throw failure;
        } catch (IOException e) {
            throw new IllegalStateException("Writing to memory cannot fail", e);
        }
    }

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        write(o -> o.writeBoolean(value));
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        write(o -> o.writeByte(value));
    }

    @Override
    public void writeShort(short value) throws JMSException {
        write(o -> o.writeShort(value));
    }

    @Override
    public void writeChar(char value) throws JMSException {
        write(o -> o.writeChar(value));
    }

    @Override
    public void writeInt(int value) throws JMSException {
        write(o -> o.writeInt(value));
    }

    @Override
    public void writeLong(long value) throws JMSException {
        write(o -> o.writeLong(value));
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        write(o -> o.writeFloat(value));
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        write(o -> o.writeDouble(value));
    }

    @Override
    public void writeUTF(String value) throws JMSException {
        if (value == null) {
            throw new NullPointerException("A BytesMessage cannot hold a null string");
        }
        write(o -> o.writeUTF(value));
    }

    @Override
    public void writeBytes(byte[] value) throws JMSException {
        if (value == null) {
            throw new NullPointerException("A BytesMessage cannot hold a null byte array");
        }
        write(o -> o.write(value));
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        if (value == null) {
            throw new NullPointerException("A BytesMessage cannot hold a null byte array");
        }
        write(o -> o.write(value, offset, length));
    }

    /** Writes a boxed primitive, String (as writeUTF) or byte[]; null is a NullPointerException, as the spec says. */
    @Override
    public void writeObject(Object value) throws JMSException {
        if (value == null) {
            throw new NullPointerException("A BytesMessage cannot hold null; writeObject needs a value");
        } else if (value instanceof Boolean v) {
            writeBoolean(v);
        } else if (value instanceof Byte v) {
            writeByte(v);
        } else if (value instanceof Short v) {
            writeShort(v);
        } else if (value instanceof Character v) {
            writeChar(v);
        } else if (value instanceof Integer v) {
            writeInt(v);
        } else if (value instanceof Long v) {
            writeLong(v);
        } else if (value instanceof Float v) {
            writeFloat(v);
        } else if (value instanceof Double v) {
            writeDouble(v);
        } else if (value instanceof String v) {
            writeUTF(v);
        } else if (value instanceof byte[] v) {
            writeBytes(v);
        } else {
            throw new MessageFormatException("BytesMessage.writeObject accepts boxed primitives, String and byte[], "
                    + "not a " + value.getClass().getName());
        }
    }

    // ---- the body as a whole ----

    private int currentLength() {
        return bodyReadOnly ? body.length : (written == null ? 0 : written.size());
    }

    /** A copy of the whole body; resets the message before and after, as the javadoc says. */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (currentLength() > 0 && !c.isAssignableFrom(byte[].class)) {
            throw new MessageFormatException("The body of a BytesMessage is a byte[] and cannot be returned as "
                    + c.getName());
        }
        reset();
        return body.length == 0 ? null : c.cast(body.clone());
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public boolean isBodyAssignableTo(Class c) {
        return currentLength() == 0 || c.isAssignableFrom(byte[].class);
    }

    @Override
    MessageData.BodyType bodyType() {
        return MessageData.BodyType.BYTES;
    }

    @Override
    Object bodySnapshot() {
        if (bodyReadOnly) {
            return body; // nobody writes to it: shared
        }
        return written == null ? EMPTY : written.toByteArray();
    }

    @Override
    void receiveBody(Object data) {
        body = data == null ? EMPTY : (byte[]) data;
        in = null;
    }
}
