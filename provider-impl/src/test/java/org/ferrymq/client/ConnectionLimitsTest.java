package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.ferrymq.testing.RoundTrip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits on what one client may hold open at the broker (connections, and a connection's
 * sessions, consumers and temporary destinations), seen through the JMS API over vm://: up to a
 * limit everything works, one more is refused with a ResourceAllocationException naming the
 * limit and its broker setting, nothing of the refused thing exists, the connection carries on,
 * and closing one thing frees its slot.
 */
class ConnectionLimitsTest {

    @RegisterExtension
    final EmbeddedBroker broker = new EmbeddedBroker("maxConnections=3&maxSessionsPerConnection=2"
            + "&maxConsumersPerConnection=2&maxTemporaryDestinationsPerConnection=2");

    @RegisterExtension
    final EmbeddedBroker perUser =
            new EmbeddedBroker("maxConnectionsPerUser=2&users=alice:a,bob:b&requireCredentials=false");

    private static final Queue ROUND_TRIP = new FerryQueue("round-trip");

    private final Queue queue = new FerryQueue("limited");

    @Test
    void aConnectionPastMaxConnectionsIsRefusedUntilOneCloses() throws Exception {
        Connection first = broker.startedConnection();
        broker.connection();
        Connection third = broker.connection();
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> broker.connection());
        assertRefused("Broker ", "' has 3 client connections open, as many as it accepts "
                + "(broker setting 'maxConnections'); close connections the application no longer uses, or raise "
                + "the setting", refused);

        RoundTrip.check(first, ROUND_TRIP, "still works");
        third.close();
        RoundTrip.check(broker.startedConnection(), ROUND_TRIP, "in the freed slot");
    }

    @Test
    void aConnectionThatFailsToOpenHoldsNoSlot() throws Exception {
        broker.connection().setClientID("taken");
        for (int i = 0; i < 5; i++) {
            assertThrows(InvalidClientIDException.class,
                    () -> broker.track(broker.factory("clientID=taken").createConnection()));
        }
        broker.connection();
        broker.connection();
        assertThrows(ResourceAllocationException.class, () -> broker.connection()); // the limit is in force
    }

    @Test
    void aUsersConnectionPastMaxConnectionsPerUserIsRefusedWhileOtherUsersConnect() throws Exception {
        Connection alice = perUser.track(perUser.factory().createConnection("alice", "a"));
        Connection second = perUser.track(perUser.factory().createConnection("alice", "a"));
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> perUser.track(perUser.factory().createConnection("alice", "a")));
        assertRefused("User 'alice' has 2 connections open to broker ", "', as many as it "
                + "accepts of one user (broker setting 'maxConnectionsPerUser'); close connections the application "
                + "no longer uses, or raise the setting", refused);

        perUser.track(perUser.factory().createConnection("bob", "b")).close();
        alice.start();
        RoundTrip.check(alice, ROUND_TRIP, "alice carries on");
        second.close();
        perUser.track(perUser.factory().createConnection("alice", "a"));
    }

    @Test
    void connectionsWithoutAUserNameCountTogetherAgainstMaxConnectionsPerUser() throws Exception {
        perUser.connection();
        Connection second = perUser.connection();
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> perUser.connection());
        assertRefused("Connections without a user name have 2 connections open to broker ", "', as many as it "
                + "accepts of one user (broker setting 'maxConnectionsPerUser'); close connections the application "
                + "no longer uses, or raise the setting", refused);
        perUser.track(perUser.factory().createConnection("alice", "a"));
        second.close();
        perUser.connection();
    }

    @Test
    void aSessionPastMaxSessionsPerConnectionIsRefusedUntilOneCloses() throws Exception {
        Connection connection = broker.startedConnection();
        Session first = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> connection.createSession(true, Session.SESSION_TRANSACTED));
        assertRefused("This connection has 2 sessions open, as many as broker ", "' accepts on one connection "
                + "(broker setting 'maxSessionsPerConnection'); close sessions the application no longer uses, or "
                + "raise the setting", refused);

        first.createProducer(queue).send(first.createTextMessage("still works"));
        first.close();
        Session again = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertEquals("still works", ((TextMessage) again.createConsumer(queue).receive(5_000)).getText());
    }

    @Test
    void aConsumerPastMaxConsumersPerConnectionIsRefusedAndCreatesNothing() throws Exception {
        Connection connection = broker.connection();
        connection.setClientID("limited-client");
        connection.start();
        Session one = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session other = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer first = one.createConsumer(queue);
        other.createConsumer(new FerryQueue("elsewhere"));
        Topic topic = new FerryTopic("news");
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> other.createDurableSubscriber(topic, "never-made"));
        assertRefused("This connection has 2 consumers open, as many as broker ", "' accepts on one connection "
                + "(broker setting 'maxConsumersPerConnection'); close consumers the application no longer uses, or "
                + "raise the setting", refused);
        assertThrows(InvalidDestinationException.class, () -> other.unsubscribe("never-made"));

        first.close();
        other.createDurableSubscriber(topic, "made").close();
        other.unsubscribe("made");
        MessageConsumer again = one.createConsumer(queue);
        one.createProducer(queue).send(one.createTextMessage("still works"));
        assertNotNull(again.receive(5_000));
    }

    @Test
    void closingASessionFreesItsConsumersSlots() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createConsumer(queue);
        session.createConsumer(queue);
        session.close();
        Session fresh = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        fresh.createConsumer(queue);
        fresh.createConsumer(queue);
        assertThrows(ResourceAllocationException.class, () -> fresh.createConsumer(queue));
    }

    @Test
    void aTemporaryDestinationPastTheLimitIsRefusedUntilOneIsDeleted() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue first = session.createTemporaryQueue();
        session.createTemporaryTopic();
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                session::createTemporaryQueue);
        assertRefused("This connection has 2 temporary destinations, as many as broker ", "' accepts on one "
                + "connection (broker setting 'maxTemporaryDestinationsPerConnection'); delete temporary destinations "
                + "the application no longer uses, or raise the setting", refused);

        session.createProducer(first).send(session.createTextMessage("still works"));
        assertNotNull(session.createConsumer(first).receive(5_000));
        session.close();
        Session other = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        first.delete();
        other.createTemporaryQueue();
    }

    /** The refusal's message is {@code before}, the quoted name of the test's broker, then {@code after}. */
    private static void assertRefused(String before, String after, ResourceAllocationException refused) {
        String message = refused.getMessage();
        assertTrue(message.startsWith(before + "'test-") && message.endsWith(after), message);
    }
}
