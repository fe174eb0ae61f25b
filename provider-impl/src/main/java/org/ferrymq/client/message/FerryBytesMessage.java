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
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import org.ferrymq.api.LargeMessages;
import org.ferrymq.protocol.LargeBody;
import org.ferrymq.protocol.MessageData;

/**
 * A message whose body is a stream of uninterpreted bytes, in the encoding of
 * {@link DataOutputStream} (big-endian, modified UTF-8 for writeUTF).
 *
 * <p>The body is write-only until {@link #reset()} and read-only after it; a received
 * message is read-only from the start. In read mode the bytes are an array nobody writes to
 * (the received snapshot's own array, shared), so a snapshot can share it as well.
 *
 * <p>Large messages ({@link LargeMessages}): a body to send may be an {@link InputStream}
 * instead, read only when the message is sent. A received large body stays at the broker
 * until the application asks for it: read whole into the array on the first read, or written
 * chunk by chunk to the application's {@link OutputStream} without being held here.
 */
public class FerryBytesMessage extends FerryMessage implements BytesMessage {

    private static final byte[] EMPTY = new byte[0];

    // write mode: created on the first write
    private ByteArrayOutputStream written;
    private DataOutputStream out;

    /** The body to send, when the application gave it as a stream ({@link LargeMessages#INPUT_STREAM}). */
    private InputStream bodyStream;

