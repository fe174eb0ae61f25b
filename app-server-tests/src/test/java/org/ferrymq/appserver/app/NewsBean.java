package org.ferrymq.appserver.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/** Consumes the news topic through a durable subscription. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = Names.NEWS),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
        @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "Durable"),
        @ActivationConfigProperty(propertyName = "subscriptionName", propertyValue = "news-archive"),
        @ActivationConfigProperty(propertyName = "clientId", propertyValue = "app-server-tests")})
public class NewsBean implements MessageListener {

    @Override
    public void onMessage(Message message) {
        try {
            Received.record("news", ((TextMessage) message).getText(), message.getJMSRedelivered());
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
