package org.ferrymq.appserver.payara;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.ferrymq.appserver.TransactionProbe;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Proves the harness: Payara starts from the unpacked distribution, takes a deployment, and
 * runs a stateless bean's method in a JTA transaction it commits or rolls back. These tests run
 * inside the server (Arquillian's default, testable deployment).
 */
@ExtendWith(ArquillianExtension.class)
class PayaraTransactionSmokeIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "transaction-smoke.war")
                .addClass(TransactionProbe.class);
    }

    @EJB
    private TransactionProbe probe;

    @Resource(lookup = "java:comp/TransactionSynchronizationRegistry")
    private TransactionSynchronizationRegistry transactions;

    @Test
    void statelessBeanRunsInAContainerManagedTransactionThatCommits() {
        assertEquals(Status.STATUS_NO_TRANSACTION, transactions.getTransactionStatus(),
                "the test method itself runs outside any transaction");
        List<Integer> outcomes = new ArrayList<>();

        int statusDuringCall = probe.runTransaction(outcomes, false);

        assertEquals(Status.STATUS_ACTIVE, statusDuringCall);
        assertEquals(List.of(Status.STATUS_COMMITTED), outcomes);
    }

    @Test
    void transactionMarkedRollbackOnlyRollsBack() {
        List<Integer> outcomes = new ArrayList<>();

        int statusDuringCall = probe.runTransaction(outcomes, true);

        assertEquals(Status.STATUS_MARKED_ROLLBACK, statusDuringCall);
        assertEquals(List.of(Status.STATUS_ROLLEDBACK), outcomes);
    }
}
