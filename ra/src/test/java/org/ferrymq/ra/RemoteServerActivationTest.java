package org.ferrymq.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter pointed at a FerryMQ server ({@code ConnectionUrl}), over real sockets: a server
 * in this JVM ({@link TcpBroker}) with an H2 journal, stopped and started again on the same
 * port and journal. A message-driven bean's activation survives the server's absence, at
 * activation time or later, and resumes delivery without being activated again.
 */
class RemoteServerActivationTest {

    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path journal;

    private TcpBroker server;
    private final FerryResourceAdapter adapter = new FerryResourceAdapter();
    private final String queue = "orders-" + UUID.randomUUID();
    private final RecordingBean bean = new RecordingBean("Bean-" + UUID.randomUUID());
    private final FerryActivationSpec spec = new FerryActivationSpec();
    private final Logger activationLog = Logger.getLogger(InboundActivation.class.getName());
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previousLevel;

    @BeforeEach
    void configure() throws ResourceException {
        server = new TcpBroker(journal);
        adapter.setBrokerName("ra-remote-unused-" + UUID.randomUUID());
        adapter.setConnectionUrl(adapterUrl());
        adapter.start(null);
        spec.setDestination(queue);
        spec.setDestinationType(FerryActivationSpec.QUEUE);
        spec.setMaxSession(1);
        spec.setReconnectDelay(50);
        spec.setMaxReconnectDelay(400);
        previousLevel = activationLog.getLevel();
        activationLog.setLevel(Level.FINE);
        activationLog.addHandler(capture);
    }

    @AfterEach
    void stop() {
        activationLog.removeHandler(capture);
        activationLog.setLevel(previousLevel);
        adapter.endpointDeactivation(bean, spec);
        adapter.stop();
        server.close();
    }

    @Test
    void theAdapterStartsNoBrokerOfItsOwn() throws Exception {
        server.start();
        adapter.endpointActivation(bean, spec);
        send("order 1");
        assertEquals("order 1", bean.next());
        assertEquals(adapterUrl(), adapter.connectionUrl());
        assertTrue(EmbeddedBroker.running(adapter.getBrokerName()).isEmpty(),
                "the adapter started its embedded broker though ConnectionUrl names a server");
    }

    @Test
    void deliveryResumesWithoutReactivationWhenTheServerComesBack() throws Exception {
        server.start();
        adapter.endpointActivation(bean, spec);
        send("before");
        assertEquals("before", bean.next());

        server.stop();
        server.start(); // same port, same journal
        send("after");

        assertEquals("after", bean.nextAfterRedeliveriesOf("before"),
                "delivery did not resume after the server came back");
        assertEquals(1, warnings(), "warnings logged for the outage: " + messages(Level.WARNING));
    }

    @Test
    void withTheClientsFailoverTheActivationRidesOutARestartWithoutReconnectingItself() throws Exception {
        adapter.stop();
        adapter.setConnectionUrl(server.url()); // tcp:// reconnects by itself unless reconnectAttempts=0
        adapter.start(null);
        server.start();
        adapter.endpointActivation(bean, spec);
        send("before");
        assertEquals("before", bean.next());

        server.stop();
        server.start(); // same port, same journal
        send("after");

        assertEquals("after", bean.nextAfterRedeliveriesOf("before"),
                "delivery did not resume after the server came back");
        assertEquals(0, warnings(), "the activation saw an outage its connection rode out: "
                + messages(Level.WARNING));
    }

    @Test
    void aMessageSentBeforeTheServerWentAwayIsDeliveredWhenItComesBack() throws Exception {
        server.start();
        send("kept"); // persistent, in the server's journal; no bean yet
        server.stop();

        adapter.endpointActivation(bean, spec); // does not fail: the server is only away
        awaitLogged(Level.FINE, 3); // three tries, at least, with the server away
        server.start();

        assertEquals("kept", bean.next(), "the activation made while the server was away never delivered");
        assertEquals(1, warnings(), "a warning per outage, not per try: " + messages(Level.WARNING));
        assertTrue(messages(Level.INFO).stream().anyMatch(m -> m.contains("again")),
                "no line saying delivery resumed: " + messages(Level.INFO));
    }

    @Test
    void deactivationWhileTheServerIsAwayEndsTheReconnecting() throws Exception {
        adapter.endpointActivation(bean, spec);
        await(() -> reconnector() != null, "the activation to try reconnecting in the background");

        adapter.endpointDeactivation(bean, spec);
        await(() -> reconnector() == null, "the reconnecting thread to end after the deactivation");

        server.start();
        send("for someone else");
        try (Connection connection = new FerryConnectionFactory(server.url()).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            Message message = consumer.receive(10_000);
            assertEquals("for someone else", message == null ? null : ((TextMessage) message).getText(),
                    "the message went to the deactivated bean, or nowhere");
        }
        assertNull(bean.received.poll(), "the deactivated bean received a message");
    }

