package org.ferrymq.client.message;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ferrymq.api.LargeMessages;
import org.ferrymq.client.FerryDestination;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.codec.ValueConversions;

/**
 * A FerryMQ message without a body, and the headers and properties every message type
 * shares. Not thread-safe, like the session it belongs to.
 *
 * <p>A message travels as an immutable {@link MessageData}: {@link #snapshot} takes one on
 * send, {@link #fromData} builds the received message around one. A received message
 * shares the snapshot's property map and body instead of copying them: they are read-only
 * until {@link #clearProperties}/{@link #clearBody}, which start from empty, so nothing the
 * application does can write through to the shared data.
 *
 * <p>{@code JMSXDeliveryCount} and {@code JMSRedelivered} belong to a delivery, not to the
 * message: the count is kept apart from the property map (it is shown as a property but
 * never part of a snapshot).
 */
public class FerryMessage implements Message {

    // headers
    private String messageId;
    private long timestamp;
    /** As set, or the bytes given to setJMSCorrelationIDAsBytes read as ISO-8859-1 (a lossless mapping). */
    private String correlationId;
    private boolean correlationIdIsBytes;
    /** The JMSDestination as set; on a received message made from {@link #destinationName} when first asked. */
    private Destination destination;
    private DestinationName destinationName;
    private Destination replyTo;
    private DestinationName replyToName;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private boolean redelivered;
    private String type;
    private long expiration;
    private long deliveryTime;
    private int priority = Message.DEFAULT_PRIORITY;

    // properties
    /** Never null; when not owned it is shared and immutable, and is copied before the first write. */
    private Map<String, Object> properties = Collections.emptyMap();
    private boolean propertiesOwned;
    private boolean propertiesReadOnly;
    /** JMSXDeliveryCount, or null when absent. */
    private Integer deliveryCount;

    /**
     * Whether the body is read-only: on a received message, and for BytesMessage and
     * StreamMessage after {@code reset()} (their read mode). {@link #clearBody} clears it.
     */
    boolean bodyReadOnly;

    private AcknowledgeCallback acknowledgeCallback;

    /** A new, writable message without a body. */
    public FerryMessage() {
    }

    // ---- the wire form ----

    /**
     * The immutable snapshot of this message as it is now, for sending. Works whatever mode
     * the body is in and leaves the message unchanged: the application may keep using it.
     *
     * @throws JMSException if JMSDestination or JMSReplyTo is another provider's destination
     *         that is neither a Queue nor a Topic
     */
    public MessageData snapshot(String senderConnectionId) throws JMSException {
        return MessageData.builder(bodyType())
                .messageId(messageId)
                .timestamp(timestamp)
                .correlationId(correlationId, correlationIdIsBytes)
                .destination(destination != null ? FerryDestination.nameOf(destination) : destinationName)
                .replyTo(replyTo != null ? FerryDestination.nameOf(replyTo) : replyToName)
                .deliveryMode(deliveryMode)
                .type(type)
                .expiration(expiration)
                .deliveryTime(deliveryTime)
                .priority(priority)
                .properties(propertiesSnapshot())
                .body(bodySnapshot())
                .senderConnectionId(senderConnectionId)
                .build();
    }

    private Map<String, Object> propertiesSnapshot() {
        if (properties.isEmpty()) {
            return null;
        }
        // a shared map is immutable already (a received message sent on, typically)
        return propertiesOwned ? new LinkedHashMap<>(properties) : properties;
    }

    /**
     * The message a consumer receives: headers and properties from the snapshot,
     * JMSRedelivered when {@code deliveryCount > 1}, properties and body read-only, a bytes or
     * stream body ready to read from its start. Cheap: the snapshot's data is shared, not copied.
     * An object body is read with the JVM-wide {@link ObjectMessageFilter} lists.
     */
    public static FerryMessage fromData(MessageData data, int deliveryCount) {
        return fromData(data, deliveryCount, null);
    }

