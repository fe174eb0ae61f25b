package org.ferrymq.client.message;

import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import org.ferrymq.protocol.MessageData;

/** A message whose body is a String (or null: no body). */
public class FerryTextMessage extends FerryMessage implements TextMessage {

    private String text;

    /** A new, writable message without text. */
    public FerryTextMessage() {
    }

    /** A new, writable message holding {@code text}. */
    public FerryTextMessage(String text) {
        this.text = text;
    }

    @Override
    public void setText(String text) throws JMSException {
        checkBodyWritable();
        this.text = text;
    }

    @Override
    public String getText() {
        return text;
    }

    @Override
    public void clearBody() throws JMSException {
        super.clearBody();
        text = null;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        return text == null ? null : bodyAs(text, c, "TextMessage");
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public boolean isBodyAssignableTo(Class c) {
        return text == null || c.isAssignableFrom(String.class);
    }

    @Override
    MessageData.BodyType bodyType() {
        return MessageData.BodyType.TEXT;
    }

    @Override
    Object bodySnapshot() {
        return text;
    }

    @Override
    void receiveBody(Object body) {
        text = (String) body;
    }
}
