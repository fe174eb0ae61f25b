package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import jakarta.jms.TransactionRolledBackException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a local transaction's commit reports when its journal write is held up, on every
 * database: a write still unfinished when {@code journalTimeout} passes may commit later, so
 * the application is told the outcome is unknown, not that the transaction rolled back; the
 * broker holds what the transaction consumed until the write settles. A write the database
 * refuses is a rollback, and says so. The hold-up is a real row lock ({@link JournalStall}).
 */
class CommitOutcomeTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("commit-outcome");

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    /** A deferred constraint is PostgreSQL's: the test needs only that database. */
    static List<JournalDatabase> postgresql() {
        return List.of(JournalDatabase.postgresql());
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

    private static String text(Message m) throws JMSException {
        assertNotNull(m, "no message within the deadline");
        return ((TextMessage) m).getText() + (m.getJMSRedelivered() ? " (redelivered)" : "");
    }

    /** Sends "work" to queue 'in'; a transacted session receives it and sends "result" to 'out', uncommitted. */
    private static Session consumedAndSent(Connection connection, Session plain) throws JMSException {
        plain.createProducer(plain.createQueue("in")).send(plain.createTextMessage("work"));
        Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
        try (MessageConsumer in = transacted.createConsumer(transacted.createQueue("in"))) {
            assertEquals("work", text(in.receive(5000)));
        } // closed: what it consumed stays with the session's transaction, and 'in' has no consumer left
        transacted.createProducer(transacted.createQueue("out")).send(transacted.createTextMessage("result"));
        return transacted;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aCommitWhoseWriteOutlivesTheTimeoutIsUnknownAndTakesEffectOnceWhenItLands(JournalDatabase database)
            throws Exception {
        JournalDatabase db = broker.start(database);
        String url = JournalStall.lockWaitsAtMost(db, 60_000).brokerUrl(broker.name(), "journalTimeout=1000");
        try (Connection connection = new FerryConnectionFactory(url).createConnection()) {
            connection.start();
            Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue in = plain.createQueue("in");
            Session transacted = consumedAndSent(connection, plain);

            try (JournalStall stall = JournalStall.hold(db)) {
                JMSException unknown = assertThrows(JMSException.class, transacted::commit);
                assertFalse(unknown instanceof TransactionRolledBackException,
                        "a commit that may still land was reported rolled back: " + unknown);
                assertTrue(unknown.getMessage().contains("unknown"), unknown.getMessage());
                assertTrue(unknown.getMessage().contains("may still commit"), unknown.getMessage());
                assertEquals(List.of(), browse(plain, in),
                        "the message consumed in the unsettled transaction is available again");
                stall.release();
            }

            MessageConsumer out = plain.createConsumer(plain.createQueue("out"));
            assertEquals("result", text(out.receive(30_000)), "the commit's send did not arrive once it landed");
            plain.createProducer(in).send(plain.createTextMessage("next"));
            try (MessageConsumer again = transacted.createConsumer(in)) {
                assertEquals("next", text(again.receive(30_000)),
                        "the message the landed commit consumed came back");
            }
            transacted.commit(); // the session goes on
            plain.createProducer(plain.createQueue("out")).send(plain.createTextMessage("marker"));
            assertEquals("marker", text(out.receive(30_000)), "the commit's send arrived twice");
        }
        broker.stop();

        try (Connection connection = broker.factory().createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertEquals(null, session.createConsumer(session.createQueue("in")).receive(1000));
            assertEquals(null, session.createConsumer(session.createQueue("out")).receive(200));
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "messages left in the journal");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aCommitTheDatabaseRefusesIsRolledBackAndRedelivers(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        String url = JournalStall.lockWaitsAtMost(db, 500).brokerUrl(broker.name(), "journalTimeout=30000");
        try (Connection connection = new FerryConnectionFactory(url).createConnection()) {
            connection.start();
            Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session transacted = consumedAndSent(connection, plain);

            JournalStall stall = JournalStall.hold(db);
            try {
                assertThrows(TransactionRolledBackException.class, transacted::commit,
                        "a commit whose write the database refused was not reported rolled back");
            } finally {
                stall.release();
            }

            try (MessageConsumer again = transacted.createConsumer(transacted.createQueue("in"))) {
                assertEquals("work (redelivered)", text(again.receive(30_000)));
            }
            transacted.commit();
            Queue out = plain.createQueue("out");
            plain.createProducer(out).send(plain.createTextMessage("marker"));
            assertEquals("marker", text(plain.createConsumer(out).receive(30_000)),
                    "the rolled-back transaction's send was delivered");
        }
    }

    /**
     * PostgreSQL checks a deferred constraint when the transaction commits, so the commit call
     * itself fails: the writer cannot tell a refused commit from one whose answer was lost, so
     * the outcome is unknown, and the broker holds what the transaction consumed until a
     * restart reads the truth from the database (here: not committed).
     */
    @ParameterizedTest
    @MethodSource("postgresql")
    void aCommitWhoseCommitCallFailsIsUnknownUntilARestartReadsTheOutcome(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        try (Connection connection = broker.factory().createConnection()) {
            connection.start();
            Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue in = plain.createQueue("in");
            plain.createProducer(in).send(plain.createTextMessage("work"));
            db.execute("CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                    + "IF NEW.body_text = 'poison' THEN RAISE EXCEPTION 'poison refused at commit'; END IF; "
                    + "RETURN NEW; END $$ LANGUAGE plpgsql");
            db.execute("CREATE CONSTRAINT TRIGGER refuse_poison AFTER INSERT ON fmq_message "
                    + "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_poison()");

            Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = transacted.createConsumer(in)) {
                assertEquals("work", text(consumer.receive(5000)));
            }
            transacted.createProducer(transacted.createQueue("out")).send(transacted.createTextMessage("poison"));
            JMSException unknown = assertThrows(JMSException.class, transacted::commit);
            assertFalse(unknown instanceof TransactionRolledBackException, unknown.toString());
            assertTrue(unknown.getMessage().contains("unknown"), unknown.getMessage());
            assertEquals(List.of(), browse(plain, in),
                    "the message consumed in the unsettled transaction is available");

            plain.createProducer(in).send(plain.createTextMessage("after")); // the broker goes on
            assertEquals("after", text(plain.createConsumer(in).receive(30_000)));
        }
        broker.stop();

        try (Connection connection = broker.factory().createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertEquals("work (redelivered)", text(session.createConsumer(session.createQueue("in")).receive(30_000)),
                    "the consumed message of the refused commit did not come back after the restart");
            assertEquals(null, session.createConsumer(session.createQueue("out")).receive(1000),
                    "the refused commit's send was delivered");
        }
    }
}
