package org.ferrymq.transport.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.api.ConnectionStateListener;
import org.ferrymq.api.ObservableConnection;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.protocol.XidData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients over tcp:// outlive their server's restart: the server (an H2 journal on disk) is
 * stopped and started again on the same port with the same data while the application keeps
 * its connection, sessions, producers and consumers.
 */
class FailoverTest {

    /** Generous: a restart opens and recovers the journal on a busy machine. */
    private static final long WAIT_MILLIS = 60_000;
    private static final String QUICK = "reconnectDelay=50&maxReconnectDelay=500";

    @RegisterExtension
    final RestartableServer server = new RestartableServer();

    @TempDir
    Path data;

    @TempDir
    Path otherData;

    /** Records what a connection's ConnectionStateListener hears, in order. */
    static final class StateEvents implements ConnectionStateListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void interrupted(Exception cause) {
            events.add("interrupted");
        }

        @Override
        public void resumed(String serverUrl) {
            events.add("resumed " + serverUrl);
        }

        String next() throws InterruptedException {
            String event = events.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertNotNull(event, "the ConnectionStateListener heard nothing more");
            return event;
        }
    }

    private Connection connect(String url) throws JMSException {
        return server.track(new FerryConnectionFactory(url).createConnection());
    }

    private static StateEvents listen(Connection connection) {
        StateEvents events = new StateEvents();
        ((ObservableConnection) connection).setConnectionStateListener(events);
        return events;
    }

    /** Kills the server and starts it again; returns once the client says it has resumed. */
    private void restart(StateEvents events) throws Exception {
        server.kill();
        assertEquals("interrupted", events.next());
        server.restart();
        assertTrue(events.next().startsWith("resumed "));
    }

    /**
     * The next message not received before: a message received just before the server went
     * away may come once more, flagged, when its automatic acknowledgement had not reached the
     * server yet (AUTO_ACKNOWLEDGE acknowledges after the application has the message).
     */
    private static Message nextNew(MessageConsumer consumer, String... seen) throws JMSException {
        while (true) {
            Message message = consumer.receive(WAIT_MILLIS);
            if (message == null || !List.of(seen).contains(text(message))) {
                return message;
            }
            assertTrue(message.getJMSRedelivered(), "a message came twice without the JMSRedelivered flag");
        }
    }

    private static String text(Message message) throws JMSException {
        assertNotNull(message, "no message arrived");
        return ((TextMessage) message).getText();
    }

    @Test
    void producerAndConsumerKeepWorkingAcrossARestartWithNothingForTheApplicationToDo() throws Exception {
        server.start(data);
        Connection connection = connect(server.address() + "?" + QUICK);
        StateEvents events = listen(connection);
        List<JMSException> exceptions = new CopyOnWriteArrayList<>();
        connection.setExceptionListener(exceptions::add);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("orders");
        MessageProducer producer = session.createProducer(queue);
        MessageConsumer consumer = session.createConsumer(queue);
        for (int i = 0; i < 3; i++) {
            producer.send(session.createTextMessage("before " + i));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("before " + i, text(consumer.receive(WAIT_MILLIS)));
        }

        restart(events);

        for (int i = 0; i < 3; i++) {
            producer.send(session.createTextMessage("after " + i));
        }
        for (int i = 0; i < 3; i++) {
            Message message = nextNew(consumer, "before 0", "before 1", "before 2");
            assertEquals("after " + i, text(message));
            assertFalse(message.getJMSRedelivered());
        }
        assertTrue(exceptions.isEmpty(), "the ExceptionListener heard of a failover that succeeded: " + exceptions);
    }

    @Test
    void aReceiveBlockedAcrossTheRestartReturnsTheNextMessage() throws Exception {
        server.start(data);
        Connection connection = connect(server.address() + "?" + QUICK);
        StateEvents events = listen(connection);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("waiting");
        MessageConsumer consumer = session.createConsumer(queue);
        CompletableFuture<Message> received = CompletableFuture.supplyAsync(() -> {
            try {
                return consumer.receive(3 * WAIT_MILLIS);
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });

        restart(events);
        assertFalse(received.isDone(), "the receive returned without a message");

        Connection sender = connect(server.address());
        Session sending = sender.createSession(false, Session.AUTO_ACKNOWLEDGE);
        sending.createProducer(queue).send(sending.createTextMessage("next"));
        assertEquals("next", text(received.get(2 * WAIT_MILLIS, TimeUnit.MILLISECONDS)));
    }

    @Test
    void unacknowledgedMessagesComeAgainFlaggedAndTheirOldAcknowledgementFails() throws Exception {
        server.start(data);
        Connection connection = connect(server.address() + "?" + QUICK);
        StateEvents events = listen(connection);
        connection.start();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("unacked");
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("one"));
        producer.send(session.createTextMessage("two"));
        MessageConsumer consumer = session.createConsumer(queue);
        consumer.receive(WAIT_MILLIS);
        Message second = consumer.receive(WAIT_MILLIS);
        assertEquals("two", text(second));

        restart(events);

        JMSException refused = assertThrows(JMSException.class, second::acknowledge);
        assertTrue(refused.getMessage().contains("redelivered"), refused.getMessage());
        List<String> again = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Message message = consumer.receive(WAIT_MILLIS);
            again.add(text(message));
            assertTrue(message.getJMSRedelivered(), "a message that was not acknowledged must come back flagged");
        }
        Collections.sort(again);
        assertEquals(List.of("one", "two"), again);
        second.acknowledge(); // a message of the new connection: acknowledged now
        session.recover();
        assertNull(consumer.receive(500), "acknowledged messages came back");
    }

    @Test
    void whileTheConnectionIsDownAConsumerHandsOutNothingTheLostConnectionPrefetched() throws Exception {
        server.start(data);
        Connection connection = connect(server.address() + "?" + QUICK);
        StateEvents events = listen(connection);
        connection.start();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("prefetched");
        MessageProducer producer = session.createProducer(queue);
        for (String text : List.of("one", "two", "three")) {
            producer.send(session.createTextMessage(text));
        }
        MessageConsumer consumer = session.createConsumer(queue);
        assertEquals("one", text(consumer.receive(WAIT_MILLIS)));
        // "two" and "three" are prefetched now (prefetch 1000), waiting in the consumer

        server.kill();
        assertEquals("interrupted", events.next());
        assertNull(consumer.receive(500), "a receive between interrupted and resumed handed out a message"
                + " the lost connection had prefetched; the broker gives it to a consumer again");

        server.restart();
        assertTrue(events.next().startsWith("resumed "));
        List<String> again = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message message = consumer.receive(WAIT_MILLIS);
            again.add(text(message));
            if (!text(message).equals("one")) {
                assertTrue(message.getJMSRedelivered(), text(message) + " had been delivered before: it must be flagged");
            }
        }
        Collections.sort(again);
        assertEquals(List.of("one", "three", "two"), again);
    }

    @Test
    void aCommitAfterAFailoverThrowsTransactionRolledBackAndTheNextTransactionWorks() throws Exception {
        server.start(data);
        Connection connection = connect(server.address() + "?" + QUICK);
        StateEvents events = listen(connection);
        connection.start();
        Session setup = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = setup.createQueue("tx-in");
        Queue out = setup.createQueue("tx-out");
        setup.createProducer(in).send(setup.createTextMessage("work"));
        Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer taking = transacted.createConsumer(in);
        MessageProducer producer = transacted.createProducer(out);
        assertEquals("work", text(taking.receive(WAIT_MILLIS)));
        producer.send(transacted.createTextMessage("lost with the connection"));

        restart(events);

        assertThrows(TransactionRolledBackException.class, transacted::commit);
        Message again = taking.receive(WAIT_MILLIS);
        assertEquals("work", text(again));
        assertTrue(again.getJMSRedelivered());
        producer.send(transacted.createTextMessage("committed"));
        transacted.commit();

        MessageConsumer reading = setup.createConsumer(out);
        assertEquals("committed", text(reading.receive(WAIT_MILLIS)));
        assertNull(reading.receive(500), "the lost transaction's send was delivered");
        assertNull(setup.createConsumer(in).receive(500), "the committed receive came back");
    }

    @Test
    void aDurableSubscriberComesBackWithItsClientId() throws Exception {
        server.start(data);
        Connection connection = connect(server.address() + "?clientID=durable-client&" + QUICK);
        StateEvents events = listen(connection);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("prices");
        MessageConsumer subscriber = session.createDurableConsumer(topic, "watcher");
        MessageProducer publisher = session.createProducer(topic);
        publisher.send(session.createTextMessage("first"));
        assertEquals("first", text(subscriber.receive(WAIT_MILLIS)));

        restart(events);
        publisher.send(session.createTextMessage("after restart"));
        assertEquals("after restart", text(nextNew(subscriber, "first")));

        // only the sockets close: the broker keeps the old connection until it notices
        server.dropConnections();
        assertEquals("interrupted", events.next());
        assertTrue(events.next().startsWith("resumed "));
        publisher.send(session.createTextMessage("after reconnect"));
        assertEquals("after reconnect", text(nextNew(subscriber, "first", "after restart")));
        assertEquals("durable-client", connection.getClientID());
    }

    @Test
    void theExceptionListenerHearsOnceWhenReconnectionGivesUp() throws Exception {
        server.start(data);
        Connection connection = connect(server.address() + "?reconnectAttempts=2&reconnectDelay=50");
        StateEvents events = listen(connection);
        BlockingQueue<JMSException> exceptions = new LinkedBlockingQueue<>();
        connection.setExceptionListener(exceptions::add);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("never-again");
        MessageProducer producer = session.createProducer(queue);

        server.kill();
        assertEquals("interrupted", events.next());
        JMSException heard = exceptions.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertNotNull(heard, "the ExceptionListener was not told that reconnection gave up");
        assertTrue(heard.getMessage().contains("could not be restored"), heard.getMessage());
        assertThrows(JMSException.class, () -> producer.send(session.createTextMessage("nowhere")));
        connection.close();
        assertTrue(exceptions.isEmpty(), "the ExceptionListener was called more than once: " + exceptions);
        assertTrue(events.events.isEmpty(), "the connection did not stay interrupted: " + events.events);
    }

    @Test
    void theFirstServerDownTheClientConnectsToTheSecond() throws Exception {
        server.start(data);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Connection connection = connect("tcp://127.0.0.1:" + closedPort + "," + server.address() + "?" + QUICK);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("second");
        session.createProducer(queue).send(session.createTextMessage("via the second"));
        assertEquals("via the second", text(session.createConsumer(queue).receive(WAIT_MILLIS)));
    }

    @Test
    void whenItsServerDiesTheClientMovesToAnotherListedServer() throws Exception {
        RestartableServer other = new RestartableServer();
        try {
            server.start(data);
            other.start(otherData);
            Connection connection = connect(server.address() + "," + other.address() + "?" + QUICK);
            StateEvents events = listen(connection);
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("moving");
            MessageProducer producer = session.createProducer(queue);
            MessageConsumer consumer = session.createConsumer(queue);
            producer.send(session.createTextMessage("on the first"));
            assertEquals("on the first", text(consumer.receive(WAIT_MILLIS)));

            server.kill();
            assertEquals("interrupted", events.next());
            assertEquals("resumed " + other.address(), events.next());
            producer.send(session.createTextMessage("on the second"));
            assertEquals("on the second", text(consumer.receive(WAIT_MILLIS)));
        } finally {
            other.afterEach(null);
        }
    }

    @Test
    void consumersOnATemporaryQueueAreClosedWhenItEndsWithTheLostConnection() throws Exception {
        server.start(data);
        Connection connection = connect(server.address() + "?" + QUICK);
        StateEvents events = listen(connection);
        BlockingQueue<JMSException> exceptions = new LinkedBlockingQueue<>();
        connection.setExceptionListener(exceptions::add);
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue replies = session.createTemporaryQueue();
        MessageConsumer consumer = session.createConsumer(replies);
        MessageProducer producer = session.createProducer(null);

        restart(events);

        JMSException heard = exceptions.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertInstanceOf(InvalidDestinationException.class, heard);
        assertThrows(jakarta.jms.IllegalStateException.class, () -> consumer.receive(100));
        assertThrows(InvalidDestinationException.class,
                () -> producer.send(replies, session.createTextMessage("to a dead temporary queue")));
        TemporaryQueue fresh = session.createTemporaryQueue();
        producer.send(fresh, session.createTextMessage("to a new one"));
        assertEquals("to a new one", text(session.createConsumer(fresh).receive(WAIT_MILLIS)));
    }

    @Test
    void anXaCommitWhileTheServerIsDownFailsAsRmfailAndRecoveryCommitsThePreparedBranch() throws Exception {
        server.start(data);
        XAConnection xaConnection = xaConnection();
        StateEvents events = listen(xaConnection);
        XASession xaSession = xaConnection.createXASession();
        XAResource resource = xaSession.getXAResource();
        Queue queue = xaSession.createQueue("xa-orders");
        Xid xid = new XidData(4711, new byte[] {1, 2, 3}, new byte[] {4});
        resource.start(xid, XAResource.TMNOFLAGS);
        xaSession.createProducer(queue).send(xaSession.createTextMessage("prepared"));
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, resource.prepare(xid));

        server.kill();
        assertEquals("interrupted", events.next());
        XAException down = assertThrows(XAException.class, () -> resource.commit(xid, false));
        assertEquals(XAException.XAER_RMFAIL, down.errorCode);

        server.restart();
        assertTrue(events.next().startsWith("resumed "));
        List<Xid> prepared = List.of(resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN));
        assertTrue(prepared.contains(XidData.of(xid)), "recover() did not list the prepared branch: " + prepared);
        resource.commit(xid, false);

        assertEquals("prepared", text(reader(queue).receive(WAIT_MILLIS)));
    }

    @Test
    void aNewXaBranchStartedWhileReconnectingWaitsForTheNewConnectionAndCommits() throws Exception {
        server.start(data);
        XAConnection xaConnection = xaConnection();
        StateEvents events = listen(xaConnection);
        XASession xaSession = xaConnection.createXASession();
        XAResource resource = xaSession.getXAResource();
        Queue queue = xaSession.createQueue("xa-after-restart");
        // the session was in a branch when the server died; the manager cannot end it meanwhile
        Xid lost = new XidData(4712, new byte[] {5, 5}, new byte[] {7});
        resource.start(lost, XAResource.TMNOFLAGS);
        xaSession.createProducer(queue).send(xaSession.createTextMessage("lost with the branch"));

        server.kill();
        assertEquals("interrupted", events.next());
        XAException ending = assertThrows(XAException.class, () -> resource.end(lost, XAResource.TMSUCCESS));
        assertEquals(XAException.XAER_RMFAIL, ending.errorCode);
        Thread restarting = new Thread(() -> {
            try {
                Thread.sleep(500);
                server.restart();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        restarting.start();
        // a transaction manager enlisting the resource in a new transaction (an app server's pool does
        // this when it hands out a connection): the branch is new, so nothing of it was lost
        Xid xid = new XidData(4712, new byte[] {5, 6}, new byte[] {7});
        resource.start(xid, XAResource.TMNOFLAGS);
        restarting.join();
        xaSession.createProducer(queue).send(xaSession.createTextMessage("after the restart"));
        resource.end(xid, XAResource.TMSUCCESS);
        resource.commit(xid, true);

        MessageConsumer orders = reader(queue);
        assertEquals("after the restart", text(orders.receive(WAIT_MILLIS)));
        assertNull(orders.receive(200), "the lost branch's message arrived");
    }

    /** An XA connection to the server, on a URL that reconnects quickly. */
    private XAConnection xaConnection() throws JMSException {
        return server.track(new FerryXAConnectionFactory(server.address() + "?" + QUICK).createXAConnection());
    }

    /** A consumer of {@code queue} on a new, started connection. */
    private MessageConsumer reader(Queue queue) throws JMSException {
        Connection reader = connect(server.address());
        reader.start();
        return reader.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue);
    }
}
