package org.ferrymq.client;

import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueConnectionFactory;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicConnectionFactory;

/**
 * The connection factory for distributed (XA) transactions: its connections make XA
 * sessions whose {@code XAResource} a transaction manager enlists. Configured by the same URL
 * as {@link FerryConnectionFactory}, and a plain connection factory as well.
 */
public class FerryXAConnectionFactory extends FerryConnectionFactory
        implements XAQueueConnectionFactory, XATopicConnectionFactory {

    private static final long serialVersionUID = 1L;

    public FerryXAConnectionFactory(String url) {
        super(url);
    }

    @Override
    public XAConnection createXAConnection() throws JMSException {
        return connectXa(parsedUrl().user(), parsedUrl().password(), FerryConnection.Domain.UNIFIED);
    }

    @Override
    public XAConnection createXAConnection(String user, String password) throws JMSException {
        return connectXa(user, password, FerryConnection.Domain.UNIFIED);
    }

    @Override
    public XAQueueConnection createXAQueueConnection() throws JMSException {
        return connectXa(parsedUrl().user(), parsedUrl().password(), FerryConnection.Domain.QUEUE);
    }

    @Override
    public XAQueueConnection createXAQueueConnection(String user, String password) throws JMSException {
        return connectXa(user, password, FerryConnection.Domain.QUEUE);
    }

    @Override
    public XATopicConnection createXATopicConnection() throws JMSException {
        return connectXa(parsedUrl().user(), parsedUrl().password(), FerryConnection.Domain.TOPIC);
    }

    @Override
    public XATopicConnection createXATopicConnection(String user, String password) throws JMSException {
        return connectXa(user, password, FerryConnection.Domain.TOPIC);
    }

    @Override
    public XAJMSContext createXAContext() {
        return createXAContext(parsedUrl().user(), parsedUrl().password());
    }

    @Override
    public XAJMSContext createXAContext(String userName, String password) {
        try {
            return new FerryXAJMSContext(connectXa(userName, password, FerryConnection.Domain.UNIFIED));
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    private FerryXAConnection connectXa(String user, String password, FerryConnection.Domain domain)
            throws JMSException {
        ConnectionUrl u = parsedUrl();
        FerryXAConnection connection = new FerryXAConnection(transport(), u.prefetch(), u.objectMessageFilter(),
                u.duplicateDetection(), domain, u.scheme() + "://" + u.name());
        connection.largeMessageThreshold = u.largeMessageThreshold();
        return FerryConnection.open(connection, user, password, u.clientId());
    }

    @Override
    public String toString() {
        return "FerryXAConnectionFactory[" + parsedUrl() + "]"; // the URL without its passwords
    }
}
