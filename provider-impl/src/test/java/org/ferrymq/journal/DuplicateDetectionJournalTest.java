package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.JournalRecord.DuplicateIdAdded;
import org.ferrymq.api.journal.JournalReplay;
import org.ferrymq.api.journal.PreparedTransaction;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.testing.TestXid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Duplicate detection kept in the journal (issue 15), on every database: the window of accepted
 * duplicate IDs is written in the same journal transaction as the message it admits, trimmed to
 * its size as it goes, and read back on start, so a send retried after a restart is still
 * dropped; local transactions take their IDs at commit, XA branches hold theirs from prepare.
 */
class DuplicateDetectionJournalTest {

    private static final String ID = DestinationPolicy.DUPLICATE_ID_PROPERTY;

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("dups-journal");

    private JournalDatabase db;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private FerryConnectionFactory start(JournalDatabase database, String... parameters) throws Exception {
        db = broker.start(database);
        return broker.factory(parameters);
    }

    private Session session(FerryConnectionFactory factory, boolean transacted) throws JMSException {
        Connection c = broker.track(factory.createConnection());
        c.start();
        return c.createSession(transacted, transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
    }

    private static void send(Session session, Destination to, String duplicateId, String text) throws JMSException {
        TextMessage message = session.createTextMessage(text);
        message.setStringProperty(ID, duplicateId);
        MessageProducer producer = session.createProducer(to);
        producer.send(message);
        producer.close();
    }

    private static List<String> drain(MessageConsumer consumer) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (Message m = consumer.receive(2000); m != null; m = consumer.receive(300)) {
            texts.add(((TextMessage) m).getText());
        }
        consumer.close();
        return texts;
    }

    private long rows() throws Exception {
        return db.queryLong("SELECT COUNT(*) FROM FMQ_DUPLICATE_WINDOW");
    }

    // ---- the journal itself ----

    /** What a journal replays of the windows. */
    private static List<String> windows(Journal journal) throws Exception {
        List<String> seen = new ArrayList<>();
        journal.load(new JournalReplay() {
            @Override
            public void destination(JournalRecord.DestinationCreated destination) {
            }

            @Override
            public void subscription(JournalRecord.SubscriptionCreated subscription) {
            }

            @Override
            public void queue(long queueId, long references, long lastSeq) {
            }

            @Override
            public void duplicateId(DuplicateIdAdded id) {
                seen.add(id.entry() + ": " + id.kind() + " " + id.destination() + " " + id.seq() + " "
                        + id.duplicateId() + " " + id.seenAt());
            }

            @Override
            public void prepared(PreparedTransaction transaction) {
            }

            @Override
            public void highestNumber(long number) {
            }
        });
        return seen;
    }