    @Test
    void theConnectionFactoryAndRecoveryUseTheServer() throws Exception {
        server.start();
        adapter.endpointActivation(bean, spec);
        FerryManagedConnectionFactory definition = new FerryManagedConnectionFactory();
        definition.setResourceAdapter(adapter);
        ConnectionFactory factory = (ConnectionFactory) definition.createConnectionFactory();
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession();
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage("outbound"));
        }
        assertEquals("outbound", bean.next());

        XAResource recovery = adapter.getXAResources(new FerryActivationSpec[] {spec})[0];
        assertEquals(0, recovery.recover(XAResource.TMSTARTRSCAN).length, "branches in doubt on a fresh server");
    }

    @Test
    void theAdaptersUserLogsInTheActivationAndRecoveryToAServerThatRequiresCredentials() throws Exception {
        server.users("sender:s3nder,ra:ra-Pa55word").start();
        adapter.setUserName("ra");
        adapter.setPassword("ra-Pa55word");
        adapter.endpointActivation(bean, spec);

        send("order 1");

        assertEquals("order 1", bean.next());
        XAResource recovery = adapter.getXAResources(new FerryActivationSpec[] {spec})[0];
        assertEquals(0, recovery.recover(XAResource.TMSTARTRSCAN).length, "branches in doubt on a fresh server");
    }

    @Test
    void theConnectionUrlsUserLogsInTheActivationWhenTheAdapterNamesNone() throws Exception {
        server.users("sender:s3nder,ra:ra-Pa55word").start();
        adapter.stop();
        adapter.setConnectionUrl(adapterUrl() + "&user=ra&password=ra-Pa55word");
        adapter.start(null);
        adapter.endpointActivation(bean, spec);

        send("order 1");

        assertEquals("order 1", bean.next());
    }

    @Test
    void aServerThatComesBackRefusingTheLoginIsReportedOnceAndWaitedFor() throws Exception {
        server.users("sender:s3nder,mdb:mdb-Pa55word").start();
        spec.setUser("mdb");
        spec.setPassword("mdb-Pa55word");
        adapter.endpointActivation(bean, spec);
        send("before");
        assertEquals("before", bean.next());

        server.stop();
        server.users("sender:s3nder,mdb:another-Pa55word").start(); // the password changed on the server only
        await(() -> !messages(Level.SEVERE).isEmpty(), "the refused login to be logged as an error");
        String error = messages(Level.SEVERE).get(0);
        assertTrue(error.contains(bean.getActivationName()) && error.contains(queue) && error.contains("user 'mdb'")
                && error.contains("activation property password"), error);
        assertFalse(error.contains("Pa55word"), error);

        server.stop();
        server.users("sender:s3nder,mdb:mdb-Pa55word").start(); // set back
        send("after");

        assertEquals("after", bean.nextAfterRedeliveriesOf("before"), "delivery did not resume once the login passed");
        assertEquals(1, messages(Level.SEVERE).size(), "an error per refusal, not per try: " + messages(Level.SEVERE));
    }

    @Test
    void aConnectionUrlNamingABrokerInThisJvmIsRefused() {
        FerryResourceAdapter misconfigured = new FerryResourceAdapter();
        misconfigured.setConnectionUrl("vm://elsewhere");
        ResourceException e = assertThrows(ResourceException.class, () -> misconfigured.start(null));
        assertTrue(e.getMessage().contains("ConnectionUrl") && e.getMessage().contains("tcp://HOST:PORT"),
                e.getMessage());
    }

    /** Sends as user sender: a server without users takes any name, one with users must know it. */
    private void send(String text) throws JMSException {
        try (Connection connection = new FerryConnectionFactory(server.url()).createConnection("sender", "s3nder")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage(text),
                    DeliveryMode.PERSISTENT, Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE);
        }
    }

    /** The activation's reconnecting thread, while there is one. */
    private Thread reconnector() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("ferrymq-ra-reconnect-" + bean.getActivationName()) && t.isAlive())
                .findFirst().orElse(null);
    }

    /**
     * The adapter's URL: without the client's own failover (reconnectAttempts=0), so that a lost
     * connection reaches the activation at once and its reconnecting, which these tests prove,
     * does the work (with failover it takes over only when the client gives up).
     */
    private String adapterUrl() {
        return server.url() + "?reconnectAttempts=0";
    }

    private long warnings() {
        return messages(Level.WARNING).size();
    }

    private List<String> messages(Level level) {
        return logged.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }

    private void awaitLogged(Level level, int count) throws InterruptedException {
        await(() -> messages(level).size() >= count, count + " log lines at " + level);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Waited 30 s for " + what);
            }
            Thread.sleep(10);
        }
    }
}
