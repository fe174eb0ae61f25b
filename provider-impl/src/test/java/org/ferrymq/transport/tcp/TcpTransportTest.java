package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.ferrymq.client.FerryConnection;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.XidData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A JMS client reaching a broker through tcp:// sees what it sees in-VM: the same messages and the same exceptions. */
class TcpTransportTest {

    private static final long RECEIVE_TIMEOUT = 30_000;

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    @Test
    void everyMessageTypeArrivesAsSent() throws Exception {
        server.start(data);
        Connection connection = server.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("all-types");
        MessageProducer producer = session.createProducer(queue);
        MessageConsumer consumer = session.createConsumer(queue);

        Message plain = session.createMessage();
        plain.setStringProperty("kind", "plain");
        plain.setJMSCorrelationID("corr-1");
        plain.setJMSType("invoice");
        producer.send(plain);
        producer.send(session.createTextMessage("grüße \uD83D\uDE00"));
        BytesMessage bytes = session.createBytesMessage();
        byte[] payload = new byte[100_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        bytes.writeBytes(payload);
        producer.send(bytes);
        MapMessage map = session.createMapMessage();
        map.setInt("n", 7);
        map.setString("s", "seven");
        map.setBytes("b", new byte[] {7});
        producer.send(map);
        StreamMessage stream = session.createStreamMessage();
        stream.writeChar('c');
        stream.writeDouble(2.5);
        stream.writeString(null);
        producer.send(stream);
        producer.send(session.createObjectMessage(new ArrayList<>(List.of("an", "object"))), DeliveryMode.NON_PERSISTENT,
                9, 0);

        Message m = consumer.receive(RECEIVE_TIMEOUT);
        assertEquals("plain", m.getStringProperty("kind"));
        assertEquals("corr-1", m.getJMSCorrelationID());
        assertEquals("invoice", m.getJMSType());
        assertEquals(queue, m.getJMSDestination());
        assertEquals("grüße \uD83D\uDE00", ((TextMessage) consumer.receive(RECEIVE_TIMEOUT)).getText());
        BytesMessage b = (BytesMessage) consumer.receive(RECEIVE_TIMEOUT);
        byte[] received = new byte[(int) b.getBodyLength()];
        b.readBytes(received);
        assertArrayEquals(payload, received);
        MapMessage mm = (MapMessage) consumer.receive(RECEIVE_TIMEOUT);
        assertEquals(7, mm.getInt("n"));
        assertEquals("seven", mm.getString("s"));
        assertArrayEquals(new byte[] {7}, mm.getBytes("b"));
        StreamMessage sm = (StreamMessage) consumer.receive(RECEIVE_TIMEOUT);
        assertEquals('c', sm.readChar());
        assertEquals(2.5, sm.readDouble());
        assertNull(sm.readString());
        ObjectMessage om = (ObjectMessage) consumer.receive(RECEIVE_TIMEOUT);
        assertEquals(List.of("an", "object"), om.getObject());
        assertEquals(9, om.getJMSPriority());
        assertEquals(DeliveryMode.NON_PERSISTENT, om.getJMSDeliveryMode());
        assertFalse(om.getJMSRedelivered());
    }

    @Test
    void theBrokersExceptionsArriveAsThemselves() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.addUser("alice", "secret").requireCredentials(true)
                .autoCreateDestinations(false).addQueue("known"));
        assertThrows(JMSSecurityException.class, () -> server.factory().createConnection("alice", "wrong"));
        Connection first = server.track(server.factory().createConnection("alice", "secret"));
        first.setClientID("only-one");
        Connection second = server.track(server.factory().createConnection("alice", "secret"));
        assertThrows(InvalidClientIDException.class, () -> second.setClientID("only-one"));

        Session session = first.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(InvalidDestinationException.class, () -> session.createConsumer(session.createQueue("unknown")));
        assertThrows(InvalidSelectorException.class,
                () -> session.createConsumer(session.createQueue("known"), "a = = 1"));
        TemporaryQueue temporary = session.createTemporaryQueue();
        Session other = second.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(InvalidDestinationException.class, () -> other.createConsumer(temporary));
        QueueBrowser browser = session.createBrowser(session.createQueue("known"));
        assertFalse(browser.getEnumeration().hasMoreElements());

