package org.ferrymq.appserver.app;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/** Publishes bulletins, and takes what {@link BulletinArchive} archived. */
@Stateless
public class Bulletins {

    /** The topic's physical name. */
    public static final String TOPIC = "bulletins";
    /** The queue {@link BulletinArchive} forwards to. */
    public static final String ARCHIVE = "bulletin-archive";

    @Resource(lookup = Names.CONNECTION_FACTORY)
    private ConnectionFactory factory;

    public void publish(String text) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            session.createProducer(session.createTopic(TOPIC)).send(session.createTextMessage(text));
        }
    }

    /** The next archived bulletin, waiting up to {@code seconds}; null if none came. Outside a transaction: received is consumed. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String takeArchived(int seconds) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            MessageConsumer consumer = session.createConsumer(session.createQueue(ARCHIVE));
            connection.start();
            Message message = consumer.receive(seconds * 1000L);
            return message == null ? null : ((TextMessage) message).getText();
        }
    }
}
