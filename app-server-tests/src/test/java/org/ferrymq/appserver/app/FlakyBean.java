package org.ferrymq.appserver.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/**
 * Fails the first delivery of every message with a system exception: the container rolls the
 * transaction back, and the message must come again, flagged as redelivered.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = Names.FLAKY),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue")})
public class FlakyBean implements MessageListener {

    @Override
    public void onMessage(Message message) {
        try {
            boolean redelivered = message.getJMSRedelivered();
            Received.record("flaky", ((TextMessage) message).getText(), redelivered);
            if (!redelivered) {
                throw new IllegalStateException("first delivery of a flaky message fails on purpose");
            }
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
