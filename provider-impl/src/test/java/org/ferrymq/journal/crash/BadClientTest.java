package org.ferrymq.journal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.transport.tcp.TcpAcceptor;
import org.ferrymq.transport.tcp.TcpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client JVM that dies, or hangs, over {@code tcp://} while it holds unacknowledged messages
 * and an open transaction that received and sent: the broker (in this JVM, H2 journal on disk)
 * closes its connection, gives what it held to another consumer flagged {@code JMSRedelivered}
 * with a higher {@code JMSXDeliveryCount}, and rolls the transaction back, so its sends never
 * appear. How long the broker took is printed, not asserted: what counts is that it happens.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadClientTest {

    private static final int HEARTBEAT_MILLIS = 1000;
    private static final int HELD_MESSAGES = 10;
    private static final int TX_IN_MESSAGES = 4;
    private static final long RECEIVE_TIMEOUT = 30_000;

    @TempDir
    Path data;

    private EmbeddedBroker broker;
    private TcpAcceptor acceptor;
    private Connection local;
    private ChildJvm client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            ProcessHandle.of(client.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (local != null) {
            local.close();
        }
        if (acceptor != null) {
            acceptor.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aKilledClientsUnacknowledgedAndTransactedReceiptsComeAgainFlaggedAndItsSendsNever() throws Exception {
        List<String> holding = startClientHolding();

        client.kill(); // SIGKILL: the kernel closes the client's socket

        assertGivenBack(holding, "kill -9");
    }

    @Test
    void aFrozenClientIsGivenUpAfterItsHeartbeatsStopAndWhatItHeldComesAgainFlagged() throws Exception {
        List<String> holding = startClientHolding();

        client.freeze(); // SIGSTOP: the socket stays open, only the heartbeats tell the broker

        assertGivenBack(holding, "frozen (SIGSTOP)");
    }

    /** Starts the server and the client JVM, and returns what the client printed it holds: client, received, sent. */
    private List<String> startClientHolding() throws Exception {
        String name = "bad-client-" + UUID.randomUUID();
        broker = EmbeddedBroker.start(new BrokerConfig(name).dataDirectory(data));
        acceptor = TcpAcceptor.start(broker, "127.0.0.1", 0, TcpSettings.DEFAULTS.withHeartbeatMillis(HEARTBEAT_MILLIS));
        local = new FerryConnectionFactory("vm://" + name).createConnection();
        local.start();
        Session session = local.createSession(false, Session.AUTO_ACKNOWLEDGE);
        send(session, BadClient.HELD, "held-", HELD_MESSAGES);
        send(session, BadClient.TX_IN, "in-", TX_IN_MESSAGES);

        String url = "tcp://127.0.0.1:" + acceptor.port() + "?heartbeat=" + HEARTBEAT_MILLIS + "&prefetch=1";
        client = ChildJvm.start(BadClient.class, data.resolve("client-stdout.txt"), url, "3", "2");
        String line = client.awaitLine("HOLDING", Duration.ofMinutes(1));
        List<String> parts = Arrays.stream(line.split(" ")).skip(1).map(part -> part.substring(part.indexOf('=') + 1))
                .toList();
        assertEquals(3, parts.size(), line);
        return parts;
    }

    private static void send(Session session, String queue, String prefix, int count) throws Exception {
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        for (int i = 0; i < count; i++) {
            Message m = session.createTextMessage(prefix + i);
            m.setStringProperty("cid", prefix + i);
            producer.send(m);
        }
    }

    private void assertGivenBack(List<String> holding, String how) throws Exception {
        long gone = System.nanoTime();
        List<String> held = List.of(holding.get(0).split(","));
        List<String> received = List.of(holding.get(1).split(","));
        List<String> sent = List.of(holding.get(2).split(","));
        assertEquals(3, held.size());
        assertEquals(2, received.size());
        assertEquals(2, sent.size());

        Session session = local.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Map<String, Message> heldAgain = receiveAll(session, BadClient.HELD, HELD_MESSAGES);
        long noticedMillis = (System.nanoTime() - gone) / 1_000_000;
        Map<String, Message> receivedAgain = receiveAll(session, BadClient.TX_IN, TX_IN_MESSAGES);
        System.out.printf("BAD CLIENT (%s): the broker gave back what the client held %d ms after it went "
                + "(heartbeat %d ms)%n", how, noticedMillis, HEARTBEAT_MILLIS);

        for (String cid : held) {
            assertRedelivered(heldAgain.get(cid), cid + ", held unacknowledged in CLIENT_ACKNOWLEDGE");
        }
        for (String cid : received) {
            assertRedelivered(receivedAgain.get(cid), cid + ", received in the open transaction");
        }
        // the transaction was rolled back when its receipts were given back: its sends are gone for good
        try (MessageConsumer out = session.createConsumer(session.createQueue(BadClient.TX_OUT))) {
            assertNull(out.receive(1000), "a send of the dead client's open transaction " + sent + " arrived");
        }
    }

    /** Receives {@code count} messages, each once, and acknowledges them; by cid. */
    private static Map<String, Message> receiveAll(Session session, String queue, int count) throws Exception {
        Map<String, Message> byCid = new HashMap<>();
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            for (int i = 0; i < count; i++) {
                Message m = consumer.receive(RECEIVE_TIMEOUT);
                assertNotNull(m, "only " + byCid.keySet() + " of " + count + " messages of " + queue + " came back "
                        + "within " + RECEIVE_TIMEOUT + " ms of the client going");
                Message before = byCid.put(m.getStringProperty("cid"), m);
                assertNull(before, m.getStringProperty("cid") + " arrived twice");
                m.acknowledge();
            }
        }
        return byCid;
    }

    private static void assertRedelivered(Message m, String what) throws Exception {
        assertNotNull(m, what + ": never came again");
        assertTrue(m.getJMSRedelivered(), what + ": came again without JMSRedelivered");
        assertTrue(m.getIntProperty("JMSXDeliveryCount") >= 2, what + ": came again with JMSXDeliveryCount "
                + m.getIntProperty("JMSXDeliveryCount"));
    }
}
