package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A destination whose creation waits for the database (here a row lock another connection
 * holds on its name in FMQ_DESTINATION) holds up nothing else: other destinations are
 * created, durable subscriptions made, and existing destinations used meanwhile. When the lock
 * goes, the waiting creation completes and its message is delivered.
 */
class StalledCreationTest {

    /** Long enough that no step of this test meets the journal timeout. */
    private static final String JOURNAL_TIMEOUT = "journalTimeout=120000";
    private static final long DEADLINE_SECONDS = 30;

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("stalled-creation");

    private final ExecutorService threads = Executors.newCachedThreadPool();

    static List<JournalDatabase> databases() {
        return List.of(JournalDatabase.postgresql(), JournalDatabase.mariadb());
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aCreationWaitingForTheDatabaseHoldsUpNoOtherDestination(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        FerryConnectionFactory factory = broker.factory(JOURNAL_TIMEOUT);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("existing")).send(s.createTextMessage("before"));
        }

        try (java.sql.Connection lock = db.connect()) {
            lock.setAutoCommit(false);
            try (Statement insert = lock.createStatement()) {
                // the broker's own insert of this name waits for this transaction to end
                insert.executeUpdate("INSERT INTO FMQ_DESTINATION (DEST_TYPE, DEST_NAME, CREATED_AT) "
                        + "VALUES ('queue', 'stalled', 0)");
            }
            Future<?> stalledSend = threads.submit(() -> {
                try (Connection c = factory.createConnection()) {
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    s.createProducer(s.createQueue("stalled")).send(s.createTextMessage("waited"));
                }
                return null;
            });
            awaitBlockedBy(lock, database, stalledSend);

            within(() -> {
                try (Connection c = factory.createConnection()) {
                    c.start();
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    s.createProducer(s.createQueue("existing")).send(s.createTextMessage("meanwhile"));
                    MessageConsumer existing = s.createConsumer(s.createQueue("existing"));
                    assertEquals("before", text(existing.receive(30_000)));
                    assertEquals("meanwhile", text(existing.receive(30_000)));
                }
                return null;
            }, "sending to and receiving from an existing queue");
            within(() -> {
                try (Connection c = factory.createConnection()) {
                    c.start();
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    s.createProducer(s.createQueue("other")).send(s.createTextMessage("created meanwhile"));
                    assertEquals("created meanwhile", text(s.createConsumer(s.createQueue("other")).receive(30_000)));
                }
                return null;
            }, "creating another queue");
            within(() -> {
                try (Connection c = factory.createConnection()) {
                    c.setClientID("meanwhile");
                    c.start();
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    Topic news = s.createTopic("news");
                    MessageConsumer subscriber = s.createDurableSubscriber(news, "reader");
                    s.createProducer(news).send(s.createTextMessage("published meanwhile"));
                    assertEquals("published meanwhile", text(subscriber.receive(30_000)));
                }
                return null;
            }, "creating a topic and a durable subscription");

            lock.rollback();
            stalledSend.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertEquals("waited", text(s.createConsumer(s.createQueue("stalled")).receive(30_000)));
        }
    }

    /** Runs {@code work}, failing the test if it has not finished within the deadline. */
    private void within(Callable<Void> work, String what) throws Exception {
        Future<Void> done = threads.submit(work);
        try {
            done.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + " waited " + DEADLINE_SECONDS + " s behind the stalled creation", e);
        }
    }

    /**
     * Waits until the database reports a statement of another session waiting for {@code lock}'s
     * transaction; fails at once if the send that should wait for it has finished.
     */
    private static void awaitBlockedBy(java.sql.Connection lock, JournalDatabase database, Future<?> stalledSend)
            throws Exception {
        // PostgreSQL keeps the first pg_stat_activity it shows a transaction for the rest of it
        // (the lock's transaction stays open), so a backend that connected later, such as the
        // one of the broker's insert, would never appear: each poll takes a fresh one
        String query = database.name().equals("postgresql")
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
                : "SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS w JOIN information_schema.INNODB_TRX b "
                        + "ON b.trx_id = w.blocking_trx_id WHERE b.trx_mysql_thread_id = CONNECTION_ID()";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!blocking(lock, database, query)) {
            assertTrue(System.nanoTime() < deadline, "the broker never tried to create 'stalled'");
            if (stalledSend.isDone()) {
                stalledSend.get(); // its failure, if it failed, says why it did not wait
                throw new AssertionError("the send to 'stalled' returned while its queue's creation was locked");
            }
            // more than 0.1 s apart: MariaDB refreshes its INNODB_* tables only after they were
            // left unread for 0.1 s, so faster polling keeps reading the same stale snapshot
            Thread.sleep(250);
        }
    }

    private static boolean blocking(java.sql.Connection lock, JournalDatabase database, String query)
            throws SQLException {
        if (database.name().equals("postgresql")) {
            try (Statement clear = lock.createStatement()) {
                clear.execute("SELECT pg_stat_clear_snapshot()");
            }
        }
        try (PreparedStatement count = lock.prepareStatement(query); ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static String text(Message message) throws Exception {
        assertTrue(message instanceof TextMessage, "expected a message, got " + message);
        return ((TextMessage) message).getText();
    }
}
