package org.ferrymq.appserver.app;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Archives bulletins: a durable subscription (named by physical destination, no admin object)
 * whose every message is forwarded to the queue {@value Bulletins#ARCHIVE}, in the delivery's
 * transaction. It is deployed on its own, so that a test can undeploy and redeploy it while
 * bulletins are published.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destination", propertyValue = Bulletins.TOPIC),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
        @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "Durable"),
        @ActivationConfigProperty(propertyName = "subscriptionName", propertyValue = "bulletin-archive"),
        @ActivationConfigProperty(propertyName = "clientId", propertyValue = "bulletin-archive")})
public class BulletinArchive implements MessageListener {

    @Resource(lookup = Names.CONNECTION_FACTORY)
    private ConnectionFactory factory;

    @Override
    public void onMessage(Message message) {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            String text = ((TextMessage) message).getText();
            session.createProducer(session.createQueue(Bulletins.ARCHIVE)).send(session.createTextMessage(text));
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
