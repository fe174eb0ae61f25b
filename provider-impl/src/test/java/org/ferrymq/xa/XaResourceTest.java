package org.ferrymq.xa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAConnectionFactory;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XASession;
import java.util.Hashtable;
import java.util.UUID;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.jndi.FerryInitialContextFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.TestXid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The XAResource contract of an XA session, driven by hand as a transaction manager would:
 * what becomes visible when, and the XA error code of each misuse.
 */
class XaResourceTest {

    private String broker;
    private FerryXAConnectionFactory xaFactory;
    private FerryConnectionFactory factory;
    private XAConnection xaConnection;
    private Connection plain;
    private Session plainSession;
    private Queue queue;

    @BeforeEach
    void start() throws Exception {
        broker = "xa-" + UUID.randomUUID();
        xaFactory = new FerryXAConnectionFactory("vm://" + broker + "?journal=memory");
        factory = new FerryConnectionFactory("vm://" + broker + "?journal=memory");
        xaConnection = xaFactory.createXAConnection();
        xaConnection.start();
        plain = factory.createConnection();
        plain.start();
        plainSession = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        queue = plainSession.createQueue("orders");
    }

    @AfterEach
    void stop() throws Exception {
        xaConnection.close();
        plain.close();
        EmbeddedBroker.stop(broker);
    }

    private static int code(XAException e) {
        return e.errorCode;
    }

    private void send(XASession session, String text) throws Exception {
        session.createProducer(queue).send(session.createTextMessage(text));
    }

    /** Starts a new branch on the session's resource, sends {@code text} in it and ends the association. */
    private Xid sentInBranch(XASession session, String text) throws Exception {
        XAResource xa = session.getXAResource();
        Xid xid = TestXid.next();
        xa.start(xid, XAResource.TMNOFLAGS);
        send(session, text);
        xa.end(xid, XAResource.TMSUCCESS);
        return xid;
    }

    private String receivePlain() throws Exception {
        try (MessageConsumer consumer = plainSession.createConsumer(queue)) {
            Message m = consumer.receive(300);
            return m == null ? null : ((TextMessage) m).getText();
        }
    }

    private void sendPlain(String text) throws Exception {
        plainSession.createProducer(queue).send(plainSession.createTextMessage(text));
    }

    @Test
    void aTwoPhaseCommitMakesTheSendVisibleOnlyAtCommit() throws Exception {
        XASession session = xaConnection.createXASession();
        XAResource xa = session.getXAResource();
        Xid xid = sentInBranch(session, "order-1");
        assertNull(receivePlain(), "visible before prepare");
        assertEquals(XAResource.XA_OK, xa.prepare(xid));
        assertNull(receivePlain(), "visible while prepared");
        xa.commit(xid, false);
        assertEquals("order-1", receivePlain());
    }

    @Test
    void aOnePhaseCommitNeedsNoPrepare() throws Exception {
        XASession session = xaConnection.createXASession();
        session.getXAResource().commit(sentInBranch(session, "one-phase"), true);
        assertEquals("one-phase", receivePlain());
    }

    @Test
    void rollbackDropsTheSendsAndRedeliversTheReceives() throws Exception {
        sendPlain("to-consume");
        XASession session = xaConnection.createXASession();
        XAResource xa = session.getXAResource();
        MessageConsumer consumer = session.createConsumer(queue);
        Xid xid = TestXid.next();
        xa.start(xid, XAResource.TMNOFLAGS);
        Message received = consumer.receive(1000);
        assertNotNull(received);
        assertFalse(received.getJMSRedelivered());
        send(session, "discarded");
        xa.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xa.prepare(xid));
        xa.rollback(xid);
        consumer.close();