    /** As {@link #fromData(MessageData, int)}, an object body read with {@code objectFilter}'s lists (null: the JVM-wide ones). */
    public static FerryMessage fromData(MessageData data, int deliveryCount, ObjectMessageFilter objectFilter) {
        FerryMessage message = switch (data.bodyType()) {
            case MESSAGE -> new FerryMessage();
            case TEXT -> new FerryTextMessage();
            case BYTES -> new FerryBytesMessage();
            case MAP -> new FerryMapMessage();
            case STREAM -> new FerryStreamMessage();
            case OBJECT -> new FerryObjectMessage(objectFilter);
        };
        message.messageId = data.messageId();
        message.timestamp = data.timestamp();
        message.correlationId = data.correlationId();
        message.correlationIdIsBytes = data.correlationIdIsBytes() && data.correlationId() != null;
        message.destinationName = data.destination();
        message.replyToName = data.replyTo();
        message.deliveryMode = data.deliveryMode();
        message.type = data.type();
        message.expiration = data.expiration();
        message.deliveryTime = data.deliveryTime();
        message.priority = data.priority();
        message.properties = data.properties();
        message.propertiesOwned = false;
        message.propertiesReadOnly = true;
        message.deliveryCount = deliveryCount > 0 ? deliveryCount : null;
        message.redelivered = deliveryCount > 1;
        message.receiveBody(data.body());
        message.bodyReadOnly = true;
        return message;
    }

    /**
     * A FerryMQ message of the matching type holding another provider's message: headers,
     * properties and body. Reading the body resets a foreign BytesMessage or StreamMessage,
     * which is left in read-only mode at its start. A JMSReplyTo that is neither a Queue nor
     * a Topic is dropped, as the Message javadoc permits.
     */
    public static FerryMessage copyOfForeign(Message foreign) throws JMSException {
        FerryMessage copy;
        if (foreign instanceof TextMessage text) {
            copy = new FerryTextMessage(text.getText());
        } else if (foreign instanceof BytesMessage bytes) {
            copy = FerryBytesMessage.copyOf(bytes);
        } else if (foreign instanceof MapMessage map) {
            FerryMapMessage mapCopy = new FerryMapMessage();
            for (Enumeration<?> names = map.getMapNames(); names.hasMoreElements();) {
                String name = (String) names.nextElement();
                mapCopy.setObject(name, map.getObject(name));
            }
            copy = mapCopy;
        } else if (foreign instanceof StreamMessage stream) {
            copy = FerryStreamMessage.copyOf(stream);
        } else if (foreign instanceof ObjectMessage object) {
            copy = new FerryObjectMessage(object.getObject());
        } else {
            copy = new FerryMessage();
        }
        copy.messageId = foreign.getJMSMessageID();
        copy.timestamp = foreign.getJMSTimestamp();
        copy.correlationId = foreign.getJMSCorrelationID();
        if (copy.correlationId == null) {
            copy.setJMSCorrelationIDAsBytes(foreignCorrelationIdBytes(foreign));
        }
        copy.destination = foreign.getJMSDestination();
        copy.replyTo = foreignReplyTo(foreign.getJMSReplyTo());
        copy.deliveryMode = foreign.getJMSDeliveryMode();
        copy.redelivered = foreign.getJMSRedelivered();
        copy.type = foreign.getJMSType();
        copy.expiration = foreign.getJMSExpiration();
        copy.deliveryTime = foreign.getJMSDeliveryTime();
        copy.priority = foreign.getJMSPriority();
        for (Enumeration<?> names = foreign.getPropertyNames(); names.hasMoreElements();) {
            String name = (String) names.nextElement();
            copy.setObjectProperty(name, foreign.getObjectProperty(name));
        }
        return copy;
    }

    /** A provider without native correlation IDs may refuse the bytes form: then there are none. */
    private static byte[] foreignCorrelationIdBytes(Message foreign) {
        try {
            return foreign.getJMSCorrelationIDAsBytes();
        } catch (JMSException | UnsupportedOperationException notSupported) {
            return null;
        }
    }

    private static Destination foreignReplyTo(Destination replyTo) {
        try {
            FerryDestination.nameOf(replyTo);
            return replyTo;
        } catch (JMSException notQueueNorTopic) {
            return null;
        }
    }

    // ---- hooks for the body types ----

    MessageData.BodyType bodyType() {
        return MessageData.BodyType.MESSAGE;
    }

    /** The body in its MessageData form (see MessageData's class comment); must not change afterwards. */
    Object bodySnapshot() throws JMSException {
        return null;
    }

