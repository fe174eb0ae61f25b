package org.ferrymq.client.message;

import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.MessageFormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.codec.ValueConversions;

/**
 * A message whose body is a set of named, typed values, read with the conversions of
 * table 3.11.3. Values are kept as set (boxed primitives, Strings, byte[] copies, nulls);
 * a name that has not been set reads as a null value.
 */
public class FerryMapMessage extends FerryMessage implements MapMessage {

    /** Never null; when not owned it is immutable (a received body) and copied before the first write. */
    private Map<String, Object> map = Collections.emptyMap();
    private boolean mapOwned;

    /** A new, writable message with an empty map. */
    public FerryMapMessage() {
    }

    // ---- reading ----

    private Object value(String name) {
        return name == null ? null : map.get(name);
    }

    @Override
    public boolean getBoolean(String name) throws JMSException {
        return ValueConversions.getBoolean(value(name));
    }

    @Override
    public byte getByte(String name) throws JMSException {
        return ValueConversions.getByte(value(name));
    }

    @Override
    public short getShort(String name) throws JMSException {
        return ValueConversions.getShort(value(name));
    }

    @Override
    public char getChar(String name) throws JMSException {
        return ValueConversions.getChar(value(name));
    }

    @Override
    public int getInt(String name) throws JMSException {
        return ValueConversions.getInt(value(name));
    }

    @Override
    public long getLong(String name) throws JMSException {
        return ValueConversions.getLong(value(name));
    }

    @Override
    public float getFloat(String name) throws JMSException {
        return ValueConversions.getFloat(value(name));
    }

    @Override
    public double getDouble(String name) throws JMSException {
        return ValueConversions.getDouble(value(name));
    }

    @Override
    public String getString(String name) throws JMSException {
        return ValueConversions.getString(value(name));
    }

    /** A copy of the byte[] value; null if the name is not set. */
    @Override
    public byte[] getBytes(String name) throws JMSException {
        return ValueConversions.getBytes(value(name));
    }

    /** The value as set (a byte[] value as a new copy). */
    @Override
    public Object getObject(String name) {
        Object value = value(name);
        return value instanceof byte[] bytes ? bytes.clone() : value;
    }

    @Override
    public Enumeration<String> getMapNames() {
        return Collections.enumeration(new ArrayList<>(map.keySet()));
    }

    @Override
    public boolean itemExists(String name) {
        return name != null && map.containsKey(name);
    }

    // ---- writing ----

    private static void checkItemName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A MapMessage name must not be " + (name == null ? "null" : "empty"));
        }
    }

    private void put(String name, Object value) throws JMSException {
        checkBodyWritable();
        checkItemName(name);
        if (!mapOwned) {
            map = new LinkedHashMap<>(map);
            mapOwned = true;
        }
        map.put(name, value);
    }

    @Override
    public void setBoolean(String name, boolean value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setByte(String name, byte value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setShort(String name, short value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setChar(String name, char value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setInt(String name, int value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setLong(String name, long value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setFloat(String name, float value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setDouble(String name, double value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setString(String name, String value) throws JMSException {
        put(name, value);
    }

    /** Stores a copy of {@code value}; null is stored as a null value. */
    @Override
    public void setBytes(String name, byte[] value) throws JMSException {
        put(name, value == null ? null : value.clone());
    }

    @Override
    public void setBytes(String name, byte[] value, int offset, int length) throws JMSException {
        Objects.checkFromIndexSize(offset, length, value.length);
        byte[] copy = new byte[length];
        System.arraycopy(value, offset, copy, 0, length);
        put(name, copy);
    }

    /** Stores a boxed primitive, a String, a byte[] (copied) or null. */
    @Override
    public void setObject(String name, Object value) throws JMSException {
        checkBodyWritable();
        checkItemName(name);
        PropertyValues.checkBodyValue(value);
        put(name, value instanceof byte[] bytes ? bytes.clone() : value);
    }

    // ---- the body as a whole ----

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        map = Collections.emptyMap();
        mapOwned = false;
    }

    /** A new, modifiable copy of the map (byte[] values copied); null when the map is empty. */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (map.isEmpty()) {
            return null;
        }
        if (!c.isAssignableFrom(Map.class)) {
            throw new MessageFormatException("The body of a MapMessage is a java.util.Map and cannot be returned as "
                    + c.getName());
        }
        Map<String, Object> copy = new LinkedHashMap<>(map);
        copy.replaceAll((name, value) -> value instanceof byte[] bytes ? bytes.clone() : value);
        return c.cast(copy);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public boolean isBodyAssignableTo(Class c) {
        return map.isEmpty() || c.isAssignableFrom(Map.class);
    }

    @Override
    MessageData.BodyType bodyType() {
        return MessageData.BodyType.MAP;
    }

    /**
     * An unmodifiable map; the byte[] values in it are the message's private copies, which
     * nobody writes to, so they are shared rather than copied again.
     */
    @Override
    Object bodySnapshot() {
        return mapOwned ? Collections.unmodifiableMap(new LinkedHashMap<>(map)) : map;
    }

    @Override
    @SuppressWarnings("unchecked")
    void receiveBody(Object body) {
        map = body == null ? Collections.emptyMap() : (Map<String, Object>) body;
        mapOwned = false;
    }
}
