package org.ferrymq.client;

import jakarta.jms.JMSException;
import jakarta.jms.XAQueueConnection;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XASession;
import jakarta.jms.XATopicConnection;
import jakarta.jms.XATopicSession;
import org.ferrymq.client.message.ObjectMessageFilter;
import org.ferrymq.protocol.Transport;

/**
 * A connection whose XA sessions take part in distributed transactions. It also makes plain
 * sessions, as any connection does.
 */
public final class FerryXAConnection extends FerryConnection implements XAQueueConnection, XATopicConnection {

    /** Names the broker: two resources with the same name are the same resource manager. */
    final String resourceManager;

    FerryXAConnection(Transport transport, int prefetch, ObjectMessageFilter objectMessageFilter,
            boolean duplicateDetection, Domain domain, String resourceManager) {
        super(transport, prefetch, objectMessageFilter, duplicateDetection, domain);
        this.resourceManager = resourceManager;
    }

    @Override
    public XASession createXASession() throws JMSException {
        return newXaSession(Domain.UNIFIED);
    }

    @Override
    public XAQueueSession createXAQueueSession() throws JMSException {
        return newXaSession(Domain.QUEUE);
    }

    @Override
    public XATopicSession createXATopicSession() throws JMSException {
        return newXaSession(Domain.TOPIC);
    }

    private FerryXASession newXaSession(Domain sessionDomain) throws JMSException {
        checkOpen();
        return addSession(new FerryXASession(this, nextId(), sessionDomain));
    }
}
