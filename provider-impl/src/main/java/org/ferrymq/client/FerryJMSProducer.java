package org.ferrymq.client;

import static org.ferrymq.client.JmsExceptions.call;
import static org.ferrymq.client.JmsExceptions.run;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.Session;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ferrymq.client.message.PropertyValues;
import org.ferrymq.protocol.codec.ValueConversions;

/**
 * The simplified API's producer: send options, message properties and header values kept
 * here and applied to each message as it is sent, through the one producer without a
 * destination of its {@link ProducerSource} (a JMSContext). Cheap to create; it holds no
 * broker resource.
 *
 * <p>Properties follow the message property rules exactly (names, value types and the
 * conversion table of {@link PropertyValues}); a property or header value set here replaces
 * the one the message carries.
 */
public class FerryJMSProducer implements JMSProducer {

    private final ProducerSource context;

    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive = Message.DEFAULT_TIME_TO_LIVE;
    private long deliveryDelay = Message.DEFAULT_DELIVERY_DELAY;
    private boolean disableMessageId;
    private boolean disableMessageTimestamp;
    private CompletionListener completionListener;

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final Set<String> propertyNames = Collections.unmodifiableSet(properties.keySet());

    /** The JMSCorrelationID to set: a String or a byte[]; null until set here. */
    private Object correlationId;
    private boolean correlationIdSet;
    private String type;
    private boolean typeSet;
    private Destination replyTo;
    private boolean replyToSet;

    public FerryJMSProducer(ProducerSource context) {
        this.context = context;
    }

    // ---- sending ----

    @Override
    public JMSProducer send(Destination destination, Message message) {
        checkDestination(destination);
        if (message == null) {
            throw new MessageFormatRuntimeException("The message to send must not be null");
        }
        FerryMessageProducer producer = context.producer();
        FerryMessageProducer.SendOptions options = new FerryMessageProducer.SendOptions(deliveryMode, priority,
                timeToLive, deliveryDelay, disableMessageId, disableMessageTimestamp);
        run(() -> {
            applyTo(message);
            producer.send(destination, message, options, completionListener);
        });
        return this;
    }

    @Override
    public JMSProducer send(Destination destination, String body) {
        checkDestination(destination);
        Session session = context.session();
        return send(destination, call(() -> session.createTextMessage(body)));
    }

    @Override
    public JMSProducer send(Destination destination, Map<String, Object> body) {
        checkDestination(destination);
        Session session = context.session();
        MapMessage message = call(session::createMapMessage);
        if (body != null) {
            run(() -> {
                for (Map.Entry<String, Object> entry : body.entrySet()) {
                    message.setObject(entry.getKey(), entry.getValue());
                }
            });
        }
        return send(destination, message);
    }

    @Override
    public JMSProducer send(Destination destination, byte[] body) {
        checkDestination(destination);
        Session session = context.session();
        BytesMessage message = call(session::createBytesMessage);
        if (body != null) {
            run(() -> message.writeBytes(body));
        }
        return send(destination, message);
    }

    @Override
    public JMSProducer send(Destination destination, Serializable body) {
        checkDestination(destination);
        Session session = context.session();
        return send(destination, call(() -> session.createObjectMessage(body)));
    }

    private static void checkDestination(Destination destination) {
        if (destination == null) {
            throw new InvalidDestinationRuntimeException("The destination to send to must not be null");
        }
    }

