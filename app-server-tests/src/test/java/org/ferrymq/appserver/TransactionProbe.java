package org.ferrymq.appserver;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.List;

/**
 * A stateless bean whose one method runs in a container-managed JTA transaction, so a test can
 * see that the server's transaction manager started it and how it ended. The smoke tests of
 * every server deploy it; the resource adapter's tests will send and receive inside such calls.
 */
@Stateless
public class TransactionProbe {

    @Resource
    private TransactionSynchronizationRegistry transactions;

    /**
     * Runs in a new transaction, records its outcome (a {@link jakarta.transaction.Status}
     * value) into {@code outcomes} once it has completed, and returns its status during the call.
     * The list is the caller's own: a local no-interface call passes it by reference.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int runTransaction(List<Integer> outcomes, boolean rollbackOnly) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                outcomes.add(status);
            }
        });
        if (rollbackOnly) {
            transactions.setRollbackOnly();
        }
        return transactions.getTransactionStatus();
    }
}
