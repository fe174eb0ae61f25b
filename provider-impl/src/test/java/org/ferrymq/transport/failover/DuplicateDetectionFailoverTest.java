package org.ferrymq.transport.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.api.journal.ChunkedBody;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.StoredMessage;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.journal.JdbcJournal;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.ForwardingJournal;
import org.ferrymq.testing.Opened;
import org.ferrymq.testing.PatternBody;
import org.ferrymq.transport.tcp.TcpAcceptor;
import org.ferrymq.transport.tcp.TcpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The send whose answer is lost (issue 15): the server stores a persistent message and is
 * restarted before its answer reaches the client. With {@code duplicateDetection=true} the
 * client's failover sends it again on the new connection, and the restarted server, which read
 * the message's duplicate ID back from its journal, acknowledges it without storing it twice.
 * The moment is made exact by a journal that holds the answer back until the server is gone.
 */
class DuplicateDetectionFailoverTest {

    private static final long WAIT_MILLIS = 60_000;
    private static final String QUICK = "reconnectDelay=50&maxReconnectDelay=500&reconnectAttempts=-1";

    @TempDir
    Path data;

    private final String name = "dups-failover-" + UUID.randomUUID();
    private final Opened opened = new Opened();
    private EmbeddedBroker broker;
    private TcpAcceptor acceptor;
    private int port;

    @AfterEach
    void stop() {
        opened.closeAll();
        if (acceptor != null) {
            acceptor.close();
        }
        if (broker != null && broker.isRunning()) {
            broker.stop();
        }
    }

    private BrokerConfig config() {
        return new BrokerConfig(name).dataDirectory(data);
    }

    private void start(Journal journal) throws JMSException {
        broker = EmbeddedBroker.start(journal == null ? config() : config().journal(journal));
        acceptor = TcpAcceptor.start(broker, "127.0.0.1", port, TcpSettings.DEFAULTS);
        port = acceptor.port();
    }

    /**
     * The broker's own H2 journal, but the batch that stores the message "lost answer" (or the
     * one {@code held} picks) is reported stored only when {@link #release} completes: the
     * message is in the database, and the broker has not answered yet.
     */
    private static final class AnswerHoldingJournal extends ForwardingJournal {
        final Predicate<StoredMessage> held;
        final CountDownLatch stored = new CountDownLatch(1);
        final CompletableFuture<Void> release = new CompletableFuture<>();

        AnswerHoldingJournal(Journal inner) {
            this(inner, message -> "lost answer".equals(message.content().body()));
        }

        AnswerHoldingJournal(Journal inner, Predicate<StoredMessage> held) {
            super(inner);
            this.held = held;
        }

        @Override
        public CompletableFuture<Void> append(List<JournalRecord> batch) {
            CompletableFuture<Void> written = inner.append(batch);
            boolean held = batch.stream().anyMatch(r -> r instanceof JournalRecord.MessageStored m
                    && this.held.test(m.message()));
            if (!held) {
                return written;
            }
            return written.thenCompose(ok -> {
                stored.countDown();
                return release;
            });
        }
    }

    /**
     * Sends {@code message} in the background; once the server has stored it, cuts the client's
     * connection before the answer goes out and restarts the server on the same port and data.
     * Answers the send, which the client's failover then finishes or fails.
     */
    private CompletableFuture<Void> sendAndRestartBeforeTheAnswer(AnswerHoldingJournal journal,
            MessageProducer producer, Message message) throws Exception {
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                producer.send(message);
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(journal.stored.await(WAIT_MILLIS, TimeUnit.MILLISECONDS), "the message was not stored");
        acceptor.close(); // the client's connection is gone before the broker answers
        journal.release.complete(null);
        broker.stop();
        start(null); // the same port and data
        return sent;
    }

    /**
     * Sends "lost answer" on a connection with {@code parameters}; the server stores it and is
     * restarted before it answers. Answers how the send ended (null: it returned) and what the
     * queue holds afterwards.
     */
    private List<Object> sendWhileTheServerRestarts(String parameters) throws Exception {
        AnswerHoldingJournal journal = new AnswerHoldingJournal(JdbcJournal.open(config()));
        start(journal);
        Connection connection = opened.track(new FerryConnectionFactory("tcp://127.0.0.1:" + port + "?" + QUICK
                + parameters).createConnection());
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue("orders"));
        CompletableFuture<Void> sent = sendAndRestartBeforeTheAnswer(journal, producer,
                session.createTextMessage("lost answer"));

        Throwable failure = null;
        try {
            sent.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause().getCause();
        }
        Connection receiver = opened.track(new FerryConnectionFactory("tcp://127.0.0.1:" + port).createConnection());
        receiver.start();
        Session receiving = receiver.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = receiving.createConsumer(receiving.createQueue("orders"));
        Message received = consumer.receive(WAIT_MILLIS);
        assertNotNull(received, "the message was lost");
        assertEquals("lost answer", ((TextMessage) received).getText());
        assertNull(consumer.receive(1000), "the message was stored twice");
        return java.util.Arrays.asList(failure, received.getStringProperty(DestinationPolicy.DUPLICATE_ID_PROPERTY),
                received.getJMSMessageID());
    }

    @Test
    void withDuplicateDetectionASendWhoseAnswerWasLostIsSentAgainAndStoredOnce() throws Exception {
        List<Object> outcome = sendWhileTheServerRestarts("&duplicateDetection=true");
        assertNull(outcome.get(0), "the send failed: " + outcome.get(0));
        assertEquals(outcome.get(2), outcome.get(1), "the duplicate ID is the message ID");
    }

    @Test
    void withoutItTheSendFailsSayingTheMessageMayHaveBeenStored() throws Exception {
        List<Object> outcome = sendWhileTheServerRestarts("");
        JMSException failure = assertInstanceOf(JMSException.class, outcome.get(0));
        assertTrue(failure.getMessage().contains("may or may not have been stored"), failure.getMessage());
        assertNull(outcome.get(1));
    }

    @Test
    void aLargeSendWhoseAnswerWasLostFailsSayingTheMessageMayHaveBeenStored() throws Exception {
        int size = 2 * 1024 * 1024 + 1;
        AnswerHoldingJournal journal = new AnswerHoldingJournal(JdbcJournal.open(config()),
                message -> message.content().body() instanceof ChunkedBody);
        start(journal);
        Connection connection = opened.track(new FerryConnectionFactory("tcp://127.0.0.1:" + port + "?" + QUICK
                + "&duplicateDetection=true").createConnection());
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue("reports"));
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(PatternBody.bytes(size));
        CompletableFuture<Void> sent = sendAndRestartBeforeTheAnswer(journal, producer, message);

        // its body went with the lost connection: the failover cannot send it again for the application
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> sent.get(WAIT_MILLIS, TimeUnit.MILLISECONDS));
        JMSException failure = assertInstanceOf(JMSException.class, failed.getCause().getCause());
        assertTrue(failure.getMessage().contains("may or may not have been stored"), failure.getMessage());
        Connection receiver = opened.track(new FerryConnectionFactory("tcp://127.0.0.1:" + port).createConnection());
        receiver.start();
        Session receiving = receiver.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = receiving.createConsumer(receiving.createQueue("reports"));
        BytesMessage received = assertInstanceOf(BytesMessage.class, consumer.receive(WAIT_MILLIS));
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(received.getBody(byte[].class)));
        assertNull(consumer.receive(1000), "the message was stored twice");
    }
}