        XAConnection xaConnection = server.track(new FerryXAConnectionFactory(server.url("user=alice&password=secret"))
                .createXAConnection());
        XASession xaSession = xaConnection.createXASession();
        XAResource resource = xaSession.getXAResource();
        XidData unknown = new XidData(1, new byte[] {1}, new byte[] {2});
        XAException xa = assertThrows(XAException.class, () -> resource.commit(unknown, false));
        assertEquals(XAException.XAER_NOTA, xa.errorCode);
        assertEquals(0, resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);
    }

    @Test
    void aTransactionCommitsAndRollsBackOverTcp() throws Exception {
        server.start(data);
        Connection connection = server.startedConnection();
        Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue queue = transacted.createQueue("tx");
        MessageProducer producer = transacted.createProducer(queue);
        producer.send(transacted.createTextMessage("rolled back"), DeliveryMode.NON_PERSISTENT, 4, 0);
        transacted.rollback();
        producer.send(transacted.createTextMessage("committed"), DeliveryMode.NON_PERSISTENT, 4, 0);
        transacted.commit();
        MessageConsumer consumer = transacted.createConsumer(queue);
        assertEquals("committed", ((TextMessage) consumer.receive(RECEIVE_TIMEOUT)).getText());
        transacted.rollback();
        Message again = consumer.receive(RECEIVE_TIMEOUT);
        assertTrue(again.getJMSRedelivered());
        transacted.commit();
        assertNull(consumer.receiveNoWait());
    }

    @Test
    void anXaBranchPreparesAndCommitsOverTcp() throws Exception {
        server.start(data);
        XAConnection xaConnection = server.track(new FerryXAConnectionFactory(server.url("")).createXAConnection());
        XASession xaSession = xaConnection.createXASession();
        XAResource resource = xaSession.getXAResource();
        XidData xid = new XidData(7, new byte[] {1, 2}, new byte[] {3});
        resource.start(xid, XAResource.TMNOFLAGS);
        Queue queue = xaSession.createQueue("xa");
        xaSession.createProducer(queue).send(xaSession.createTextMessage("in a branch"));
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, resource.prepare(xid));
        assertEquals(1, resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);
        resource.commit(xid, false);
        Session session = server.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertEquals("in a branch", ((TextMessage) session.createConsumer(queue).receive(RECEIVE_TIMEOUT)).getText());
    }

    @Test
    void durableSubscriptionsAndTemporaryQueuesWorkOverTcp() throws Exception {
        server.start(data);
        Connection subscriber = server.track(server.factory().createConnection());
        subscriber.setClientID("subscriber");
        Session subscriberSession = subscriber.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        jakarta.jms.Topic topic = subscriberSession.createTopic("news");
        subscriberSession.createDurableSubscriber(topic, "all-news").close();

        Connection publisher = server.startedConnection();
        Session publishing = publisher.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue replies = publishing.createTemporaryQueue();
        Message news = publishing.createTextMessage("while away");
        news.setJMSReplyTo(replies);
        publishing.createProducer(topic).send(news);

        subscriber.start();
        MessageConsumer durable = subscriberSession.createDurableSubscriber(topic, "all-news");
        Message received = durable.receive(RECEIVE_TIMEOUT);
        assertEquals("while away", ((TextMessage) received).getText());
        received.acknowledge();
        subscriberSession.createProducer(received.getJMSReplyTo()).send(subscriberSession.createTextMessage("thanks"));
        assertEquals("thanks", ((TextMessage) publishing.createConsumer(replies).receive(RECEIVE_TIMEOUT)).getText());
        durable.close();
        subscriberSession.unsubscribe("all-news");
    }

    @Test
    void manyPipelinedNonPersistentSendsArriveInOrderAndTheConnectionStillClosesAfterThem() throws Exception {
        server.start(data);
        Connection connection = server.track(server.factory().createConnection());
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("pipelined");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        // enough to outrun the broker, so that the server stops reading this client for a while
        int count = 20_000;
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
        connection.close(); // waits for answers queued behind all those sends
        Session receiving = server.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = receiving.createConsumer(queue);
        for (int i = 0; i < count; i++) {
            TextMessage m = (TextMessage) consumer.receive(RECEIVE_TIMEOUT);
            assertNotNull(m, "message " + i);
            assertEquals("m" + i, m.getText());
        }
    }

    @Test
    void autoAcknowledgedMessagesOfSeveralSessionsAreAllSettledAndNeverComeAgain() throws Exception {
        server.start(data);
        int count = 2_000;
        Connection sending = server.track(server.factory().createConnection());
        Session producing = sending.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = producing.createProducer(null);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        List<Queue> queues = List.of(producing.createQueue("settled-a"), producing.createQueue("settled-b"));
        for (int i = 0; i < count; i++) {
            for (Queue queue : queues) {
                producer.send(queue, producing.createTextMessage(queue.getQueueName() + i));
            }
        }
        // two sessions of one connection acknowledge in turn, so their settlements reach the client together
        Connection receiving = server.startedConnection();
        List<MessageConsumer> consumers = new ArrayList<>();
        for (Queue queue : queues) {
            consumers.add(receiving.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue));
        }
        for (int i = 0; i < count; i++) {
            for (int q = 0; q < queues.size(); q++) {
                TextMessage m = (TextMessage) consumers.get(q).receive(RECEIVE_TIMEOUT);
                assertNotNull(m, "message " + i + " of " + queues.get(q));
                assertEquals(queues.get(q).getQueueName() + i, m.getText());
            }
        }
        receiving.close(); // returns once the broker has settled every acknowledgement

        Connection again = server.startedConnection();
        for (Queue queue : queues) {
            MessageConsumer consumer = again.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue);
            assertNull(consumer.receive(500), queue + " gave a message again after all were acknowledged");
        }
    }

    @Test
    void acknowledgementsMadeWhileTheIoThreadIsBusyLeaveInOneFrameAndAreAllSettled() throws Exception {
        server.start(data);
        int count = 100;
        Connection producing = server.startedConnection();
        Session session = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("batched");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage("m" + i));
        }

        BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
        AtomicInteger settled = new AtomicInteger();
        AtomicReference<JMSException> settleFailure = new AtomicReference<>();
        TcpTransport transport = TcpTransport.connect("127.0.0.1", server.port(), TcpSettings.DEFAULTS);
        try {
            transport.setClientChannel(new ClientChannel() {
                @Override
                public void deliver(Delivery delivery) {
                    deliveries.add(delivery);
                }

                @Override
                public void acknowledgementsSettled(long sessionId, int settledNow, JMSException failure) {
                    if (failure != null) {
                        settleFailure.set(failure);
                    }
                    settled.addAndGet(settledNow);
                }

                @Override
                public void connectionFailed(JMSException cause) {
                }
            });
            transport.request(new Command.OpenConnection("batching-" + UUID.randomUUID(), null, null, null));
            transport.request(new Command.CreateSession(1, false));
            transport.request(new Command.CreateConsumer(new ConsumerInfo(1, 1, DestinationName.queue("batched"), null,
                    false, null, false, false, count)));
            transport.request(new Command.Credit(1, count));
            List<Delivery> received = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Delivery d = deliveries.poll(RECEIVE_TIMEOUT, TimeUnit.MILLISECONDS);
                assertNotNull(d, "delivery " + i);
                received.add(d);
            }

            // the I/O thread is held while the application acknowledges each message on its own
            CountDownLatch release = new CountDownLatch(1);
            transport.onIoThread(() -> {
                try {
                    release.await(RECEIVE_TIMEOUT, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (Delivery d : received) {
                transport.request(new Command.AcknowledgeAsync(1, new long[] {d.deliveryId()}));
            }
            release.countDown();

            long deadline = System.currentTimeMillis() + RECEIVE_TIMEOUT;
            while (settled.get() < count && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(count, settled.get(), "acknowledgements the broker settled");
            assertNull(settleFailure.get(), "a settlement reported a failure");
            assertEquals(1, transport.acknowledgementFrames(), "AcknowledgeAsync frames for " + count
                    + " acknowledgements made while the I/O thread was busy");
            transport.request(new Command.CloseConnection());
        } finally {
            transport.close();
        }

        MessageConsumer again = server.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE)
                .createConsumer(queue);
        assertNull(again.receive(500), "a message came again after its batched acknowledgement was settled");
    }

    @Test
    void anUnpairedSurrogateArrivesAsAQuestionMarkAndTheRestOfTheStringIntact() throws Exception {
        server.start(data);
        Connection connection = server.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("surrogates");
        TextMessage sent = session.createTextMessage("a\uD800b \uD83D\uDE00 c\uDC00");
        sent.setStringProperty("p", "x\uDBFFy");
        session.createProducer(queue).send(sent);
        TextMessage received = (TextMessage) session.createConsumer(queue).receive(RECEIVE_TIMEOUT);
        assertNotNull(received);
        // UTF-8 has no form for a lone surrogate (README, "The TCP protocol"); a valid pair crosses as itself
        assertEquals("a?b \uD83D\uDE00 c?", received.getText());
        assertEquals("x?y", received.getStringProperty("p"));
    }

    @Test
    void aPipelinedSendTheBrokerRefusesFailsTheSessionsNextSend() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.autoCreateDestinations(false).addQueue("known"));
        Connection connection = server.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer anonymous = session.createProducer(null);
        anonymous.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        Queue unknown = session.createQueue("unknown");
        Queue known = session.createQueue("known");
        JMSException refused = null;
        try {
            anonymous.send(unknown, session.createTextMessage("lost"));
            // the refusal arrives with the answer; the next send of the session reports it (poll: it may come late)
            long deadline = System.currentTimeMillis() + RECEIVE_TIMEOUT;
            while (refused == null && System.currentTimeMillis() < deadline) {
                try {
                    anonymous.send(known, session.createTextMessage("fine"));
                    Thread.sleep(10);
                } catch (JMSException e) {
                    refused = e;
                }
            }
        } catch (JMSException e) {
            refused = e; // refused at once: as good
        }
        assertInstanceOf(InvalidDestinationException.class, refused);
        assertTrue(refused.getMessage().contains("unknown"), refused.getMessage());
        anonymous.send(known, session.createTextMessage("after"));
    }

    @Test
    void aTransactedSendTheBrokerRefusesRollsBackTheWholeTransactionAtItsCommit() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.autoCreateDestinations(false).addQueue("known"));
        Connection connection = server.startedConnection();
        Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer anonymous = transacted.createProducer(null);
        Queue known = transacted.createQueue("known");
        anonymous.send(known, transacted.createTextMessage("before"));
        try {
            anonymous.send(transacted.createQueue("unknown"), transacted.createTextMessage("refused"));
            anonymous.send(known, transacted.createTextMessage("after"));
            // the transaction's sends are not answered one by one: its commit reports the refusal
            TransactionRolledBackException rolledBack = assertThrows(TransactionRolledBackException.class,
                    transacted::commit);
            assertTrue(rolledBack.getMessage().contains("'unknown'"), rolledBack.getMessage());
        } catch (InvalidDestinationException refusedAtOnce) {
            transacted.rollback(); // as good: the send failed where it was made, and the test ends the transaction
        }
        MessageConsumer consumer = transacted.createConsumer(known);
        assertNull(consumer.receive(500), "nothing of a rolled-back transaction arrives");
        anonymous.send(known, transacted.createTextMessage("next"));
        transacted.commit();
        assertEquals("next", ((TextMessage) consumer.receive(RECEIVE_TIMEOUT)).getText());
        transacted.commit();
    }

    @Test
    void aMessageLargerThanMaxFrameSizeIsRefusedNamingTheSettingAndTheConnectionGoesOn() throws Exception {
        server.start(data);
        Connection connection = server.track(new org.ferrymq.client.FerryConnectionFactory(
                server.url("maxFrameSize=4096")).createConnection());
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("big");
        MessageProducer producer = session.createProducer(queue);
        BytesMessage big = session.createBytesMessage();
        big.writeBytes(new byte[10_000]);
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class, () -> producer.send(big));
        assertTrue(refused.getMessage().contains("maxFrameSize") && refused.getMessage().contains("4096"),
                refused.getMessage());
        producer.send(session.createTextMessage("small"));
        assertEquals("small", ((TextMessage) session.createConsumer(queue).receive(RECEIVE_TIMEOUT)).getText());
    }

    @Test
    void theBrokersSelectorAndPropertyLimitsReachARemoteClientAsTheSpecsExceptionsAndTheConnectionGoesOn()
            throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.maxSelectorLength(50).maxProperties(5));
        Connection connection = server.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("limited");
        InvalidSelectorException longSelector = assertThrows(InvalidSelectorException.class,
                () -> session.createConsumer(queue, "a = 1" + " OR a = 1".repeat(10)));
        assertTrue(longSelector.getMessage().contains("maxSelectorLength"), longSelector.getMessage());

        MessageProducer producer = session.createProducer(queue);
        Message tooMany = session.createMessage();
        for (int i = 0; i < 6; i++) {
            tooMany.setIntProperty("p" + i, i);
        }
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> producer.send(tooMany));
        assertTrue(refused.getMessage().startsWith("The message has 6 properties, more than the 5 the broker accepts "
                + "(broker setting 'maxProperties')"), refused.getMessage());
        producer.send(session.createTextMessage("next"));
        assertEquals("next", ((TextMessage) session.createConsumer(queue, "a IS NULL").receive(RECEIVE_TIMEOUT))
                .getText());
    }

    @Test
    void aServerThatGoesAwayFailsTheClientsCallsAndTellsItsExceptionListener() throws Exception {
        server.start(data);
        // reconnectAttempts=0: this plain TCP transport does not reconnect (failover has its own tests)
        Connection connection = server.track(new FerryConnectionFactory(server.url("reconnectAttempts=0"))
                .createConnection());
        connection.start();
        AtomicReference<JMSException> heard = new AtomicReference<>();
        CountDownLatch told = new CountDownLatch(1);
        connection.setExceptionListener(e -> {
            heard.set(e);
            told.countDown();
        });
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("gone");
        session.createProducer(queue).send(session.createTextMessage("before"));
        server.acceptor().close();
        assertTrue(told.await(RECEIVE_TIMEOUT, TimeUnit.MILLISECONDS), "the ExceptionListener was not called");
        assertNotNull(heard.get().getMessage());
        assertThrows(JMSException.class, () -> session.createProducer(queue).send(session.createTextMessage("after")));
    }

    @Test
    void aTransportLostToTheServerStaysLostWhenItIsClosedAfterwards() throws Exception {
        // the failover client closes a transport once it knows it lost it; a caller whose request
        // failed with that loss asks isLost() afterwards, to tell a loss (outcome unknown) from
        // the broker's refusal (a commit it refused rolled back; one lost in flight may have committed)
        server.start(data);
        TcpTransport transport = TcpTransport.connect("127.0.0.1", server.port(), TcpSettings.DEFAULTS);
        transport.request(new Command.OpenConnection("lost-" + UUID.randomUUID(), null, null, null));
        server.acceptor().close();
        long deadline = System.currentTimeMillis() + RECEIVE_TIMEOUT;
        while (!transport.isLost() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(transport.isLost(), "the server went away");
        transport.close();
        assertTrue(transport.isLost(), "closing a lost transport made its loss look like a refusal");
    }

    @Test
    void closingTheSocketMidTransactionRollsItBack() throws Exception {
        server.start(data);
        Connection setup = server.startedConnection();
        Session plain = setup.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue("in");
        Queue out = plain.createQueue("out");
        MessageProducer producer = plain.createProducer(in);
        producer.send(plain.createTextMessage("one"));
        producer.send(plain.createTextMessage("two"));

        Connection dying = server.track(new FerryConnectionFactory(server.url("reconnectAttempts=0")).createConnection());
        dying.start();
        Session transacted = dying.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer taking = transacted.createConsumer(in);
        assertEquals("one", ((TextMessage) taking.receive(RECEIVE_TIMEOUT)).getText());
        assertEquals("two", ((TextMessage) taking.receive(RECEIVE_TIMEOUT)).getText());
        transacted.createProducer(out).send(transacted.createTextMessage("never committed"));
        transportOf(dying).abort(); // the socket closes as if the client's process died

        MessageConsumer again = plain.createConsumer(in);
        List<String> redelivered = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Message m = again.receive(RECEIVE_TIMEOUT);
            assertNotNull(m, "the consumed messages were not given back");
            assertTrue(m.getJMSRedelivered(), "a message given back must be flagged JMSRedelivered");
            redelivered.add(((TextMessage) m).getText());
        }
        Collections.sort(redelivered);
        assertEquals(List.of("one", "two"), redelivered);
        assertNull(plain.createBrowser(out).getEnumeration().hasMoreElements() ? "the send was committed" : null);
    }

    static TcpTransport transportOf(Connection connection) throws ReflectiveOperationException {
        Field transport = FerryConnection.class.getDeclaredField("transport");
        transport.setAccessible(true);
        return (TcpTransport) transport.get(connection);
    }
}