    /**
     * {@link LargeMessages#INPUT_STREAM} or {@link LargeMessages#SAVE_STREAM} set to
     * {@code value}: only a BytesMessage has a body to stream.
     */
    void streamProperty(String name, Object value) throws JMSException {
        throw new MessageFormatException("'" + name + "' streams the body of a BytesMessage; this "
                + getClass().getSimpleName().replace("Ferry", "") + " has none to stream");
    }

    /** Takes the body of a received snapshot, shared and read-only. */
    void receiveBody(Object body) {
    }

    void checkBodyWritable() throws MessageNotWriteableException {
        if (bodyReadOnly) {
            throw new MessageNotWriteableException("The body of this " + getClass().getSimpleName()
                    + " is read-only (a received message, or reset() was called); call clearBody() to write it again");
        }
    }

    /** Returns the body if it can be assigned to {@code c}, as getBody requires. */
    static <T> T bodyAs(Object body, Class<T> c, String messageType) throws MessageFormatException {
        if (!c.isInstance(body)) {
            throw notAssignable(messageType, body.getClass().getName(), c);
        }
        return c.cast(body);
    }

    static MessageFormatException notAssignable(String messageType, String bodyClass, Class<?> c) {
        return new MessageFormatException("The body of this " + messageType + " is a " + bodyClass
                + " and cannot be returned as " + c.getName());
    }

    // ---- body ----

    @Override
    public void clearBody() throws JMSException {
        bodyReadOnly = false;
    }

    /** A message without a body: any type may be asked for, and null is returned. */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        return null;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public boolean isBodyAssignableTo(Class c) throws JMSException {
        return true;
    }

    // ---- acknowledgement ----

    /** Set by the session for messages received in CLIENT_ACKNOWLEDGE mode. */
    public void setAcknowledgeCallback(AcknowledgeCallback callback) {
        this.acknowledgeCallback = callback;
    }

    /** Acknowledges through the session in CLIENT_ACKNOWLEDGE mode; ignored otherwise, as the spec says. */
    @Override
    public void acknowledge() throws JMSException {
        AcknowledgeCallback callback = acknowledgeCallback;
        if (callback != null) {
            callback.acknowledge();
        }
    }

    // ---- headers ----

    @Override
    public String getJMSMessageID() {
        return messageId;
    }

    @Override
    public void setJMSMessageID(String id) {
        this.messageId = id;
    }

    @Override
    public long getJMSTimestamp() {
        return timestamp;
    }