        try (MessageConsumer again = plainSession.createConsumer(queue)) {
            Message redelivered = again.receive(1000);
            assertEquals("to-consume", ((TextMessage) redelivered).getText());
            assertTrue(redelivered.getJMSRedelivered(), "a message received in a rolled-back branch is redelivered");
            assertEquals(2, redelivered.getIntProperty("JMSXDeliveryCount"));
            assertNull(again.receive(200), "the rolled-back send was delivered");
        }
    }

    @Test
    void aPreparedReceiveIsLockedAwayFromOtherConsumersAndGoneAfterCommit() throws Exception {
        sendPlain("locked");
        XASession session = xaConnection.createXASession();
        XAResource xa = session.getXAResource();
        MessageConsumer consumer = session.createConsumer(queue);
        Xid xid = TestXid.next();
        xa.start(xid, XAResource.TMNOFLAGS);
        assertNotNull(consumer.receive(1000));
        xa.end(xid, XAResource.TMSUCCESS);
        consumer.close();
        xa.prepare(xid);
        assertNull(receivePlain(), "another consumer got a message a prepared branch acknowledged");
        xa.commit(xid, false);
        assertNull(receivePlain(), "a committed acknowledgement came back");
    }

    @Test
    void aBranchThatDidNothingIsReadOnlyAndNeedsNoCommit() throws Exception {
        XAResource xa = xaConnection.createXASession().getXAResource();
        Xid xid = TestXid.next();
        xa.start(xid, XAResource.TMNOFLAGS);
        xa.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_RDONLY, xa.prepare(xid));
        assertEquals(XAException.XAER_NOTA, code(assertThrows(XAException.class, () -> xa.commit(xid, false))),
                "a read-only branch is over once prepared");
        assertArrayEquals(new Xid[0], xa.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN));
    }

    @Test
    void outsideABranchAnXaSessionSendsAndAcknowledgesAtOnce() throws Exception {
        XASession session = xaConnection.createXASession();
        assertTrue(session.getTransacted());
        assertEquals(Session.SESSION_TRANSACTED, session.getAcknowledgeMode());
        send(session, "no-transaction");
        assertEquals("no-transaction", receivePlain());
        sendPlain("acked-at-once");
        MessageConsumer consumer = session.createConsumer(queue);
        assertNotNull(consumer.receive(1000));
        consumer.close();
        session.close();
        assertNull(receivePlain(), "a message received outside a branch came back");
    }

    @Test
    void localCommitAndRollbackAreRefusedOnAnXaSessionAndContext() throws Exception {
        XASession session = xaConnection.createXASession();
        assertThrows(TransactionInProgressException.class, session::commit);
        assertThrows(TransactionInProgressException.class, session::rollback);
        try (XAJMSContext context = xaFactory.createXAContext()) {
            assertEquals(JMSContext.SESSION_TRANSACTED, context.getSessionMode());
            assertTrue(context.getTransacted());
            assertThrows(TransactionInProgressRuntimeException.class, context::commit);
            assertThrows(TransactionInProgressRuntimeException.class, context::rollback);
            assertNotNull(context.getXAResource());
        }
    }

    @Test
    void anXaContextSendsInItsBranch() throws Exception {
        try (XAJMSContext context = xaFactory.createXAContext()) {
            XAResource xa = context.getXAResource();
            Xid xid = TestXid.next();
            xa.start(xid, XAResource.TMNOFLAGS);
            context.createProducer().send(queue, "from-context");
            xa.end(xid, XAResource.TMSUCCESS);
            assertNull(receivePlain());
            xa.prepare(xid);
            xa.commit(xid, false);
        }
        assertEquals("from-context", receivePlain());
    }

    @Test
    void inABranchABodyOfTheWrongTypeIsAMessageFormatErrorAndCountsAsReceived() throws Exception {
        plainSession.createProducer(queue).send(plainSession.createTextMessage("not a number"));
        try (XAJMSContext context = xaFactory.createXAContext()) {
            XAResource xa = context.getXAResource();
            Xid xid = TestXid.next();
            xa.start(xid, XAResource.TMNOFLAGS);
            JMSConsumer consumer = context.createConsumer(queue);
            assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Integer.class, 5_000));
            assertNull(consumer.receiveNoWait(), "the refused message came again in the same branch");
            xa.end(xid, XAResource.TMSUCCESS);
            xa.commit(xid, true);
        }
        assertNull(receivePlain(), "the message received in the committed branch came again");
    }

    @Test
    void twoSessionsJoinOneBranchAndCommitTogether() throws Exception {
        XASession first = xaConnection.createXASession();
        XASession second = xaConnection.createXASession();
        XAResource a = first.getXAResource();
        XAResource b = second.getXAResource();
        assertTrue(a.isSameRM(b), "two sessions of one broker are one resource manager");
        Xid xid = TestXid.next();
        a.start(xid, XAResource.TMNOFLAGS);
        b.start(xid, XAResource.TMJOIN);
        send(first, "from-first");
        send(second, "from-second");
        a.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAException.XAER_PROTO, code(assertThrows(XAException.class, () -> a.prepare(xid))),
                "prepared while the second session is still associated");
        b.end(xid, XAResource.TMSUCCESS);
        assertNull(receivePlain());
        a.prepare(xid);
        b.commit(xid, false);
        assertEquals("from-first", receivePlain());
        assertEquals("from-second", receivePlain());
    }

    @Test
    void aSuspendedAssociationLeavesTheSessionOutsideTheBranchUntilResumed() throws Exception {
        XASession session = xaConnection.createXASession();
        XAResource xa = session.getXAResource();
        Xid xid = TestXid.next();
        xa.start(xid, XAResource.TMNOFLAGS);
        send(session, "in-branch");
        xa.end(xid, XAResource.TMSUSPEND);
        send(session, "between");
        assertEquals("between", receivePlain(), "a send while suspended is outside the branch");
        assertEquals(XAException.XAER_PROTO,
                code(assertThrows(XAException.class, () -> xa.start(xid, XAResource.TMJOIN))),
                "joined instead of resumed");
        xa.start(xid, XAResource.TMRESUME);
        send(session, "resumed");
        xa.end(xid, XAResource.TMSUCCESS);
        assertNull(receivePlain());
        xa.commit(xid, true);
        assertEquals("in-branch", receivePlain());
        assertEquals("resumed", receivePlain());
    }

    @Test
    void misuseIsRefusedWithTheCodeTheXaSpecificationNames() throws Exception {
        XAResource xa = xaConnection.createXASession().getXAResource();
        XAResource other = xaConnection.createXASession().getXAResource();
        TestXid xid = TestXid.next();
        assertEquals(XAException.XAER_NOTA, code(assertThrows(XAException.class, () -> xa.commit(xid, true))));
        assertEquals(XAException.XAER_NOTA, code(assertThrows(XAException.class, () -> xa.rollback(xid))));
        assertEquals(XAException.XAER_NOTA, code(assertThrows(XAException.class, () -> xa.prepare(xid))));
        assertEquals(XAException.XAER_NOTA, code(assertThrows(XAException.class, () -> xa.forget(xid))));
        assertEquals(XAException.XAER_NOTA,
                code(assertThrows(XAException.class, () -> xa.start(xid, XAResource.TMJOIN))));
        assertEquals(XAException.XAER_INVAL,
                code(assertThrows(XAException.class, () -> xa.start(xid, XAResource.TMSUCCESS))));

        xa.start(xid, XAResource.TMNOFLAGS);
        assertEquals(XAException.XAER_DUPID,
                code(assertThrows(XAException.class, () -> other.start(xid, XAResource.TMNOFLAGS))));
        assertEquals(XAException.XAER_PROTO,
                code(assertThrows(XAException.class, () -> xa.start(xid.branch((byte) 2), XAResource.TMNOFLAGS))),
                "a session associated with one branch started another");
        assertEquals(XAException.XAER_PROTO, code(assertThrows(XAException.class, () -> xa.prepare(xid))),
                "prepared before end");
        assertEquals(XAException.XAER_PROTO, code(assertThrows(XAException.class, () -> other.end(xid,
                XAResource.TMSUCCESS))), "ended by a session that is not associated");
        assertEquals(XAException.XAER_INVAL,
                code(assertThrows(XAException.class, () -> xa.end(xid, XAResource.TMJOIN))));
        xa.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAException.XAER_PROTO, code(assertThrows(XAException.class, () -> xa.commit(xid, false))),
                "two-phase commit of a branch never prepared");
        xa.start(xid, XAResource.TMJOIN);
        xa.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_RDONLY, xa.prepare(xid));
        assertEquals(XAException.XAER_INVAL, code(assertThrows(XAException.class, () -> xa.recover(0x1000))));
        assertEquals(XAException.XAER_INVAL, code(assertThrows(XAException.class, () -> xa.setTransactionTimeout(-1))));
    }

    @Test
    void aPreparedBranchRefusesOnePhaseCommitAndForgetButListsInRecover() throws Exception {
        XASession session = xaConnection.createXASession();
        XAResource xa = session.getXAResource();
        Xid xid = sentInBranch(session, "prepared");
        xa.prepare(xid);
        assertEquals(XAException.XAER_PROTO, code(assertThrows(XAException.class, () -> xa.commit(xid, true))));
        assertEquals(XAException.XAER_PROTO, code(assertThrows(XAException.class, () -> xa.prepare(xid))));
        assertEquals(XAException.XAER_PROTO, code(assertThrows(XAException.class, () -> xa.forget(xid))),
                "FerryMQ never completes a branch heuristically, so there is nothing to forget");
        Xid[] listed = xaConnection.createXASession().getXAResource().recover(XAResource.TMSTARTRSCAN);
        assertEquals(1, listed.length);
        assertEquals(xid.getFormatId(), listed[0].getFormatId());
        assertArrayEquals(xid.getGlobalTransactionId(), listed[0].getGlobalTransactionId());
        assertArrayEquals(xid.getBranchQualifier(), listed[0].getBranchQualifier());
        assertArrayEquals(new Xid[0], xa.recover(XAResource.TMNOFLAGS), "a scan lists every branch at its start");
        xa.commit(listed[0], false);
        assertEquals("prepared", receivePlain());
        assertEquals(0, xa.recover(XAResource.TMSTARTRSCAN).length);
    }

    @Test
    void anAssociationEndedWithTmFailMakesTheBranchRollBackOnly() throws Exception {
        sendPlain("kept");
        XASession session = xaConnection.createXASession();
        XAResource xa = session.getXAResource();
        MessageConsumer consumer = session.createConsumer(queue);
        Xid xid = TestXid.next();
        xa.start(xid, XAResource.TMNOFLAGS);
        assertNotNull(consumer.receive(1000));
        send(session, "never");
        assertEquals(XAException.XA_RBROLLBACK,
                code(assertThrows(XAException.class, () -> xa.end(xid, XAResource.TMFAIL))));
        consumer.close();
        assertEquals(XAException.XA_RBROLLBACK, code(assertThrows(XAException.class, () -> xa.prepare(xid))));
        assertEquals(XAException.XAER_NOTA, code(assertThrows(XAException.class, () -> xa.rollback(xid))),
                "a branch whose prepare answered XA_RB* is already rolled back");
        assertEquals("kept", receivePlain());
        assertNull(receivePlain());
    }

    @Test
    void aBranchNotPreparedWithinItsTimeoutIsRolledBackByTheBroker() throws Exception {
        sendPlain("consumed-in-timed-out-branch");
        XASession session = xaConnection.createXASession();
        XAResource xa = session.getXAResource();
        assertTrue(xa.setTransactionTimeout(1));
        assertEquals(1, xa.getTransactionTimeout());
        MessageConsumer consumer = session.createConsumer(queue);
        Xid xid = TestXid.next();
        xa.start(xid, XAResource.TMNOFLAGS);
        send(session, "too-late");
        assertNotNull(consumer.receive(1000));
        consumer.close();
        // Until the broker rolls the branch back at its timeout, sends still join it (and go with
        // it); from then on a send into it fails. Wait for that, not for a fixed time.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                send(session, "until-the-timeout");
            } catch (TransactionRolledBackException rolledBack) {
                break; // a send into a rolled-back branch fails, it does not leak out of the transaction
            }
            assertTrue(System.nanoTime() < deadline, "the branch was not rolled back within 30 s of its 1 s timeout");
            Thread.sleep(20);
        }
        assertEquals(XAException.XA_RBTIMEOUT,
                code(assertThrows(XAException.class, () -> xa.end(xid, XAResource.TMSUCCESS))));
        assertEquals(XAException.XA_RBTIMEOUT, code(assertThrows(XAException.class, () -> xa.prepare(xid))));
        Message back = plainSession.createConsumer(queue).receive(30_000);
        assertNotNull(back, "the message consumed in the timed-out branch did not come back");
        assertEquals("consumed-in-timed-out-branch", ((TextMessage) back).getText());
        assertTrue(back.getJMSRedelivered());
        assertNull(receivePlain(), "a send of the timed-out branch was delivered");
    }

    @Test
    void aSessionClosedInsideItsBranchLeavesItsWorkToTheTransactionManager() throws Exception {
        sendPlain("consumed-then-closed");
        XASession session = xaConnection.createXASession();
        XAResource xa = session.getXAResource();
        MessageConsumer consumer = session.createConsumer(queue);
        Xid xid = TestXid.next();
        xa.start(xid, XAResource.TMNOFLAGS);
        assertNotNull(consumer.receive(1000));
        send(session, "sent-then-closed");
        session.close();
        xa.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xa.prepare(xid));
        xa.commit(xid, false);
        assertEquals("sent-then-closed", receivePlain());
        assertNull(receivePlain(), "the message consumed in the committed branch came back");
    }

    @Test
    void jndiBindsAnXaConnectionFactory() throws Exception {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, FerryInitialContextFactory.class.getName());
        env.put("xaConnectionFactory.OrdersXA", "vm://" + broker + "?journal=memory");
        Context context = new InitialContext(env);
        XAConnectionFactory found = assertInstanceOf(XAConnectionFactory.class, context.lookup("OrdersXA"));
        try (XAConnection connection = found.createXAConnection()) {
            assertNotNull(connection.createXASession().getXAResource());
        }
        env.remove("xaConnectionFactory.OrdersXA");
        Context defaults = new InitialContext(env);
        assertInstanceOf(XAConnectionFactory.class, defaults.lookup("XAConnectionFactory"));
        assertFalse(defaults.lookup("ConnectionFactory") instanceof XAConnectionFactory);
    }
}
