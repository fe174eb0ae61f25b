package org.ferrymq.client;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TopicSession;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.XAQueueSession;
import jakarta.jms.XATopicSession;
import javax.transaction.xa.XAResource;

/**
 * A session whose work belongs to the XA transaction branch its {@link #getXAResource()
 * XAResource} is associated with: sends become visible and receives are acknowledged only
 * when the transaction manager commits. Outside a branch it works like an
 * {@code AUTO_ACKNOWLEDGE} session. Local {@code commit()} and {@code rollback()} are refused
 * with {@link TransactionInProgressException}, as the spec says.
 */
public final class FerryXASession extends FerrySession implements XAQueueSession, XATopicSession {

    private final FerryXAResource resource;

    FerryXASession(FerryXAConnection connection, long id, FerryConnection.Domain domain) {
        super(connection, id, Session.AUTO_ACKNOWLEDGE, domain);
        this.resource = new FerryXAResource(this, connection.resourceManager);
    }

    @Override
    public XAResource getXAResource() {
        return resource;
    }

    /** Whether a transaction branch is associated with the session now. */
    public boolean inTransaction() {
        return xaAssociated;
    }

    @Override
    public Session getSession() throws JMSException {
        checkOpen();
        return this;
    }

    @Override
    public QueueSession getQueueSession() throws JMSException {
        checkOpen();
        return this;
    }

    @Override
    public TopicSession getTopicSession() throws JMSException {
        checkOpen();
        return this;
    }

    @Override
    public boolean getTransacted() throws JMSException {
        checkOpen();
        return true;
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        checkOpen();
        return Session.SESSION_TRANSACTED;
    }

    @Override
    public void commit() throws JMSException {
        checkOpen();
        throw new TransactionInProgressException("An XASession is committed by its transaction manager through "
                + "its XAResource, not with Session.commit()");
    }

    @Override
    public void rollback() throws JMSException {
        checkOpen();
        throw new TransactionInProgressException("An XASession is rolled back by its transaction manager through "
                + "its XAResource, not with Session.rollback()");
    }

    @Override
    public void recover() throws JMSException {
        checkOpen();
        if (xaAssociated) {
            throw new IllegalStateException("recover() is not for a session in an XA transaction; the transaction "
                    + "manager rolls the transaction back to have its messages delivered again");
        }
        super.recover();
    }

    @Override
    public String toString() {
        return "FerryXASession[" + id + " of " + connection + "]";
    }
}
