package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionRolledBackException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The journal writer when a write fails in a way no database reports as an SQLException: a
 * driver's RuntimeException half-way through a group, and an Error (an OutOfMemoryError
 * copying a large body). Neither real database produces these on demand, so both are fault
 * injection ({@link FaultInjectingDataSource}) around the real database; everything written
 * before the fault really reached it.
 */
class JournalWriterFailureTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("writer-failure");

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    /** Starts the broker on {@code journal} (not by its URL, which cannot hand it a DataSource). */
    private FerryConnectionFactory start(DataSource journal) throws Exception {
        BrokerConfig config = new BrokerConfig(broker.name()).journalDataSource(journal).journalTimeoutMillis(5_000);
        EmbeddedBroker.start(config);
        return new FerryConnectionFactory("vm://" + broker.name());
    }

    private static List<String> drain(MessageConsumer consumer) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (Message m = consumer.receive(2000); m != null; m = consumer.receive(500)) {
            texts.add(((TextMessage) m).getText() + (m.getJMSRedelivered() ? " (redelivered)" : ""));
        }
        return texts;
    }

    /** Sends until the broker refuses because it has stopped; answers the refusal. */
    private static JMSException awaitStopped(MessageProducer producer, Session session) throws JMSException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                producer.send(session.createTextMessage("after"));
            } catch (IllegalStateException e) {
                return e;
            } catch (JMSException e) {
                // a write refused before the broker finished stopping
            }
            assertTrue(System.currentTimeMillis() < deadline,
                    "the broker did not stop after its journal writer failed with an Error");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aGroupThatFailsHalfWrittenLeavesNothingForALaterCommit(JournalDatabase database) throws Exception {
        FaultInjectingDataSource journal = new FaultInjectingDataSource(broker.start(database));
        FerryConnectionFactory factory = start(journal);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            plain.createProducer(plain.createQueue("in")).send(plain.createTextMessage("work"));
            MessageProducer out = plain.createProducer(plain.createQueue("out"));

            Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer in = transacted.createConsumer(transacted.createQueue("in"));
            assertEquals("work", ((TextMessage) in.receive(5000)).getText());
            transacted.createProducer(transacted.createQueue("out")).send(transacted.createTextMessage("phantom"));
            // the commit's message and its place on 'out' are written, then the removal of 'work' fails
            journal.failBatches("DELETE FROM FMQ_QUEUE_REF",
                    () -> new java.lang.IllegalStateException("injected: the driver failed executing the batch"));
            assertThrows(TransactionRolledBackException.class, transacted::commit);
            assertTrue(journal.fired(), "the fault was not injected: the commit took another way");

            journal.disarm();
            out.send(plain.createTextMessage("later")); // a later group that commits
        }
        broker.stop();

        try (Connection connection = start(journal).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertEquals(List.of("later"), drain(session.createConsumer(session.createQueue("out"))),
                    "a message whose commit failed was stored by the next group");
            assertEquals(List.of("work (redelivered)"), drain(session.createConsumer(session.createQueue("in"))),
                    "the message the failed commit consumed did not come back");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anErrorInTheWriterStopsTheBrokerAndFreesItsLease(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        FaultInjectingDataSource journal = new FaultInjectingDataSource(db);
        try (Connection connection = start(journal).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("q"));
            producer.send(session.createTextMessage("before"));

            journal.failBatches("INSERT INTO FMQ_MESSAGE",
                    () -> new OutOfMemoryError("injected: no heap left to copy a message body"));
            assertThrows(JMSException.class, () -> producer.send(session.createTextMessage("lost")));
            assertTrue(journal.fired(), "the fault was not injected");

            JMSException refusal = awaitStopped(producer, session);
            assertTrue(refusal.getMessage().contains("stopped because"), refusal.getMessage());
            assertTrue(refusal.getMessage().contains("OutOfMemoryError"), refusal.getMessage());
        }

        long deadline = System.currentTimeMillis() + 30_000;
        while (db.queryLong("SELECT COUNT(*) FROM FMQ_LEASE WHERE HOLDER_INSTANCE IS NOT NULL") > 0) {
            assertTrue(System.currentTimeMillis() < deadline, "the stopped broker kept its lease");
            Thread.sleep(100);
        }
        // at once, not after the lease's 30 seconds: the stopped broker gave it up
        String next = "after-error-" + UUID.randomUUID();
        try (Connection connection = new FerryConnectionFactory(db.brokerUrl(next)).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("q"));
            assertEquals(List.of("before"), drain(consumer));
            assertNull(consumer.receiveNoWait());
        } finally {
            EmbeddedBroker.stop(next);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aBrokerItsJournalStoppedMakesWayForAFreshOneOnTheNextConnection(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        FaultInjectingDataSource journal = new FaultInjectingDataSource(db);
        try (Connection connection = start(journal).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("q"));
            producer.send(session.createTextMessage("before"));
            journal.failBatches("INSERT INTO FMQ_MESSAGE",
                    () -> new OutOfMemoryError("injected: no heap left to copy a message body"));
            assertThrows(JMSException.class, () -> producer.send(session.createTextMessage("lost")));
            assertTrue(journal.fired(), "the fault was not injected");
            awaitStopped(producer, session);
        }
        // vm://NAME no longer names the stopped broker: the URL starts a new one, which recovers the journal
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try (Connection connection = broker.factory().createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                assertEquals(List.of("before"), drain(session.createConsumer(session.createQueue("q"))));
                return;
            } catch (IllegalStateException e) {
                assertTrue(System.currentTimeMillis() < deadline,
                        "a new vm:// connection still reaches the broker its journal stopped: " + e.getMessage());
                Thread.sleep(100);
            }
        }
    }
}