    @Override
    public void setJMSTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    /** The bytes given to {@link #setJMSCorrelationIDAsBytes}, or null when the ID was set as a String. */
    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        return correlationIdIsBytes ? correlationId.getBytes(StandardCharsets.ISO_8859_1) : null;
    }

    @Override
    public void setJMSCorrelationIDAsBytes(byte[] correlationId) {
        this.correlationId = correlationId == null ? null : new String(correlationId, StandardCharsets.ISO_8859_1);
        this.correlationIdIsBytes = correlationId != null;
    }

    @Override
    public void setJMSCorrelationID(String correlationId) {
        this.correlationId = correlationId;
        this.correlationIdIsBytes = false;
    }

    /** The ID as set; an ID set as bytes reads as those bytes decoded as ISO-8859-1. */
    @Override
    public String getJMSCorrelationID() {
        return correlationId;
    }

    @Override
    public Destination getJMSReplyTo() {
        if (replyTo == null && replyToName != null) {
            replyTo = FerryDestination.of(replyToName);
        }
        return replyTo;
    }

    @Override
    public void setJMSReplyTo(Destination replyTo) {
        this.replyTo = replyTo;
        this.replyToName = null;
    }

    @Override
    public Destination getJMSDestination() {
        if (destination == null && destinationName != null) {
            destination = FerryDestination.of(destinationName);
        }
        return destination;
    }

    @Override
    public void setJMSDestination(Destination destination) {
        this.destination = destination;
        this.destinationName = null;
    }

    @Override
    public int getJMSDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public void setJMSDeliveryMode(int deliveryMode) {
        this.deliveryMode = deliveryMode;
    }

    @Override
    public boolean getJMSRedelivered() {
        return redelivered;
    }

    @Override
    public void setJMSRedelivered(boolean redelivered) {
        this.redelivered = redelivered;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public void setJMSType(String type) {
        this.type = type;
    }

    @Override
    public long getJMSExpiration() {
        return expiration;
    }

    @Override
    public void setJMSExpiration(long expiration) {
        this.expiration = expiration;
    }

    @Override
    public long getJMSDeliveryTime() {
        return deliveryTime;
    }

    @Override
    public void setJMSDeliveryTime(long deliveryTime) {
        this.deliveryTime = deliveryTime;
    }

    @Override
    public int getJMSPriority() {
        return priority;
    }

    @Override
    public void setJMSPriority(int priority) {
        this.priority = priority;
    }

    // ---- properties ----

    @Override
    public void clearProperties() {
        properties = Collections.emptyMap();
        propertiesOwned = false;
        propertiesReadOnly = false;
        deliveryCount = null;
    }

    @Override
    public boolean propertyExists(String name) {
        if (name == null) {
            return false;
        }
        if (PropertyValues.JMSX_DELIVERY_COUNT.equals(name)) {
            return deliveryCount != null;
        }
        return properties.containsKey(name);
    }

    /** The names of all properties, JMSXDeliveryCount included on a received message; no header names. */
    @Override
    public Enumeration<String> getPropertyNames() {
        List<String> names = new ArrayList<>(properties.size() + 1);
        names.addAll(properties.keySet());
        if (deliveryCount != null) {
            names.add(PropertyValues.JMSX_DELIVERY_COUNT);
        }
        return Collections.enumeration(names);
    }

    private Object property(String name) {
        if (name == null) {
            return null;
        }
        if (PropertyValues.JMSX_DELIVERY_COUNT.equals(name)) {
            return deliveryCount;
        }
        return properties.get(name);
    }

    @Override
    public Object getObjectProperty(String name) {
        return property(name); // property values are immutable boxes and Strings: no copy needed
    }

    @Override
    public boolean getBooleanProperty(String name) throws JMSException {
        return ValueConversions.getBoolean(property(name));
    }

    @Override
    public byte getByteProperty(String name) throws JMSException {
        return ValueConversions.getByte(property(name));
    }

    @Override
    public short getShortProperty(String name) throws JMSException {
        return ValueConversions.getShort(property(name));
    }

    @Override
    public int getIntProperty(String name) throws JMSException {
        return ValueConversions.getInt(property(name));
    }

    @Override
    public long getLongProperty(String name) throws JMSException {
        return ValueConversions.getLong(property(name));
    }

    @Override
    public float getFloatProperty(String name) throws JMSException {
        return ValueConversions.getFloat(property(name));
    }

    @Override
    public double getDoubleProperty(String name) throws JMSException {
        return ValueConversions.getDouble(property(name));
    }

    @Override
    public String getStringProperty(String name) throws JMSException {
        return ValueConversions.getString(property(name));
    }

    @Override
    public void setObjectProperty(String name, Object value) throws JMSException {
        if (LargeMessages.INPUT_STREAM.equals(name) || LargeMessages.SAVE_STREAM.equals(name)) {
            streamProperty(name, value); // not a property: a way to the body (also of a received message)
            return;
        }
        if (propertiesReadOnly) {
            throw new MessageNotWriteableException("The properties of a received message are read-only; "
                    + "call clearProperties() before setting property '" + name + "'");
        }
        PropertyValues.checkProperty(name, value);
        if (PropertyValues.JMSX_DELIVERY_COUNT.equals(name)) {
            deliveryCount = (Integer) value;
            return;
        }
        if (!propertiesOwned) {
            properties = new LinkedHashMap<>(properties);
            propertiesOwned = true;
        }
        properties.put(name, value);
    }

    @Override
    public void setBooleanProperty(String name, boolean value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setByteProperty(String name, byte value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setShortProperty(String name, short value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setIntProperty(String name, int value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setLongProperty(String name, long value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setFloatProperty(String name, float value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setDoubleProperty(String name, double value) throws JMSException {
        setObjectProperty(name, value);
    }

    @Override
    public void setStringProperty(String name, String value) throws JMSException {
        setObjectProperty(name, value);
    }

    // ----

    static MessageEOFException endOfBody(String messageType, String detail) {
        return new MessageEOFException("The end of the " + messageType + " body has been reached: " + detail
                + "; call reset() to read it again from the start");
    }

    @Override
    public String toString() {
        Object shownDestination = destination != null ? destination : destinationName;
        return getClass().getSimpleName() + "[messageId=" + messageId + ", destination=" + shownDestination + "]";
    }
}
