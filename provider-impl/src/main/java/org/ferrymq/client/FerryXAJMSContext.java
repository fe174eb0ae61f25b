package org.ferrymq.client;

import jakarta.jms.JMSContext;
import jakarta.jms.XAJMSContext;
import javax.transaction.xa.XAResource;

/**
 * A JMSContext whose work belongs to the XA branch its {@link #getXAResource() XAResource} is
 * associated with. Its session mode is {@code SESSION_TRANSACTED}; {@code commit()} and
 * {@code rollback()} are refused with {@code TransactionInProgressRuntimeException}.
 */
public final class FerryXAJMSContext extends FerryJMSContext implements XAJMSContext {

    FerryXAJMSContext(FerryXAConnection connection) {
        super(new StandaloneSessionSource(connection, SESSION_TRANSACTED, true));
    }

    @Override
    public JMSContext getContext() {
        session(); // refuses a closed context
        return this;
    }

    @Override
    public XAResource getXAResource() {
        return ((FerryXASession) session()).getXAResource();
    }
}
