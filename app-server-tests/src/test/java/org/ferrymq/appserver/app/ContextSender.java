package org.ferrymq.appserver.app;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;

/**
 * Sends to the orders queue with the simplified API, in the caller's container-managed JTA
 * transaction (REQUIRED: each call from the test is its own transaction): through a JMSContext
 * the server injects (its CDI support calls {@code createContext} on the adapter's connection
 * factory), or through one the bean makes with {@code factory.createContext()} and closes.
 */
@Stateless
public class ContextSender {

    @Inject
    @JMSConnectionFactory(Names.CONNECTION_FACTORY)
    private JMSContext injected;

    @Resource(lookup = Names.CONNECTION_FACTORY)
    private ConnectionFactory factory;

    @Resource(lookup = Names.ORDERS)
    private Queue orders;

    @Resource
    private SessionContext ejb;

    public void withInjectedContext(String text, boolean rollbackOnly) {
        injected.createProducer().send(orders, text);
        if (rollbackOnly) {
            ejb.setRollbackOnly();
        }
    }

    public void withCreatedContext(String text, boolean rollbackOnly) {
        try (JMSContext context = factory.createContext()) {
            context.createProducer().send(orders, text);
        }
        if (rollbackOnly) {
            ejb.setRollbackOnly();
        }
    }

    /**
     * How a context made in the transaction describes itself and answers a local commit: its
     * session mode (asked for as CLIENT_ACKNOWLEDGE) and the simple name of what commit() threw.
     */
    public String createdContextInTransaction() {
        try (JMSContext context = factory.createContext(JMSContext.CLIENT_ACKNOWLEDGE)) {
            String mode = context.getSessionMode() == JMSContext.SESSION_TRANSACTED ? "SESSION_TRANSACTED"
                    : String.valueOf(context.getSessionMode());
            try {
                context.commit();
                return mode + ", commit accepted";
            } catch (JMSRuntimeException e) {
                return mode + ", " + e.getClass().getSimpleName();
            }
        }
    }
}