    /** Sets this producer's properties and header values on the message, over its own. */
    private void applyTo(Message message) throws JMSException {
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            message.setObjectProperty(property.getKey(), property.getValue());
        }
        if (correlationIdSet) {
            if (correlationId instanceof byte[] bytes) {
                message.setJMSCorrelationIDAsBytes(bytes);
            } else {
                message.setJMSCorrelationID((String) correlationId);
            }
        }
        if (typeSet) {
            message.setJMSType(type);
        }
        if (replyToSet) {
            message.setJMSReplyTo(replyTo);
        }
    }

    // ---- send options ----

    @Override
    public JMSProducer setDisableMessageID(boolean value) {
        disableMessageId = value;
        return this;
    }

    @Override
    public boolean getDisableMessageID() {
        return disableMessageId;
    }

    @Override
    public JMSProducer setDisableMessageTimestamp(boolean value) {
        disableMessageTimestamp = value;
        return this;
    }

    @Override
    public boolean getDisableMessageTimestamp() {
        return disableMessageTimestamp;
    }

    @Override
    public JMSProducer setDeliveryMode(int deliveryMode) {
        this.deliveryMode = call(() -> FerryMessageProducer.checkDeliveryMode(deliveryMode));
        return this;
    }

    @Override
    public int getDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public JMSProducer setPriority(int priority) {
        this.priority = call(() -> FerryMessageProducer.checkPriority(priority));
        return this;
    }

    @Override
    public int getPriority() {
        return priority;
    }

    @Override
    public JMSProducer setTimeToLive(long timeToLive) {
        this.timeToLive = timeToLive;
        return this;
    }

    @Override
    public long getTimeToLive() {
        return timeToLive;
    }

    @Override
    public JMSProducer setDeliveryDelay(long deliveryDelay) {
        this.deliveryDelay = deliveryDelay;
        return this;
    }

    @Override
    public long getDeliveryDelay() {
        return deliveryDelay;
    }

    @Override
    public JMSProducer setAsync(CompletionListener completionListener) {
        this.completionListener = completionListener;
        return this;
    }

    @Override
    public CompletionListener getAsync() {
        return completionListener;
    }

    // ---- properties ----

    @Override
    public JMSProducer setProperty(String name, boolean value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, byte value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, short value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, int value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, long value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, float value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, double value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, String value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, Object value) {
        run(() -> PropertyValues.checkProperty(name, value)); // IllegalArgumentException for a bad name
        properties.put(name, value);
        return this;
    }

    @Override
    public JMSProducer clearProperties() {
        properties.clear();
        return this;
    }

    @Override
    public boolean propertyExists(String name) {
        return properties.containsKey(name);
    }

    @Override
    public Set<String> getPropertyNames() {
        return propertyNames;
    }

    @Override
    public Object getObjectProperty(String name) {
        return properties.get(name);
    }

    @Override
    public boolean getBooleanProperty(String name) {
        return call(() -> ValueConversions.getBoolean(properties.get(name)));
    }

    @Override
    public byte getByteProperty(String name) {
        return call(() -> ValueConversions.getByte(properties.get(name)));
    }

    @Override
    public short getShortProperty(String name) {
        return call(() -> ValueConversions.getShort(properties.get(name)));
    }

    @Override
    public int getIntProperty(String name) {
        return call(() -> ValueConversions.getInt(properties.get(name)));
    }

    @Override
    public long getLongProperty(String name) {
        return call(() -> ValueConversions.getLong(properties.get(name)));
    }

    @Override
    public float getFloatProperty(String name) {
        return call(() -> ValueConversions.getFloat(properties.get(name)));
    }

    @Override
    public double getDoubleProperty(String name) {
        return call(() -> ValueConversions.getDouble(properties.get(name)));
    }

    @Override
    public String getStringProperty(String name) {
        return call(() -> ValueConversions.getString(properties.get(name)));
    }

    // ---- header values ----

    @Override
    public JMSProducer setJMSCorrelationIDAsBytes(byte[] correlationID) {
        this.correlationId = correlationID == null ? null : correlationID.clone();
        this.correlationIdSet = true;
        return this;
    }

    /** The bytes given to {@link #setJMSCorrelationIDAsBytes}, or null when the ID was set as a String, as on a message. */
    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        return correlationId instanceof byte[] bytes ? bytes.clone() : null;
    }

    @Override
    public JMSProducer setJMSCorrelationID(String correlationID) {
        this.correlationId = correlationID;
        this.correlationIdSet = true;
        return this;
    }

    /** The ID as set; an ID set as bytes reads as those bytes decoded as ISO-8859-1, as on a message. */
    @Override
    public String getJMSCorrelationID() {
        if (correlationId instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        return (String) correlationId;
    }

    @Override
    public JMSProducer setJMSType(String type) {
        this.type = type;
        this.typeSet = true;
        return this;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public JMSProducer setJMSReplyTo(Destination replyTo) {
        this.replyTo = replyTo;
        this.replyToSet = true;
        return this;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }

    @Override
    public String toString() {
        return "JMSProducer of " + context;
    }
}
