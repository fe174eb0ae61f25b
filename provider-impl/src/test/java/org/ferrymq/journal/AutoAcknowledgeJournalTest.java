package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AUTO_ACKNOWLEDGE and DUPS_OK_ACKNOWLEDGE on a real journal: a receive hands the message to
 * the application without waiting for its acknowledgement to be stored, yet an acknowledged
 * message never comes back unflagged: not after a clean restart, not after a recover, and when
 * the journal cannot store the acknowledgement, the message comes back flagged as redelivered.
 *
 * <p>The journal is held up with a real trigger: the test locks a message's row in
 * {@code FMQ_MESSAGE} ({@code SELECT ... FOR UPDATE} in an open transaction, {@link
 * JournalStall#holdMessage}), which the acknowledgement's delete has to wait for, until the lock
 * is released or the database's own lock timeout fails the write.
 */
class AutoAcknowledgeJournalTest {

    /** A generous bound for anything the test waits for; nothing is asserted about speed. */
    private static final long PATIENCE_MILLIS = 30_000;

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("auto-ack");

    private JournalDatabase db;
    private FerryConnectionFactory factory;
    private final ExecutorService receiver = Executors.newSingleThreadExecutor();

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    /**
     * A broker on an emptied database whose statements give up waiting for a row lock after
     * {@code lockTimeoutMillis}, the database's own setting ({@link JournalStall#lockWaitsAtMost}).
     * The statement fails and the journal writer rolls its transaction back, releasing its locks.
     */
    private void start(JournalDatabase database, long lockTimeoutMillis, String... parameters) throws Exception {
        db = broker.start(JournalStall.lockWaitsAtMost(database, lockTimeoutMillis));
        factory = broker.factory(parameters);
    }

    @AfterEach
    void stopReceiver() {
        receiver.shutdownNow();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anAutoAcknowledgeReceiveDoesNotWaitForItsAcknowledgementToBeStored(JournalDatabase database)
            throws Exception {
        start(database, 120_000, "journalTimeout=120000");
        List<String> ids = send("overlap", 4);
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("overlap"));
            assertEquals("m0", text(consumer.receive(PATIENCE_MILLIS)));
            awaitRemoved("overlap", 1);
            try (JournalStall lock = JournalStall.holdMessage(db, ids.get(1))) {
                // m1's acknowledgement cannot be stored while the row is locked; the application goes on
                Future<List<String>> received = receiver.submit(() -> List.of(text(consumer.receive(PATIENCE_MILLIS)),
                        text(consumer.receive(PATIENCE_MILLIS)), text(consumer.receive(PATIENCE_MILLIS))));
                try {
                    assertEquals(List.of("m1", "m2", "m3"), received.get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    fail("receive() waited for its acknowledgement to be stored: it did not return while the "
                            + "journal could not write the acknowledgement");
                }
                assertEquals(3, depth("overlap"), "acknowledgements were stored through the lock");
            }
        }
        // closing the connection waited for the acknowledgements, now the lock is gone
        assertEquals(0, depth("overlap"), "acknowledged messages left in the journal after close");
        broker.stop();
        assertEquals(List.of(), receiveAll("overlap", 0));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMessageWhoseAcknowledgementCouldNotBeStoredComesBackFlagged(JournalDatabase database) throws Exception {
        // the database fails the acknowledgement's write after 1 s; the journal timeout is far off
        start(database, 1_000, "journalTimeout=20000");
        List<String> ids = send("failing", 3);
        Set<String> seen = new HashSet<>();
        AtomicInteger flaggedM1 = new AtomicInteger();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("failing"));
            assertEquals("m0", text(consumer.receive(PATIENCE_MILLIS)));
            seen.add("m0");
            awaitRemoved("failing", 1);
            try (JournalStall lock = JournalStall.holdMessage(db, ids.get(1))) {
                // m1's acknowledgement waits for the lock until the database gives up, and fails
                while (flaggedM1.get() == 0) {
                    Message m = consumer.receive(PATIENCE_MILLIS);
                    assertNotNull(m, "m1 did not come back after its acknowledgement failed");
                    String text = text(m);
                    if (!seen.add(text)) {
                        assertTrue(m.getJMSRedelivered(), text + " came back unflagged after it was received");
                        assertTrue(m.getIntProperty("JMSXDeliveryCount") >= 2, text + "'s delivery count");
                        if (text.equals("m1")) {
                            flaggedM1.incrementAndGet();
                        }
                    }
                }
            }
        }
        // whatever else is left (an acknowledgement that shared the failed write) comes back flagged
        broker.stop();
        long left = depth("failing");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("failing"));
            for (long i = 0; i < left; i++) {
                Message m = consumer.receive(PATIENCE_MILLIS);
                assertNotNull(m, "the journal holds " + left + " message(s) but only " + i + " came back");
                assertTrue(m.getJMSRedelivered(), text(m) + " came back unflagged after it was received");
            }
        }
        assertEquals(0, depth("failing"));
        assertEquals(Set.of("m0", "m1", "m2"), seen);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anAutoAcknowledgedMessageDoesNotComeBackAfterACleanRestart(JournalDatabase database) throws Exception {
        start(database, 10_000);
        send("restart", 10);
        Connection c = factory.createConnection();
        try {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("restart"));
            for (int i = 0; i < 5; i++) {
                assertEquals("m" + i, text(consumer.receive(PATIENCE_MILLIS)));
            }
            // the broker stops under the open connection, right after the last receive returned
            broker.stop();
        } finally {
            c.close();
        }
        try (Connection again = factory.createConnection()) {
            again.start();
            Session s = again.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("restart"));
            Message first = consumer.receive(PATIENCE_MILLIS);
            // the last receive's acknowledgement goes out with the session's next receive (or
            // 100 ms later), never before the application has the message: stopped before then,
            // m4 may come again, but only flagged; m0 to m3 were acknowledged and never do
            if ("m4".equals(text(first))) {
                assertTrue(first.getJMSRedelivered(), "m4 came again unflagged");
                first = consumer.receive(PATIENCE_MILLIS);
            }
            List<String> after = new ArrayList<>(List.of(text(first)));
            for (int i = 0; i < 4; i++) {
                after.add(text(consumer.receive(PATIENCE_MILLIS)));
            }
            assertEquals(List.of("m5", "m6", "m7", "m8", "m9"), after, "acknowledged messages came back");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aReceivedMessageIsAcknowledgedByTheNextReceiveOrSoonAfterWithoutOne(JournalDatabase database)
            throws Exception {
        start(database, 10_000);
        send("after-return", 3);
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("after-return"));
            assertEquals("m0", text(consumer.receive(PATIENCE_MILLIS)));
            assertEquals("m1", text(consumer.receive(PATIENCE_MILLIS)));
            // m0's acknowledgement went with the second receive; m1's goes soon after without a third
            long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
            while (depth("after-return") > 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, depth("after-return"), "m0 and m1 are acknowledged while the connection stays open");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void recoverAfterAutoAcknowledgementsRedeliversNoneOfThem(JournalDatabase database) throws Exception {
        start(database, 10_000);
        send("recover", 6);
        try (Connection c = factory.createConnection()) {
            c.start();
            for (int mode : new int[] {Session.AUTO_ACKNOWLEDGE, Session.DUPS_OK_ACKNOWLEDGE}) {
                Session s = c.createSession(false, mode);
                MessageConsumer consumer = s.createConsumer(s.createQueue("recover"));
                int first = mode == Session.AUTO_ACKNOWLEDGE ? 0 : 3;
                for (int i = first; i < first + 2; i++) {
                    assertEquals("m" + i, text(consumer.receive(PATIENCE_MILLIS)));
                }
                s.recover();
                Message next = consumer.receive(PATIENCE_MILLIS);
                assertEquals("m" + (first + 2), text(next), "recover brought back an acknowledged message");
                assertFalse(next.getJMSRedelivered(), "a message the application had not seen came back flagged");
                s.close();
            }
        }
        assertEquals(0, depth("recover"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRefusedReceiveBodyDoesNotTakeBackWhatDupsOkConsumedBefore(JournalDatabase database) throws Exception {
        start(database, 10_000);
        try (JMSContext context = factory.createContext(JMSContext.DUPS_OK_ACKNOWLEDGE)) {
            Queue queue = context.createQueue("refused");
            JMSProducer producer = context.createProducer();
            producer.send(queue, "m0");
            producer.send(queue, new byte[] {1});
            producer.send(queue, "m2");
            JMSConsumer consumer = context.createConsumer(queue);
            assertEquals("m0", consumer.receiveBody(String.class, PATIENCE_MILLIS));
            // the BytesMessage is refused: it comes again as if the call had not happened, m0 must not
            assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(String.class, PATIENCE_MILLIS));
            assertTrue(consumer.receive(PATIENCE_MILLIS) instanceof BytesMessage, "a message DUPS_OK had consumed came back before the refused one");
            Message next = consumer.receive(PATIENCE_MILLIS);
            assertEquals("m2", text(next), "a message DUPS_OK had consumed came back after a refused receiveBody");
        }
        assertEquals(0, depth("refused"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void dupsOkAcknowledgementsAreStoredSoonWithoutAClose(JournalDatabase database) throws Exception {
        start(database, 10_000);
        send("lazy", 3);
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("lazy"));
            for (int i = 0; i < 3; i++) {
                assertEquals("m" + i, text(consumer.receive(PATIENCE_MILLIS)));
            }
            awaitRemoved("lazy", 3); // the session is still open and receives nothing more
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aListenersAutoAcknowledgementsAreStoredWhenTheConnectionCloses(JournalDatabase database) throws Exception {
        start(database, 10_000);
        send("listened", 20);
        List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createConsumer(s.createQueue("listened")).setMessageListener(m -> heard.add(text(m)));
            c.start();
            long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
            while (heard.size() < 20) {
                assertTrue(System.currentTimeMillis() < deadline, "the listener heard only " + heard);
                Thread.sleep(10);
            }
        }
        assertEquals(0, depth("listened"), "acknowledged messages left in the journal after close");
        broker.stop();
        assertEquals(List.of(), receiveAll("listened", 0));
    }

    // ---- helpers ----

    /** Sends {@code count} persistent texts m0, m1, ... and answers their JMSMessageIDs. */
    private List<String> send(String queue, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(queue));
            for (int i = 0; i < count; i++) {
                TextMessage m = s.createTextMessage("m" + i);
                producer.send(m);
                ids.add(m.getJMSMessageID());
            }
        }
        return ids;
    }

    /** Receives exactly {@code count} texts, then checks that the journal holds nothing more for the queue. */
    private List<String> receiveAll(String queue, int count) throws Exception {
        List<String> texts = new ArrayList<>();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            for (int i = 0; i < count; i++) {
                Message m = consumer.receive(PATIENCE_MILLIS);
                assertNotNull(m, "only " + i + " of " + count + " messages on '" + queue + "'");
                texts.add(text(m));
            }
        }
        assertEquals(0, depth(queue), "more messages on '" + queue + "' than " + texts);
        return texts;
    }

    private long depth(String queue) throws SQLException {
        return db.depth(queue);
    }

    /** Waits until the first {@code count} places of the queue are gone from the journal. */
    private void awaitRemoved(String queue, int count) throws Exception {
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        String sql = "SELECT COUNT(*) FROM FMQ_QUEUE_REF r JOIN FMQ_DESTINATION d ON d.QUEUE_ID = r.QUEUE_ID "
                + "WHERE d.DEST_TYPE = 'queue' AND d.DEST_NAME = '" + queue + "' AND r.SEQ_NO <= " + count;
        while (db.queryLong(sql) > 0) {
            assertTrue(System.currentTimeMillis() < deadline, "the acknowledgements of the first " + count
                    + " message(s) on '" + queue + "' were not stored within " + PATIENCE_MILLIS + " ms");
            Thread.sleep(20);
        }
    }

    private static String text(Message message) {
        try {
            return message == null ? null : ((TextMessage) message).getText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
