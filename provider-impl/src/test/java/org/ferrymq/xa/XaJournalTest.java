package org.ferrymq.xa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.testing.TestXid;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.journal.JournalBroker;
import org.ferrymq.journal.JournalDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A prepared branch is durable: across a broker restart its sends stay invisible, the
 * messages it acknowledged stay locked, {@code recover()} lists it, and the transaction
 * manager's commit or rollback then takes effect, on every journal database.
 */
class XaJournalTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("xa-journal");

    private JournalDatabase db;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private String url(JournalDatabase database) throws Exception {
        db = broker.start(database);
        return broker.url("clientID=xa-journal");
    }

    /**
     * Leaves one prepared branch that sent "sent-in-branch" to queue {@code out} and to topic
     * {@code events} (with a durable subscription), and acknowledged "acked-in-branch" from
     * queue {@code in}; then stops the broker.
     */
    private Xid prepareAndStop(String url) throws Exception {
        FerryConnectionFactory plain = new FerryConnectionFactory(url);
        try (Connection c = plain.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createDurableSubscriber(s.createTopic("events"), "audit").close();
            s.createProducer(s.createQueue("in")).send(s.createTextMessage("acked-in-branch"));
            s.createProducer(s.createQueue("in")).send(s.createTextMessage("left-alone"));
        }
        Xid xid = TestXid.next();
        try (XAConnection c = new FerryXAConnectionFactory(url).createXAConnection()) {
            c.start();
            XASession session = c.createXASession();
            XAResource xa = session.getXAResource();
            xa.start(xid, XAResource.TMNOFLAGS);
            Message acked = session.createConsumer(session.createQueue("in")).receive(2000);
            assertEquals("acked-in-branch", ((TextMessage) acked).getText());
            session.createProducer(session.createQueue("out")).send(session.createTextMessage("sent-in-branch"));
            session.createProducer(session.createTopic("events")).send(session.createTextMessage("sent-in-branch"));
            xa.end(xid, XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_OK, xa.prepare(xid));
        }
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_XA_BRANCH"));
        assertEquals(2, db.queryLong("SELECT COUNT(*) FROM FMQ_XA_SEND"), "one send row per queue the message goes to");
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_XA_ACK"));
        broker.stop();
        return xid;
    }

    private static List<String> drain(Session s, MessageConsumer consumer) throws Exception {
        List<String> texts = new ArrayList<>();
        for (Message m = consumer.receive(500); m != null; m = consumer.receive(300)) {
            texts.add(((TextMessage) m).getText() + (m.getJMSRedelivered() ? " (redelivered)" : ""));
        }
        return texts;
    }

    private Xid recoverOne(XAResource xa, Xid expected) throws Exception {
        Xid[] prepared = xa.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        assertEquals(1, prepared.length, "recover() after the restart");
        assertEquals(expected.getFormatId(), prepared[0].getFormatId());
        assertArrayEquals(expected.getGlobalTransactionId(), prepared[0].getGlobalTransactionId());
        assertArrayEquals(expected.getBranchQualifier(), prepared[0].getBranchQualifier());
        return prepared[0];
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aPreparedBranchCommittedAfterARestartDeliversItsSendsAndRemovesItsAcknowledgement(JournalDatabase database)
            throws Exception {
        String url = url(database);
        Xid xid = prepareAndStop(url);

        try (XAConnection c = new FerryXAConnectionFactory(url).createXAConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue in = s.createQueue("in");
            MessageConsumer inConsumer = s.createConsumer(in);
            Message other = inConsumer.receive(2000);
            assertEquals("left-alone", ((TextMessage) other).getText(), "the message the branch did not touch");
            assertNull(inConsumer.receive(300), "a message a prepared branch acknowledged was delivered");
            try (MessageConsumer out = s.createConsumer(s.createQueue("out"))) {
                assertNull(out.receive(300), "a prepared send was visible");
            }

            XAResource xa = c.createXASession().getXAResource();
            xa.commit(recoverOne(xa, xid), false);
            assertEquals(0, xa.recover(XAResource.TMSTARTRSCAN).length);
            assertEquals(List.of("sent-in-branch"), drain(s, s.createConsumer(s.createQueue("out"))));
            Topic events = s.createTopic("events");
            assertEquals(List.of("sent-in-branch"), drain(s, s.createDurableSubscriber(events, "audit")));
            assertNull(inConsumer.receive(300), "the committed acknowledgement came back");
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_XA_BRANCH"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_XA_SEND"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_XA_ACK"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"), "every message was consumed");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "a consumed message stayed stored");

        broker.stop();
        try (XAConnection c = new FerryXAConnectionFactory(url).createXAConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertNull(s.createConsumer(s.createQueue("in")).receive(300));
            assertNull(s.createConsumer(s.createQueue("out")).receive(300));
            assertEquals(0, c.createXASession().getXAResource().recover(XAResource.TMSTARTRSCAN).length);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aPreparedBranchRolledBackAfterARestartDropsItsSendsAndRedeliversItsReceive(JournalDatabase database)
            throws Exception {
        String url = url(database);
        Xid xid = prepareAndStop(url);

        try (XAConnection c = new FerryXAConnectionFactory(url).createXAConnection()) {
            c.start();
            XAResource xa = c.createXASession().getXAResource();
            xa.rollback(recoverOne(xa, xid));
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            List<String> in = drain(s, s.createConsumer(s.createQueue("in")));
            assertEquals(2, in.size(), "after rollback: " + in);
            assertTrue(in.contains("acked-in-branch (redelivered)"), "the rolled-back receive: " + in);
            assertTrue(in.contains("left-alone"), in.toString());
            assertEquals(List.of(), drain(s, s.createConsumer(s.createQueue("out"))));
            assertEquals(List.of(), drain(s, s.createDurableSubscriber(s.createTopic("events"), "audit")));
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_XA_BRANCH"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"),
                "the rolled-back branch's message stayed stored");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aBranchLeftUnpreparedByABrokerStopLeavesNothingBehind(JournalDatabase database) throws Exception {
        String url = url(database);
        try (XAConnection c = new FerryXAConnectionFactory(url).createXAConnection()) {
            XASession session = c.createXASession();
            XAResource xa = session.getXAResource();
            Xid xid = TestXid.next();
            xa.start(xid, XAResource.TMNOFLAGS);
            session.createProducer(session.createQueue("out")).send(session.createTextMessage("unprepared"));
            xa.end(xid, XAResource.TMSUCCESS);
        }
        broker.stop();
        try (XAConnection c = new FerryXAConnectionFactory(url).createXAConnection()) {
            c.start();
            assertEquals(0, c.createXASession().getXAResource().recover(XAResource.TMSTARTRSCAN).length);
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertNull(s.createConsumer(s.createQueue("out")).receive(300));
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "an unprepared branch's message was stored");
    }
}
