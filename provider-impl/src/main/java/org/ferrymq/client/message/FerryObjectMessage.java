package org.ferrymq.client.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ObjectMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import org.ferrymq.protocol.MessageData;

/**
 * A message whose body is a Serializable object. The object is kept in its serialized
 * form only: setObject serializes at once (so later changes to the object do not reach
 * the message) and every getObject returns a fresh copy.
 *
 * <p>Every deserialization goes through an {@link ObjectMessageFilter}: the lists of the
 * connection the message came from or was made by, else the JVM-wide ones. getBody and
 * isBodyAssignableTo compare the body's class with the asked type before deserializing
 * anything, so asking for the wrong type runs none of the body's code.
 */
public class FerryObjectMessage extends FerryMessage implements ObjectMessage {

    /** The serialized object, never written to once set; null when there is no object. */
    private byte[] serialized;
    /** Null: the JVM-wide lists, read when the body is. */
    private final ObjectMessageFilter filter;

    /** A new, writable message without an object, read with the JVM-wide lists. */
    public FerryObjectMessage() {
        this.filter = null;
    }

    /** A new, writable message without an object, read with {@code filter}'s lists (null: the JVM-wide ones). */
    public FerryObjectMessage(ObjectMessageFilter filter) {
        this.filter = filter;
    }

    /** A new, writable message holding a serialized copy of {@code object}. */
    public FerryObjectMessage(Serializable object) throws JMSException {
        this();
        setObject(object);
    }

    @Override
    public void setObject(Serializable object) throws JMSException {
        checkBodyWritable();
        serialized = object == null ? null : serialize(object);
    }

    @Override
    public Serializable getObject() throws JMSException {
        return serialized == null ? null : deserialize(null);
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        serialized = null;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        return serialized == null ? null : bodyAs(deserialize(c), c, "ObjectMessage");
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        if (serialized == null) {
            return true;
        }
        try {
            return c.isInstance(deserialize(c));
        } catch (MessageFormatException deserializationFailed) {
            return false; // as the javadoc asks
        }
    }

    @Override
    MessageData.BodyType bodyType() {
        return MessageData.BodyType.OBJECT;
    }

    @Override
    Object bodySnapshot() {
        return serialized;
    }

    @Override
    void receiveBody(Object body) {
        serialized = (byte[]) body;
    }

    private static byte[] serialize(Serializable object) throws MessageFormatException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (IOException e) {
            MessageFormatException failure = new MessageFormatException("Cannot serialize the "
                    + object.getClass().getName() + " for the ObjectMessage: " + e
                    + "; every object it refers to must be Serializable");
            failure.setLinkedException(e);
            failure.initCause(e);
            throw failure;
        }
        return bytes.toByteArray();
    }

    /**
     * A fresh copy of the object, read through the lists; with {@code asked} (null for any
     * type), a body of another type is refused before any of its classes is deserialized.
     */
    private Serializable deserialize(Class<?> asked) throws MessageFormatException {
        ObjectMessageFilter.Reading reading = (filter != null ? filter : ObjectMessageFilter.jvmWide())
                .reading(serialized, asked);
        try (ObjectInputStream in = new ApplicationObjectInputStream(new ByteArrayInputStream(serialized))) {
            in.setObjectInputFilter(reading);
            Object object = in.readObject();
            reading.throwIfRefused(null); // in case a readObject swallowed the refusal
            return (Serializable) object;
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            if (reading.notAssignable() != null) {
                throw notAssignable("ObjectMessage", reading.notAssignable(), asked);
            }
            reading.throwIfRefused(e);
            throw cannotDeserialize(e);
        }
    }

    private static MessageFormatException cannotDeserialize(Exception e) {
        MessageFormatException failure = new MessageFormatException("Cannot deserialize the object of this "
                + "ObjectMessage: " + e + "; its classes must be visible to the receiving application");
        failure.setLinkedException(e);
        failure.initCause(e);
        return failure;
    }

    /** Resolves classes through the thread's context class loader first: the application's classes, in a container. */
    private static final class ApplicationObjectInputStream extends ObjectInputStream {

        ApplicationObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException notThere) {
                    // fall back to the default resolution below
                }
            }
            return super.resolveClass(desc);
        }
    }
}
