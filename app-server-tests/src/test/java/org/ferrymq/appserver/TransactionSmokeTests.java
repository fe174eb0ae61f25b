package org.ferrymq.appserver;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
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
 * Proves a server's harness: the server starts from the unpacked distribution, takes a
 * deployment, and runs a stateless bean's method in a JTA transaction it commits or rolls back.
 * These tests run inside the server (Arquillian's default, testable deployment); each server's
 * profile runs them through its own subclass.
 */
@ExtendWith(ArquillianExtension.class)
public abstract class TransactionSmokeTests {

    @Deployment
    public static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "transaction-smoke.war")
                .addClasses(TransactionProbe.class, TransactionSmokeTests.class);
    }

    @EJB
    private TransactionProbe probe;

    @Resource(lookup = "java:comp/TransactionSynchronizationRegistry")
    private TransactionSynchronizationRegistry transactions;

    @Test
    public void statelessBeanRunsInAContainerManagedTransactionThatCommits() {
        assertEquals(Status.STATUS_NO_TRANSACTION, transactions.getTransactionStatus(),
                "the test method itself runs outside any transaction");
        List<Integer> outcomes = new ArrayList<>();

        int statusDuringCall = probe.runTransaction(outcomes, false);

        assertEquals(Status.STATUS_ACTIVE, statusDuringCall);
        assertEquals(List.of(Status.STATUS_COMMITTED), outcomes);
    }

    @Test
    public void transactionMarkedRollbackOnlyRollsBack() {
        List<Integer> outcomes = new ArrayList<>();

        int statusDuringCall = probe.runTransaction(outcomes, true);

        assertEquals(Status.STATUS_MARKED_ROLLBACK, statusDuringCall);
        assertEquals(List.of(Status.STATUS_ROLLEDBACK), outcomes);
    }
}
