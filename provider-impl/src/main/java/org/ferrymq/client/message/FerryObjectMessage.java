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
 */
public class FerryObjectMessage extends FerryMessage implements ObjectMessage {

    /** The serialized object, never written to once set; null when there is no object. */
    private byte[] serialized;

    /** A new, writable message without an object. */
    public FerryObjectMessage() {
    }

    /** A new, writable message holding a serialized copy of {@code object}. */
    public FerryObjectMessage(Serializable object) throws JMSException {
        setObject(object);
    }

    @Override
    public void setObject(Serializable object) throws JMSException {
        checkBodyWritable();
        serialized = object == null ? null : serialize(object);
    }

    @Override
    public Serializable getObject() throws JMSException {
        return serialized == null ? null : deserialize(serialized);
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        serialized = null;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        return serialized == null ? null : bodyAs(deserialize(serialized), c, "ObjectMessage");
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) {
        if (serialized == null) {
            return true;
        }
        try {
            return c.isInstance(deserialize(serialized));
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

    private static Serializable deserialize(byte[] serialized) throws MessageFormatException {
        try (ObjectInputStream in = new ApplicationObjectInputStream(new ByteArrayInputStream(serialized))) {
            return (Serializable) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            MessageFormatException failure = new MessageFormatException("Cannot deserialize the object of this "
                    + "ObjectMessage: " + e + "; its classes must be visible to the receiving application");
            failure.setLinkedException(e);
            failure.initCause(e);
            throw failure;
        }
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
