package org.ferrymq.appserver.app;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;

/**
 * Sends through the resource adapter's connection factory in the caller's container-managed
 * JTA transaction (REQUIRED: each call from the test is its own transaction).
 */
@Stateless
public class Sender {

    @Resource(lookup = Names.CONNECTION_FACTORY)
    private ConnectionFactory factory;

    @Resource(lookup = Names.ORDERS)
    private Queue orders;

    @Resource(lookup = Names.FLAKY)
    private Queue flaky;

    @Resource(lookup = Names.NEWS)
    private Topic news;

    @Resource
    private SessionContext context;

    public void toOrders(String text, boolean rollbackOnly) throws JMSException {
        send(orders, text);
        if (rollbackOnly) {
            context.setRollbackOnly();
        }
    }

    public void toFlaky(String text) throws JMSException {
        send(flaky, text);
    }

    public void toNews(String text) throws JMSException {
        send(news, text);
    }

    private void send(Destination destination, String text) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            session.createProducer(destination).send(session.createTextMessage(text));
        }
    }
}