    // read mode
    /** Null while a received large body is still at the broker. */
    private byte[] body = EMPTY;
    /** A received large body's length, or -1. */
    private long largeSize = -1;
    /** Where a received large body is read from; null for a browsed one. */
    private LargeBodySource largeSource;
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
        bodyStream = null;
        largeSize = -1;
        largeSource = null;
    }

    @Override
    public long getBodyLength() throws JMSException {
        checkReadable();
        return body == null ? largeSize : body.length;
    }

    // ---- large bodies ----

    /** A received large message: its body is read from {@code source} when asked for. */
    public void readLargeBodyFrom(LargeBodySource source) {
        if (body == null) {
            largeSource = source;
        }
    }

    /**
     * The body to send as a stream, or null when it is in memory: the application's input
     * stream, or a received large body not read yet (a message sent on), read from its broker.
     */
    public InputStream bodyStream() {
        if (bodyStream != null) {
            return bodyStream;
        }
        return bodyReadOnly && body == null && largeSource != null ? new ChunkStream(largeSource, largeSize) : null;
    }

    @Override
    void streamProperty(String name, Object value) throws JMSException {
        if (LargeMessages.INPUT_STREAM.equals(name)) {
            if (value != null && !(value instanceof InputStream)) {
                throw new MessageFormatException("'" + name + "' takes a java.io.InputStream, not a "
                        + value.getClass().getName());
            }
            output(); // refuses a read-only body as writing would
            bodyStream = (InputStream) value;
            return;
        }
        if (!(value instanceof OutputStream target)) {
            throw new MessageFormatException("'" + name + "' takes a java.io.OutputStream, not "
                    + (value == null ? "null" : "a " + value.getClass().getName()));
        }
        checkReadable();
        try {
            if (body != null) {
                target.write(body);
            } else {
                InputStream chunks = new ChunkStream(source(), largeSize);
                chunks.transferTo(target);
            }
            target.flush();
        } catch (ChunkStream.Failure e) {
            throw e.failure;
        } catch (IOException e) {
            JMSException failure = new JMSException("Writing the body of this BytesMessage to the stream given as '"
                    + name + "' failed: " + e.getMessage());
            failure.setLinkedException(e);
            failure.initCause(e);
            throw failure;
        }
    }

    private LargeBodySource source() throws JMSException {
        if (largeSource == null) {
            throw new JMSException("This large message (" + largeSize + " bytes) was browsed: a QueueBrowser shows "
                    + "its headers and properties, not its body; receive it to read the body");
        }
        return largeSource;
    }

    /** Reads a received large body whole into {@link #body}, once. */
    private void loadLargeBody() throws JMSException {
        if (body != null) {
            return;
        }
        if (largeSize > Integer.MAX_VALUE - 16) {
            throw new MessageFormatException("The body of this large message has " + largeSize + " bytes, more than "
                    + "a byte[] holds; read it with setObjectProperty(\"" + LargeMessages.SAVE_STREAM
                    + "\", outputStream)");
        }
        byte[] whole = new byte[(int) largeSize];
        try (InputStream chunks = new ChunkStream(source(), largeSize)) {
            int n = chunks.readNBytes(whole, 0, whole.length);
            if (n != whole.length || chunks.read() != -1) {
                throw new JMSException("The body of this large message should have " + largeSize + " bytes, but "
                        + "its broker holds " + (n < whole.length ? n : "more") + "; the stored body is damaged");
            }
        } catch (ChunkStream.Failure e) {
            throw e.failure;
        } catch (IOException e) {
            throw new IllegalStateException("Reading chunks into memory cannot fail otherwise", e);
        }
        body = whole;
        in = null;
    }

    private void checkReadable() throws MessageNotReadableException {
        if (!bodyReadOnly) {
            throw new MessageNotReadableException("This BytesMessage is in write-only mode; call reset() to read it");
        }
    }

    private ByteBuffer input(int size) throws JMSException {
        checkReadable();
        loadLargeBody();
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

    private long currentLength() {
        return bodyReadOnly ? (body == null ? largeSize : body.length) : (written == null ? 0 : written.size());
    }

    /** A copy of the whole body; resets the message before and after, as the javadoc says. */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (currentLength() > 0 && !c.isAssignableFrom(byte[].class)) {
            throw new MessageFormatException("The body of a BytesMessage is a byte[] and cannot be returned as "
                    + c.getName());
        }
        reset();
        if (body == null) {
            loadLargeBody();
            return body.length == 0 ? null : c.cast(body); // read for this call: the one copy the caller gets
        }
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
        if (bodyStream() != null) {
            return EMPTY; // the body goes as a stream: see bodyStream()
        }
        if (bodyReadOnly) {
            return body; // nobody writes to it: shared
        }
        return written == null ? EMPTY : written.toByteArray();
    }

    @Override
    void receiveBody(Object data) {
        if (data instanceof LargeBody large) {
            body = null;
            largeSize = large.size();
        } else {
            body = data == null ? EMPTY : (byte[]) data;
        }
        in = null;
    }

    /** A large body as it is read from its source, chunk by chunk; a failure of the source is a {@link Failure}. */
    private static final class ChunkStream extends InputStream {
        private final LargeBodySource source;
        private long left;
        private int next;
        private byte[] chunk = EMPTY;
        private int position;

        ChunkStream(LargeBodySource source, long size) {
            this.source = source;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position == chunk.length) {
                if (left <= 0) {
                    return -1;
                }
                try {
                    chunk = source.chunk(next++);
                } catch (JMSException e) {
                    throw new Failure(e);
                }
                position = 0;
                if (chunk == null || chunk.length == 0 || chunk.length > left) {
                    throw new Failure(new JMSException("The body of this large message is damaged at its broker: "
                            + "chunk " + (next - 1) + " is "
                            + (chunk == null ? "missing" : chunk.length + " bytes long") + " with " + left
                            + " bytes of the body still to come"));
                }
                left -= chunk.length;
            }
            int n = Math.min(length, chunk.length - position);
            System.arraycopy(chunk, position, target, offset, n);
            position += n;
            return n;
        }

        /** The source failed: carries its JMSException through the stream's IOException. */
        static final class Failure extends IOException {
            private static final long serialVersionUID = 1L;
            final transient JMSException failure;

            Failure(JMSException failure) {
                super(failure.getMessage(), failure);
                this.failure = failure;
            }
        }
    }
}