    /** Adds, forgets and deletes window rows through the journal SPI, and reads back what is left. */
    private static void keepsTheWindowsItIsGiven(Journal journal) throws Exception {
        List<JournalRecord> batch = new ArrayList<>();
        for (int seq = 1; seq <= 4; seq++) {
            batch.add(new DuplicateIdAdded(seq, "queue", "orders", seq, "id-" + seq, 1000L + seq));
        }
        batch.add(new DuplicateIdAdded(5, "topic", "orders", 1, "id-1", 2000));
        batch.add(new DuplicateIdAdded(6, "queue", "other", 1, "o-1", 3000));
        journal.append(batch).get();
        // new IDs and the two oldest entries (named out of order), in one batch
        journal.append(List.of(new DuplicateIdAdded(7, "queue", "orders", 5, "id-5", 1005),
                new DuplicateIdAdded(8, "topic", "orders", 2, "id-2", 2001),
                new JournalRecord.DuplicateIdsForgotten(List.of(2L, 1L)))).get();
        // entries apart from each other
        journal.append(List.of(new JournalRecord.DuplicateIdsForgotten(List.of(8L, 3L)))).get();
        journal.append(List.of(new JournalRecord.DestinationDeleted(0, "queue", "other"))).get();

        assertEquals(List.of("4: queue orders 4 id-4 1004", "5: topic orders 1 id-1 2000", "7: queue orders 5 id-5 1005"),
                windows(journal), "what is left, in the order of the entries");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theJournalKeepsWhatTheWindowsAddAndForget(JournalDatabase database) throws Exception {
        db = broker.start(database);
        BrokerConfig config = new BrokerConfig("dups-spi-" + UUID.randomUUID()).journalUrl(db.jdbcUrl())
                .journalCredentials(db.user(), db.password());
        try (JdbcJournal journal = JdbcJournal.open(config)) {
            keepsTheWindowsItIsGiven(journal);
        }
        try (JdbcJournal journal = JdbcJournal.open(config)) {
            assertEquals(3, windows(journal).size(), "after reopening");
        }
        assertEquals(3, rows());
    }

    @Test
    void theMemoryJournalKeepsWhatTheWindowsAddAndForget() throws Exception {
        keepsTheWindowsItIsGiven(new MemoryJournal());
    }

    // ---- through the broker ----

    @ParameterizedTest
    @MethodSource("databases")
    void aDuplicateSentAfterARestartIsStillDropped(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        Session s = session(factory, false);
        send(s, s.createQueue("orders"), "order-1", "first");
        broker.stop();

        s = session(factory, false);
        send(s, s.createQueue("orders"), "order-1", "after the restart");
        send(s, s.createQueue("orders"), "order-2", "second");
        assertEquals(List.of("first", "second"), drain(s.createConsumer(s.createQueue("orders"))));
        assertEquals(2, rows(), "the IDs stay when their messages are consumed");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theWindowRowsAreTrimmedToTheWindowAndReadBackAtStart(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database, "destination.bounded.duplicateIdWindow=3");
        Session s = session(factory, false);
        for (int i = 1; i <= 10; i++) {
            send(s, s.createQueue("bounded"), "d" + i, "d" + i);
        }
        assertEquals(3, rows(), "the last three IDs");
        broker.stop();

        s = session(factory, false);
        send(s, s.createQueue("bounded"), "d9", "d9 again"); // among the last three
        send(s, s.createQueue("bounded"), "d7", "d7 again"); // not
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            expected.add("d" + i);
        }
        expected.add("d7 again");
        assertEquals(expected, drain(s.createConsumer(s.createQueue("bounded"))));
        assertEquals(3, rows());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void rowsOutOfTheWindowAreForgottenInRunsAndOnlyTheWindowCountsAfterARestart(JournalDatabase database)
            throws Exception {
        // a window of 32 forgets in runs of 2: the journal holds 32 or 33 rows, never one per send more
        FerryConnectionFactory factory = start(database, "destination.runs.duplicateIdWindow=32");
        Session s = session(factory, false);
        for (int i = 1; i <= 40; i++) {
            send(s, s.createQueue("runs"), "r" + i, "r" + i);
        }
        long kept = rows();
        assertTrue(kept >= 32 && kept <= 33, kept + " rows for a window of 32");
        broker.stop();

        s = session(factory, false);
        send(s, s.createQueue("runs"), "r9", "r9 again"); // the oldest of the last 32: a duplicate
        send(s, s.createQueue("runs"), "r8", "r8 again"); // out of the window, though its row may remain
        List<String> received = drain(s.createConsumer(s.createQueue("runs")));
        assertEquals(41, received.size());
        assertEquals("r8 again", received.get(40));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anIdOlderThanTheTimeWindowIsForgottenAcrossARestart(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database, "destination.brief.duplicateIdWindowTime=500");
        Session s = session(factory, false);
        send(s, s.createQueue("brief"), "b", "before");
        broker.stop();
        Thread.sleep(1500); // three times the window

        s = session(factory, false);
        send(s, s.createQueue("brief"), "b", "after");
        assertEquals(List.of("before", "after"), drain(s.createConsumer(s.createQueue("brief"))));
        assertEquals(1, rows(), "the expired row went with the next send's batch");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aTopicWindowIsKeptPerTopicAcrossARestart(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database, "clientID=dups-topic");
        Session s = session(factory, false);
        s.createDurableSubscriber(s.createTopic("prices"), "audit").close();
        send(s, s.createTopic("prices"), "p", "price");
        broker.stop();

        s = session(factory, false);
        send(s, s.createTopic("prices"), "p", "price again");
        send(s, s.createQueue("prices"), "p", "a queue's window is its own");
        assertEquals(List.of("price"), drain(s.createDurableSubscriber(s.createTopic("prices"), "audit")));
        assertEquals(List.of("a queue's window is its own"), drain(s.createConsumer(s.createQueue("prices"))));
    }

    // ---- local transactions ----

    @ParameterizedTest
    @MethodSource("databases")
    void aRolledBackSendDoesNotTakeItsIdACommittedOneDoes(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        Session tx = session(factory, true);
        send(tx, tx.createQueue("tx"), "t", "rolled back");
        tx.rollback();
        assertEquals(0, rows());
        send(tx, tx.createQueue("tx"), "t", "committed");
        tx.commit();
        assertEquals(1, rows());
        send(tx, tx.createQueue("tx"), "t", "committed again");
        tx.commit(); // succeeds, storing nothing
        broker.stop();

        Session s = session(factory, false);
        send(s, s.createQueue("tx"), "t", "after the restart");
        assertEquals(List.of("committed"), drain(s.createConsumer(s.createQueue("tx"))));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theSecondSendOfAnIdInOneTransactionIsDropped(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        Session tx = session(factory, true);
        send(tx, tx.createQueue("tx"), "t", "first");
        send(tx, tx.createQueue("tx"), "u", "other");
        send(tx, tx.createQueue("tx"), "t", "second");
        tx.commit();
        Session s = session(factory, false);
        assertEquals(List.of("first", "other"), drain(s.createConsumer(s.createQueue("tx"))));
    }

    // ---- XA ----

    private Xid prepareSend(String url, String duplicateId, String text) throws Exception {
        Xid xid = TestXid.next();
        try (XAConnection c = new FerryXAConnectionFactory(url).createXAConnection()) {
            XASession session = c.createXASession();
            XAResource xa = session.getXAResource();
            xa.start(xid, XAResource.TMNOFLAGS);
            send(session, session.createQueue("xa"), duplicateId, text);
            xa.end(xid, XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_OK, xa.prepare(xid));
        }
        return xid;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aPreparedBranchHoldsItsIdsEvenAcrossARestartAndItsCommitWritesThem(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database);
        String url = broker.url();
        prepareSend(url, "x", "in the branch");
        Session s = session(factory, false);
        send(s, s.createQueue("xa"), "x", "while prepared"); // a duplicate of the prepared send
        assertEquals(0, rows(), "the ID is written with the commit, not before");
        broker.stop();

        s = session(factory, false);
        send(s, s.createQueue("xa"), "x", "while prepared, after a restart");
        try (XAConnection c = broker.track(new FerryXAConnectionFactory(url).createXAConnection())) {
            XAResource xa = c.createXASession().getXAResource();
            Xid[] prepared = xa.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            assertEquals(1, prepared.length);
            xa.commit(prepared[0], false);
        }
        assertEquals(1, rows());
        send(s, s.createQueue("xa"), "x", "after the commit");
        broker.stop();

        s = session(factory, false);
        send(s, s.createQueue("xa"), "x", "after the commit and a restart");
        assertEquals(List.of("in the branch"), drain(s.createConsumer(s.createQueue("xa"))));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRolledBackBranchFreesItsIds(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        String url = broker.url();
        Xid xid = prepareSend(url, "r", "rolled back");
        try (XAConnection c = broker.track(new FerryXAConnectionFactory(url).createXAConnection())) {
            c.createXASession().getXAResource().rollback(xid);
        }
        Session s = session(factory, false);
        send(s, s.createQueue("xa"), "r", "sent after the rollback");
        assertEquals(List.of("sent after the rollback"), drain(s.createConsumer(s.createQueue("xa"))));
        assertEquals(1, rows());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aOnePhaseCommitTakesItsIdsAsALocalTransactionDoes(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        Xid xid = TestXid.next();
        try (XAConnection c = broker.track(new FerryXAConnectionFactory(broker.url()).createXAConnection())) {
            XASession session = c.createXASession();
            XAResource xa = session.getXAResource();
            xa.start(xid, XAResource.TMNOFLAGS);
            send(session, session.createQueue("xa"), "o", "first");
            send(session, session.createQueue("xa"), "o", "second");
            xa.end(xid, XAResource.TMSUCCESS);
            xa.commit(xid, true);
        }
        Session s = session(factory, false);
        send(s, s.createQueue("xa"), "o", "after the commit");
        assertEquals(List.of("first"), drain(s.createConsumer(s.createQueue("xa"))));
    }

    // ---- the schema ----

    @ParameterizedTest
    @MethodSource("databases")
    void aVersion4JournalGetsTheDuplicateIdTable(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        Session s = session(factory, false);
        send(s, s.createQueue("kept"), "old", "stored by version 4");
        broker.stop();
        // the schema as FerryMQ left it before version 5 (without what 6, large message bodies, and 7,
        // duplicate IDs in the message rows and the window by entry, added either)
        db.dropViews(); // and 8, the monitoring views
        db.execute("DROP TABLE FMQ_DUPLICATE_WINDOW");
        db.execute("DROP TABLE FMQ_MSG_CHUNK");
        db.execute("ALTER TABLE FMQ_MESSAGE DROP COLUMN LARGE_BODY_SIZE");
        db.execute("ALTER TABLE FMQ_MESSAGE DROP COLUMN DUPLICATE_ID");
        db.execute("DELETE FROM FMQ_SCHEMA_VERSION WHERE SCHEMA_VERSION >= 5");

        s = session(factory, false);
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_SCHEMA_VERSION WHERE SCHEMA_VERSION = 5"));
        assertEquals(JournalSchema.CURRENT_VERSION, db.queryLong("SELECT MAX(SCHEMA_VERSION) FROM FMQ_SCHEMA_VERSION"));
        send(s, s.createQueue("kept"), "new", "new");
        send(s, s.createQueue("kept"), "new", "new again");
        assertEquals(List.of("stored by version 4", "new"), drain(s.createConsumer(s.createQueue("kept"))));
        assertEquals(1, rows());
    }

    /**
     * A message's duplicate ID is in its message row (FMQ_MESSAGE.DUPLICATE_ID), not in a
     * property row; read back after a restart, the message carries it as it was sent.
     */
    @ParameterizedTest
    @MethodSource("databases")
    void aDuplicateIdIsKeptInItsMessageRowAndDeliveredWithTheMessageAfterARestart(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database);
        Session s = session(factory, false);
        send(s, s.createQueue("kept"), "only-an-id", "only an ID");
        TextMessage both = s.createTextMessage("an ID and a property");
        both.setStringProperty(ID, "id-and-property");
        both.setIntProperty("price", 7);
        s.createProducer(s.createQueue("kept")).send(both);
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_PROPERTY WHERE PROP_NAME = '" + ID + "'"),
                "no property row for a duplicate ID");
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_PROPERTY"), "the other property's row");

        s = session(factory, false);
        MessageConsumer consumer = s.createConsumer(s.createQueue("kept"));
        Message first = consumer.receive(30_000);
        assertEquals("only an ID", ((TextMessage) first).getText());
        assertEquals("only-an-id", first.getStringProperty(ID));
        Message second = consumer.receive(30_000);
        assertEquals("id-and-property", second.getStringProperty(ID));
        assertEquals(7, second.getIntProperty("price"));
        consumer.close();
        send(s, s.createQueue("kept"), "only-an-id", "again");
        assertEquals(List.of(), drain(s.createConsumer(s.createQueue("kept"))), "still in the window");
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_PROPERTY"), "consumed: the property rows go");
    }

    /**
     * A version-6 journal kept a stored message's duplicate ID in a property row, and its window
     * in FMQ_DUPLICATE_ID keyed by destination and number: migration 7 moves the ID into the
     * message row, and the window into FMQ_DUPLICATE_WINDOW, numbered, where it keeps dropping
     * duplicates and goes on growing and being forgotten.
     */
    @ParameterizedTest
    @MethodSource("databases")
    void aVersion6JournalMovesItsDuplicateIdsIntoTheMessageRows(JournalDatabase database) throws Exception {
        FerryConnectionFactory factory = start(database);
        Session s = session(factory, false);
        TextMessage old = s.createTextMessage("stored by version 6");
        old.setStringProperty(ID, "old");
        old.setIntProperty("price", 5);
        s.createProducer(s.createQueue("kept")).send(old);
        send(s, s.createQueue("kept"), "old-alone", "stored by version 6, an ID alone");
        broker.stop();
        // as version 6 stored them: the ID in a property row, counted with the others
        db.execute("INSERT INTO FMQ_MSG_PROPERTY (MSG_NO, PROP_NAME, PROP_TYPE, PROP_VALUE) SELECT MSG_NO, '" + ID
                + "', 'string', DUPLICATE_ID FROM FMQ_MESSAGE WHERE DUPLICATE_ID IS NOT NULL");
        db.execute("UPDATE FMQ_MESSAGE SET PROPERTY_COUNT = PROPERTY_COUNT + 1 WHERE DUPLICATE_ID IS NOT NULL");
        db.dropViews(); // version 8's
        db.execute("ALTER TABLE FMQ_MESSAGE DROP COLUMN DUPLICATE_ID");
        // and the window as version 6 kept it: one row per ID by destination and number
        db.execute("CREATE TABLE FMQ_DUPLICATE_ID (DEST_TYPE VARCHAR(10) NOT NULL, DEST_NAME VARCHAR(255) NOT NULL, "
                + "SEQ_NO BIGINT NOT NULL, DUP_ID VARCHAR(255) NOT NULL, SEEN_AT BIGINT NOT NULL, "
                + "PRIMARY KEY (DEST_TYPE, DEST_NAME, SEQ_NO))");
        db.execute("INSERT INTO FMQ_DUPLICATE_ID (DEST_TYPE, DEST_NAME, SEQ_NO, DUP_ID, SEEN_AT) "
                + "SELECT DEST_TYPE, DEST_NAME, SEQ_NO, DUP_ID, SEEN_AT FROM FMQ_DUPLICATE_WINDOW");
        db.execute("INSERT INTO FMQ_DUPLICATE_ID (DEST_TYPE, DEST_NAME, SEQ_NO, DUP_ID, SEEN_AT) "
                + "VALUES ('queue', 'other', 1, 'old', 1)");
        db.execute("DROP TABLE FMQ_DUPLICATE_WINDOW");
        db.execute("DELETE FROM FMQ_SCHEMA_VERSION WHERE SCHEMA_VERSION >= 7");

        s = session(factory, false);
        assertEquals(JournalSchema.CURRENT_VERSION, db.queryLong("SELECT MAX(SCHEMA_VERSION) FROM FMQ_SCHEMA_VERSION"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_PROPERTY WHERE PROP_NAME = '" + ID + "'"),
                "the IDs moved out of the property rows");
        assertEquals(2, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE WHERE DUPLICATE_ID IS NOT NULL"));
        assertEquals(1, db.queryLong("SELECT SUM(PROPERTY_COUNT) FROM FMQ_MESSAGE"), "the price's row alone");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_DUPLICATE_WINDOW WHERE ENTRY_NO NOT BETWEEN 1 AND 3"),
                "the window's three rows, numbered");
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_DUPLICATE_WINDOW WHERE DEST_NAME = 'other' "
                + "AND DUP_ID = 'old'"));
        try (java.sql.Connection connection = db.connect()) {
            assertFalse(JournalSchema.tableExists(connection, "FMQ_DUPLICATE_ID"), "the old window's table went");
        }
        send(s, s.createQueue("kept"), "old", "a duplicate of the old one");
        send(s, s.createQueue("other"), "old", "a duplicate in the other queue's window");
        send(s, s.createQueue("kept"), "new", "new after the upgrade");
        MessageConsumer consumer = s.createConsumer(s.createQueue("kept"));
        Message first = consumer.receive(30_000);
        assertEquals("stored by version 6", ((TextMessage) first).getText());
        assertEquals("old", first.getStringProperty(ID));
        assertEquals(5, first.getIntProperty("price"));
        Message second = consumer.receive(30_000);
        assertEquals("old-alone", second.getStringProperty(ID));
        consumer.close();
        assertEquals(List.of("new after the upgrade"), drain(s.createConsumer(s.createQueue("kept"))));
        assertEquals(List.of(), drain(s.createConsumer(s.createQueue("other"))));
        assertEquals(4, rows());
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_PROPERTY"), "consumed: the property rows go");
    }
}
