package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.server.BrokerCore;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each permission of a permissions file lets a user do, over an embedded broker's
 * {@code vm://} connections: a user granted it succeeds; a user without it gets a
 * JMSSecurityException naming the user, the operation, the destination and the lines that
 * would grant it, and nothing happens: nothing is sent, consumed, browsed, created or
 * removed, as a privileged user sees afterwards.
 */
class AuthorizationTest {

    static final String PERMISSIONS = String.join("\n",
            "# who may do what",
            "send.orders.#=producers",
            "consume.orders.#=consumers",
            "browse.orders.#=auditors",
            "createDestination.orders.new.#=producers",
            "send.events.#=producers",
            "consume.events.*=subscribers,listeners",
            "createDurable.events.*=subscribers",
            "deleteDurable.events.*=subscribers",
            "send.#=admins",
            "consume.#=admins",
            "browse.#=admins",
            "createDestination.#=admins",
            "manage.#=admins",
            "");

    @TempDir
    Path dir;

    private final String name = "authz-" + UUID.randomUUID();
    private final Opened opened = new Opened();
    private EmbeddedBroker broker;
    private FerryConnectionFactory factory;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start(secured(new BrokerConfig(name)).addQueue("orders.eu").addTopic("events.news"));
        factory = new FerryConnectionFactory("vm://" + name);
    }

    /** Users producer, consumer, auditor, subscriber, listener, admin (each in the role of its name) and nobody. */
    BrokerConfig secured(BrokerConfig config) throws Exception {
        return config.memoryJournal()
                .set(BrokerConfig.USERS, "producer:p,consumer:c,auditor:a,subscriber:s,listener:l,admin:x,nobody:n")
                .set(BrokerConfig.USER_ROLES, "producer:producers,consumer:consumers,auditor:auditors,"
                        + "subscriber:subscribers,listener:listeners,admin:admins;auditors")
                .permissionsFile(Files.writeString(dir.resolve("permissions.properties"), PERMISSIONS));
    }

    @AfterEach
    void stop() {
        opened.closeAll();
        EmbeddedBroker.stop(name);
    }

    private Session session(String user, String password) throws JMSException {
        return session(user, password, null);
    }

    private Session session(String user, String password, String clientId) throws JMSException {
        Connection connection = opened.track(factory.createConnection(user, password));
        if (clientId != null) {
            connection.setClientID(clientId);
        }
        connection.start();
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    /** What the queue holds, as the admin browses it. */
    private List<String> contents(String queue) throws JMSException {
        Session admin = session("admin", "x");
        List<String> texts = new ArrayList<>();
        for (Object message : Collections.list(admin.createBrowser(admin.createQueue(queue)).getEnumeration())) {
            texts.add(((TextMessage) message).getText());
        }
        return texts;
    }

    private static void send(Session session, String queue, String text) throws JMSException {
        session.createProducer(session.createQueue(queue)).send(session.createTextMessage(text));
    }

    private static JMSSecurityException refused(Executable call, String... mentions) {
        JMSSecurityException e = assertThrows(JMSSecurityException.class, call);
        for (String mention : mentions) {
            assertTrue(e.getMessage().contains(mention), "'" + mention + "' missing from: " + e.getMessage());
        }
        return e;
    }

    private boolean exists(DestinationName destination) {
        return BrokerCore.of(broker).exists(destination);
    }

    @Test
    void aUserGrantedSendSendsAndOneWithoutIsRefusedAndSendsNothing() throws Exception {
        send(session("producer", "p"), "orders.eu", "allowed");
        Session consumer = session("consumer", "c");
        var producer = consumer.createProducer(consumer.createQueue("orders.eu"));
        JMSSecurityException e = refused(() -> producer.send(consumer.createTextMessage("forbidden")),
                "User 'consumer' may not send on queue 'orders.eu'", "roles consumers",
                "send.orders.#=producers", "permissionsFile");
        assertTrue(e.getMessage().contains(dir.resolve("permissions.properties").toString()), e.getMessage());
        Session transacted = opened.track(factory.createConnection("consumer", "c")).createSession(true,
                Session.SESSION_TRANSACTED);
        refused(() -> transacted.createProducer(transacted.createQueue("orders.eu"))
                .send(transacted.createTextMessage("forbidden too")), "send");
        transacted.commit();
        assertEquals(List.of("allowed"), contents("orders.eu"));
    }

    @Test
    void aUserGrantedConsumeReceivesAndOneWithoutIsRefusedAndTakesNothing() throws Exception {
        Session producer = session("producer", "p");
        send(producer, "orders.eu", "waiting");
        refused(() -> producer.createConsumer(producer.createQueue("orders.eu")),
                "User 'producer' may not consume on queue 'orders.eu'", "consume.orders.#=consumers");
        assertEquals(List.of("waiting"), contents("orders.eu"));
        Session consumer = session("consumer", "c");
        Message received = consumer.createConsumer(consumer.createQueue("orders.eu")).receive(5000);
        assertNotNull(received);
        assertEquals("waiting", ((TextMessage) received).getText());
    }

    @Test
    void aUserGrantedBrowseBrowsesAndOneWithoutIsRefusedAndSeesNothing() throws Exception {
        send(session("producer", "p"), "orders.eu", "listed");
        Session consumer = session("consumer", "c");
        Queue orders = consumer.createQueue("orders.eu");
        var browser = consumer.createBrowser(orders);
        refused(browser::getEnumeration, "User 'consumer' may not browse on queue 'orders.eu'",
                "browse.orders.#=auditors");
        Session auditor = session("auditor", "a");
        List<?> seen = Collections.list(auditor.createBrowser(auditor.createQueue("orders.eu")).getEnumeration());
        assertEquals(1, seen.size());
        assertEquals("listed", ((TextMessage) consumer.createConsumer(orders).receive(5000)).getText(),
                "a browse consumed the message");
    }

    @Test
    void aUserGrantedCreateDestinationCreatesOneOnFirstUseAndOneWithoutCreatesNothing() throws Exception {
        send(session("producer", "p"), "orders.new.eu", "first");
        assertTrue(exists(DestinationName.queue("orders.new.eu")));

        Session consumer = session("consumer", "c");
        refused(() -> consumer.createConsumer(consumer.createQueue("orders.new.us")),
                "User 'consumer' may not createDestination on queue 'orders.new.us'",
                "createDestination.orders.new.#=producers");
        refused(() -> consumer.createProducer(consumer.createQueue("orders.new.asia")), "createDestination");
        assertFalse(exists(DestinationName.queue("orders.new.us")));
        assertFalse(exists(DestinationName.queue("orders.new.asia")));
        assertEquals("first", ((TextMessage) consumer.createConsumer(consumer.createQueue("orders.new.eu"))
                .receive(5000)).getText(), "consume alone suffices on a queue that exists");
    }

    @Test
    void aUserGrantedCreateDurableSubscribesAndOneWithoutMakesNoSubscription() throws Exception {
        Session listener = session("listener", "l", "listener-client");
        Topic news = listener.createTopic("events.news");
        refused(() -> listener.createDurableConsumer(news, "mine"),
                "User 'listener' may not createDurable on topic 'events.news'", "createDurable.events.*=subscribers");
        refused(() -> listener.createSharedConsumer(news, "ours"), "createDurable");
        Broker core = BrokerCore.of(broker);
        assertNull(core.existingSubscription("listener-client", "mine"));
        assertNull(core.existingSubscription("listener-client", "ours"));

        Session subscriber = session("subscriber", "s");
        MessageConsumer first = subscriber.createSharedDurableConsumer(news, "shared-news");
        MessageConsumer joined = session("listener", "l").createSharedDurableConsumer(news, "shared-news");
        assertNotNull(joined, "joining a shared subscription that exists needs consume only");
        Session producer = session("producer", "p");
        producer.createProducer(news).send(producer.createTextMessage("headline"));
        Message got = first.receive(2000);
        if (got == null) {
            got = joined.receive(2000);
        }
        assertEquals("headline", ((TextMessage) got).getText());
        MessageConsumer nonShared = session("listener", "l").createConsumer(news);
        assertNotNull(nonShared, "a plain topic consumer needs consume only");
    }

    @Test
    void aUserGrantedDeleteDurableUnsubscribesAndOneWithoutLeavesTheSubscription() throws Exception {
        Connection owner = opened.track(factory.createConnection("subscriber", "s"));
        owner.setClientID("keeper");
        Session session = owner.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic news = session.createTopic("events.news");
        session.createDurableConsumer(news, "keep").close();
        owner.close();

        Connection intruder = opened.track(factory.createConnection("listener", "l"));
        intruder.setClientID("keeper");
        Session listener = intruder.createSession(false, Session.AUTO_ACKNOWLEDGE);
        refused(() -> listener.unsubscribe("keep"),
                "User 'listener' may not deleteDurable on topic 'events.news'", "deleteDurable.events.*=subscribers");
        intruder.close(); // it holds the client ID

        Session producer = session("producer", "p");
        producer.createProducer(news).send(producer.createTextMessage("kept for you"));
        Session again = session("subscriber", "s", "keeper");
        MessageConsumer consumer = again.createDurableConsumer(news, "keep");
        assertEquals("kept for you", ((TextMessage) consumer.receive(5000)).getText());
        consumer.close();
        again.unsubscribe("keep");
        assertNull(BrokerCore.of(broker).existingSubscription("keeper", "keep"));
    }

    @Test
    void temporaryDestinationsNeedNoGrant() throws Exception {
        Session nobody = session("nobody", "n");
        var replies = nobody.createTemporaryQueue();
        nobody.createProducer(replies).send(nobody.createTextMessage("to myself"));
        assertEquals("to myself", ((TextMessage) nobody.createConsumer(replies).receive(5000)).getText());
        var topic = nobody.createTemporaryTopic();
        MessageConsumer shared = nobody.createSharedConsumer(topic, "mine");
        nobody.createProducer(topic).send(nobody.createTextMessage("fan out"));
        assertEquals("fan out", ((TextMessage) shared.receive(5000)).getText());
    }

    @Test
    void aUserWithoutRolesMayDoNothingAndIsToldSo() throws Exception {
        Session nobody = session("nobody", "n");
        refused(() -> send(nobody, "orders.eu", "x"), "User 'nobody' may not send on queue 'orders.eu'",
                "it has no roles");
        refused(() -> nobody.createConsumer(nobody.createQueue("orders.eu")), "consume");
        assertEquals(List.of(), contents("orders.eu"));
    }

    @Test
    void aJMSContextRefusalIsAJMSSecurityRuntimeException() throws Exception {
        try (JMSContext context = factory.createContext("consumer", "c")) {
            JMSSecurityRuntimeException e = assertThrows(JMSSecurityRuntimeException.class,
                    () -> context.createProducer().send(context.createQueue("orders.eu"), "forbidden"));
            assertTrue(e.getMessage().contains("may not send"), e.getMessage());
        }
        assertEquals(List.of(), contents("orders.eu"));
    }

    @Test
    void aPermissionsFileIsNotTakenFromAConnectionUrl() {
        String other = "authz-url-" + UUID.randomUUID();
        JMSException e = assertThrows(JMSException.class, () -> new FerryConnectionFactory("vm://" + other
                + "?users=mallory:m&permissionsFile=" + dir.resolve("permissions.properties"))
                .createConnection("mallory", "m"));
        assertTrue(e.getMessage().contains("'permissionsFile' is not taken from a URL"), e.getMessage());
    }
}
