package org.ferrymq.xa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.testing.TestXid;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.journal.JournalBroker;
import org.ferrymq.journal.JournalDatabase;
import org.ferrymq.journal.JournalStall;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An XA one-phase commit whose journal write is held up by a real row lock
 * ({@link JournalStall}), on every database. Unfinished when {@code journalTimeout} passes, it
 * may still commit: the transaction manager is told {@code XAER_RMFAIL}, which makes it keep
 * the transaction for recovery (Narayana logs it as committing and asks again), never a
 * rollback code; the branch stays listed by {@code recover()} until the write settles. A
 * write the database refuses is {@code XA_RBROLLBACK}.
 */
class XaCommitOutcomeTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("xa-commit-outcome");

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private static String text(Message m) throws JMSException {
        assertNotNull(m, "no message within the deadline");
        return ((TextMessage) m).getText() + (m.getJMSRedelivered() ? " (redelivered)" : "");
    }

    private static List<String> browse(Session session, Queue queue) throws JMSException {
        List<String> texts = new ArrayList<>();
        try (QueueBrowser browser = session.createBrowser(queue)) {
            for (Enumeration<?> messages = browser.getEnumeration(); messages.hasMoreElements(); ) {
                texts.add(((TextMessage) messages.nextElement()).getText());
            }
        }
        return texts;
    }

    private static boolean listed(XAResource xa, Xid xid) throws XAException {
        return Arrays.stream(xa.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                .anyMatch(x -> Arrays.equals(x.getGlobalTransactionId(), xid.getGlobalTransactionId()));
    }

    /** Waits until {@code recover()} no longer lists the branch, whose commit has settled. */
    private static void awaitUnlisted(XAResource xa, Xid xid, String failure) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (listed(xa, xid)) {
            assertTrue(System.currentTimeMillis() < deadline, failure);
            Thread.sleep(100);
        }
    }

    /** A branch whose association has ended, and a plain session of another connection to its broker. */
    private record EndedBranch(Session plain, XAResource xa, Xid xid) {}

    /**
     * Starts an XA connection and a plain one to the broker at {@code url} (closed with the
     * broker); "work" on 'in' is received in a branch that also sends "result" to 'out', and the
     * association ends.
     */
    private EndedBranch consumedAndSentInBranch(String url) throws Exception {
        XAConnection xaConnection = broker.track(new FerryXAConnectionFactory(url).createXAConnection());
        Connection connection = broker.track(new FerryConnectionFactory(url).createConnection());
        xaConnection.start();
        connection.start();
        Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        plain.createProducer(plain.createQueue("in")).send(plain.createTextMessage("work"));
        XASession session = xaConnection.createXASession();
        XAResource xa = session.getXAResource();
        Xid xid = TestXid.next();
        xa.start(xid, XAResource.TMNOFLAGS);
        try (MessageConsumer in = session.createConsumer(session.createQueue("in"))) {
            assertEquals("work", text(in.receive(5000)));
        }
        session.createProducer(session.createQueue("out")).send(session.createTextMessage("result"));
        xa.end(xid, XAResource.TMSUCCESS);
        return new EndedBranch(plain, xa, xid);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aOnePhaseCommitWhoseWriteOutlivesTheTimeoutIsLeftToRecoveryAndTakesEffectOnce(JournalDatabase database)
            throws Exception {
        JournalDatabase db = broker.start(database);
        EndedBranch branch = consumedAndSentInBranch(
                JournalStall.lockWaitsAtMost(db, 60_000).brokerUrl(broker.name(), "journalTimeout=1000"));
        Session plain = branch.plain();
        Queue in = plain.createQueue("in");
        XAResource xa = branch.xa();
        Xid xid = branch.xid();

        try (JournalStall stall = JournalStall.hold(db)) {
            XAException unknown = assertThrows(XAException.class, () -> xa.commit(xid, true));
            assertEquals(XAException.XAER_RMFAIL, unknown.errorCode,
                    "a one-phase commit that may still land answered " + unknown.errorCode + ": " + unknown);
            assertTrue(listed(xa, xid), "the branch whose commit is unsettled is not listed by recover()");
            assertEquals(List.of(), browse(plain, in), "the message the unsettled branch consumed is available");
            stall.release();
        }

        MessageConsumer out = plain.createConsumer(plain.createQueue("out"));
        assertEquals("result", text(out.receive(30_000)), "the branch's send did not arrive once it landed");
        awaitUnlisted(xa, xid, "the settled branch stays listed by recover()");
        // the transaction manager's recovery commits again: the branch is done, committed
        XAException done = assertThrows(XAException.class, () -> xa.commit(xid, false));
        assertEquals(XAException.XAER_NOTA, done.errorCode, done.toString());

        plain.createProducer(in).send(plain.createTextMessage("next"));
        assertEquals("next", text(plain.createConsumer(in).receive(30_000)),
                "the message the committed branch consumed came back");
        plain.createProducer(plain.createQueue("out")).send(plain.createTextMessage("marker"));
        assertEquals("marker", text(out.receive(30_000)), "the branch's send arrived twice");

        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "messages left in the journal");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aOnePhaseCommitTheDatabaseRefusesIsRolledBack(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        EndedBranch branch = consumedAndSentInBranch(
                JournalStall.lockWaitsAtMost(db, 500).brokerUrl(broker.name(), "journalTimeout=30000"));
        Session plain = branch.plain();

        JournalStall stall = JournalStall.hold(db);
        try {
            XAException rolledBack = assertThrows(XAException.class, () -> branch.xa().commit(branch.xid(), true));
            assertEquals(XAException.XA_RBROLLBACK, rolledBack.errorCode, rolledBack.toString());
        } finally {
            stall.release();
        }
        assertEquals("work (redelivered)", text(plain.createConsumer(plain.createQueue("in")).receive(30_000)));
        Queue out = plain.createQueue("out");
        plain.createProducer(out).send(plain.createTextMessage("marker"));
        assertEquals("marker", text(plain.createConsumer(out).receive(30_000)),
                "the rolled-back branch's send was delivered");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aPreparedBranchWhoseCommitOutlivesTheTimeoutStaysInDoubtWithItsReceiveLocked(JournalDatabase database)
            throws Exception {
        JournalDatabase db = broker.start(database);
        EndedBranch branch = consumedAndSentInBranch(
                JournalStall.lockWaitsAtMost(db, 60_000).brokerUrl(broker.name(), "journalTimeout=1000"));
        Session plain = branch.plain();
        Queue in = plain.createQueue("in");
        XAResource xa = branch.xa();
        Xid xid = branch.xid();
        assertEquals(XAResource.XA_OK, xa.prepare(xid));

        try (JournalStall stall = JournalStall.hold(db)) {
            XAException inDoubt = assertThrows(XAException.class, () -> xa.commit(xid, false));
            assertEquals(XAException.XAER_RMFAIL, inDoubt.errorCode, inDoubt.toString());
            assertTrue(listed(xa, xid), "the branch being committed is not listed by recover()");
            assertEquals(List.of(), browse(plain, in), "the message the prepared branch consumed is available");
            stall.release();
        }

        MessageConsumer out = plain.createConsumer(plain.createQueue("out"));
        assertEquals("result", text(out.receive(30_000)), "the branch's send did not arrive once it landed");
        awaitUnlisted(xa, xid, "the committed branch stays listed by recover()");
        plain.createProducer(in).send(plain.createTextMessage("next"));
        assertEquals("next", text(plain.createConsumer(in).receive(30_000)),
                "the message the committed branch consumed came back");
    }
}
