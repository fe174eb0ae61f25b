package org.ferrymq.client.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.StreamMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.codec.ValueConversions;

/**
 * A message whose body is a sequence of typed values, read back in order with the
 * conversions of table 3.11.3. The values are kept as written (boxed primitives, Strings,
 * byte[] copies, nulls), so a read can convert without decoding anything.
 *
 * <p>Write-only until {@link #reset()}, read-only after it; a received message is read-only
 * from the start. A read that fails to convert leaves the position where it was, so the
 * field can be read again as another type. Once {@link #readBytes} has started on a byte[]
 * field, that field must be read to its end before anything else.
 */
public class FerryStreamMessage extends FerryMessage implements StreamMessage {

    /** Never null; when not owned it is immutable (a received body, or frozen by reset) and copied before a write. */
    private List<Object> values = Collections.emptyList();
    private boolean valuesOwned;

    /** The index of the next field to read. */
    private int position;
    /** How far readBytes has read into the byte[] field at {@link #position}; -1 when it has not started. */
    private int bytesRead = -1;

    /** A new message with an empty body in write-only mode. */
    public FerryStreamMessage() {
    }

    static FerryStreamMessage copyOf(StreamMessage foreign) throws JMSException {
        FerryStreamMessage copy = new FerryStreamMessage();
        foreign.reset();
        while (true) {
            Object value;
            try {
                value = foreign.readObject();
            } catch (MessageEOFException end) {
                break;
            }
            copy.writeObject(value);
        }
        foreign.reset();
        return copy;
    }

    // ---- modes ----

    @Override
    public void reset() {
        if (valuesOwned) {
            values = Collections.unmodifiableList(values); // frozen: only clearBody leaves read mode, with a new list
            valuesOwned = false;
        }
        bodyReadOnly = true;
        position = 0;
        bytesRead = -1;
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        values = Collections.emptyList();
        valuesOwned = false;
        position = 0;
        bytesRead = -1;
    }

    // ---- reading ----

    /** The value of the next field, without moving past it. */
    private Object next() throws JMSException {
        if (!bodyReadOnly) {
            throw new MessageNotReadableException("This StreamMessage is in write-only mode; call reset() to read it");
        }
        if (bytesRead >= 0) {
            throw new MessageFormatException("The byte[] field at index " + position + " has been partly read with "
                    + "readBytes; keep calling readBytes until it returns less than the buffer's length");
        }
        if (position >= values.size()) {
            throw endOfBody("StreamMessage", "all " + values.size() + " field(s) have been read");
        }
        return values.get(position);
    }

    // each read converts first and moves on only if the conversion succeeded

    @Override
    public boolean readBoolean() throws JMSException {
        boolean value = ValueConversions.getBoolean(next());
        position++;
        return value;
    }

    @Override
    public byte readByte() throws JMSException {
        byte value = ValueConversions.getByte(next());
        position++;
        return value;
    }

    @Override
    public short readShort() throws JMSException {
        short value = ValueConversions.getShort(next());
        position++;
        return value;
    }

    @Override
    public char readChar() throws JMSException {
        char value = ValueConversions.getChar(next());
        position++;
        return value;
    }

    @Override
    public int readInt() throws JMSException {
        int value = ValueConversions.getInt(next());
        position++;
        return value;
    }

    @Override
    public long readLong() throws JMSException {
        long value = ValueConversions.getLong(next());
        position++;
        return value;
    }

    @Override
    public float readFloat() throws JMSException {
        float value = ValueConversions.getFloat(next());
        position++;
        return value;
    }

    @Override
    public double readDouble() throws JMSException {
        double value = ValueConversions.getDouble(next());
        position++;
        return value;
    }

    @Override
    public String readString() throws JMSException {
        String value = ValueConversions.getString(next());
        position++;
        return value;
    }

    /** The next field as written (a byte[] field as a new copy of the array). */
    @Override
    public Object readObject() throws JMSException {
        Object value = next();
        position++;
        return value instanceof byte[] bytes ? bytes.clone() : value;
    }

    /**
     * Reads the byte[] field in pieces: returns how many bytes were copied into
     * {@code buffer}; a return smaller than the buffer ends the field, and after a return
     * equal to the buffer's length the next call returns -1 if nothing is left. A null field
     * returns -1, an empty one 0.
     */
    @Override
    public int readBytes(byte[] buffer) throws JMSException {
        Objects.requireNonNull(buffer, "buffer");
        if (bytesRead < 0) {
            Object value = next();
            if (value == null) {
                position++;
                return -1;
            }
            if (!(value instanceof byte[])) {
                ValueConversions.getBytes(value); // throws the MessageFormatException naming the field's type
            }
            bytesRead = 0;
        }
        byte[] field = (byte[]) values.get(position);
        int remaining = field.length - bytesRead;
        if (remaining == 0 && bytesRead > 0) {
            endBytesField();
            return -1;
        }
        int n = Math.min(buffer.length, remaining);
        System.arraycopy(field, bytesRead, buffer, 0, n);
        bytesRead += n;
        if (n < buffer.length) {
            endBytesField();
        }
        return n;
    }

    private void endBytesField() {
        bytesRead = -1;
        position++;
    }

    // ---- writing ----

    private void append(Object value) throws MessageNotWriteableException {
        if (bodyReadOnly) {
            throw new MessageNotWriteableException("This StreamMessage is in read-only mode (a received message, or "
                    + "reset() was called); call clearBody() to write it again");
        }
        if (!valuesOwned) {
            values = new ArrayList<>(values);
            valuesOwned = true;
        }
        values.add(value);
    }

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        append(value);
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        append(value);
    }

    @Override
    public void writeShort(short value) throws JMSException {
        append(value);
    }

    @Override
    public void writeChar(char value) throws JMSException {
        append(value);
    }

    @Override
    public void writeInt(int value) throws JMSException {
        append(value);
    }

    @Override
    public void writeLong(long value) throws JMSException {
        append(value);
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        append(value);
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        append(value);
    }

    @Override
    public void writeString(String value) throws JMSException {
        append(value);
    }

    /** Writes a copy of {@code value} as one byte[] field; null is written as a null field. */
    @Override
    public void writeBytes(byte[] value) throws JMSException {
        append(value == null ? null : value.clone());
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        Objects.checkFromIndexSize(offset, length, value.length);
        byte[] copy = new byte[length];
        System.arraycopy(value, offset, copy, 0, length);
        append(copy);
    }

    /** Writes a boxed primitive, a String, a byte[] (copied) or null. */
    @Override
    public void writeObject(Object value) throws JMSException {
        PropertyValues.checkBodyValue(value);
        append(value instanceof byte[] bytes ? bytes.clone() : value);
    }

    // ---- the body as a whole ----

    /** A StreamMessage has no body getBody could return, whatever it holds. */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        throw new MessageFormatException("getBody cannot be used on a StreamMessage; read its fields with "
                + "the read methods");
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        return false;
    }

    @Override
    MessageData.BodyType bodyType() {
        return MessageData.BodyType.STREAM;
    }

    /**
     * An unmodifiable list of the values; the byte[] values in it are the message's private
     * copies, which nobody writes to, so they are shared rather than copied again.
     */
    @Override
    Object bodySnapshot() {
        return valuesOwned ? Collections.unmodifiableList(new ArrayList<>(values)) : values;
    }

    @Override
    @SuppressWarnings("unchecked")
    void receiveBody(Object body) {
        values = body == null ? Collections.emptyList() : (List<Object>) body;
        valuesOwned = false;
        position = 0;
        bytesRead = -1;
    }
}
