package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A temporary queue is its connection's: another connection, of any user, may send to it (the
 * reply pattern) but neither consume from nor browse it, whether it asks through the client
 * or sends the broker the commands itself.
 */
class TemporaryDestinationOwnershipTest {

    private final String name = "temp-owner-" + UUID.randomUUID();
    private final Opened opened = new Opened();
    private EmbeddedBroker broker;
    private Session owner;
    private TemporaryQueue replies;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().addUser("alice", "a"));
        Connection connection = opened.track(new FerryConnectionFactory("vm://" + name).createConnection("alice", "a"));
        connection.start();
        owner = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        replies = owner.createTemporaryQueue();
    }

    @AfterEach
    void stop() {
        opened.closeAll();
        EmbeddedBroker.stop(name);
    }

    @Test
    void anotherConnectionMaySendToItButNotConsumeOrBrowseIt() throws Exception {
        Connection other = opened.track(new FerryConnectionFactory("vm://" + name).createConnection("alice", "a"));
        other.start();
        Session session = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createProducer(replies).send(session.createTextMessage("reply"));

        assertThrows(InvalidDestinationException.class, () -> session.createConsumer(replies));
        InvalidDestinationException e = assertThrows(InvalidDestinationException.class,
                () -> session.createBrowser(replies).getEnumeration());
        assertTrue(e.getMessage().contains("belongs to another connection"), e.getMessage());

        assertEquals("reply", ((TextMessage) owner.createConsumer(replies).receive(5000)).getText());
    }

    @Test
    void theBrokerRefusesAnotherConnectionsConsumeAndBrowseCommands() throws Exception {
        BrokerConnection other = broker.connect(new ClientIdTakeoverTest.Channel());
        other.handle(new Command.OpenConnection(UUID.randomUUID().toString(), "alice", "a", null));
        other.handle(new Command.CreateSession(1, false));
        DestinationName temporary = new DestinationName(DestinationName.Kind.TEMP_QUEUE, replies.getQueueName());
        assertThrows(InvalidDestinationException.class, () -> other.handle(new Command.Browse(temporary, null)));
        assertThrows(InvalidDestinationException.class, () -> other.handle(new Command.CreateConsumer(
                new ConsumerInfo(1, 1, temporary, null, false, null, false, false, 10))));
        other.handle(new Command.CloseConnection());

        owner.createProducer(replies).send(owner.createTextMessage("still here"));
        assertEquals("still here", ((TextMessage) owner.createConsumer(replies).receive(5000)).getText());
    }
}
