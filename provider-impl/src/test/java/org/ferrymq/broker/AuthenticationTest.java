package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.util.List;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Who may open a connection, as a client on any transport sees it (commands straight to a
 * {@link BrokerConnection}, as TCP's server hands them in): with users configured, only a user
 * with the right password; with none and credentials not required, anybody; and nothing but
 * OpenConnection before a connection is open.
 */
class AuthenticationTest {

    private EmbeddedBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private BrokerConnection connect(BrokerConfig config) throws JMSException {
        if (broker == null) {
            broker = EmbeddedBroker.start(config.memoryJournal());
        }
        return broker.connect(new ClientIdTakeoverTest.Channel());
    }

    private static BrokerConfig config() {
        return new BrokerConfig("auth-" + UUID.randomUUID());
    }

    private static Command.OpenConnection open(String user, String password) {
        return new Command.OpenConnection(UUID.randomUUID().toString(), user, password, null);
    }

    @Test
    void aConnectionWithoutAUserIsRefusedWhenUsersAreConfigured() throws Exception {
        BrokerConnection connection = connect(config().addUser("alice", "secret"));
        JMSSecurityException e = assertThrows(JMSSecurityException.class, () -> connection.handle(open(null, null)));
        assertTrue(e.getMessage().contains("requires a user name and password"), e.getMessage());
    }

    @Test
    void anonymousConnectionsAreAcceptedBesideUsersOnlyWhenRequireCredentialsIsFalse() throws Exception {
        BrokerConfig config = config().addUser("alice", "secret").requireCredentials(false);
        assertDoesNotThrow(() -> connect(config).handle(open(null, null)));
        assertDoesNotThrow(() -> connect(config).handle(open("alice", "secret")));
        assertThrows(JMSSecurityException.class, () -> connect(config).handle(open("alice", "wrong")));
    }

    @Test
    void withNoUsersAndCredentialsNotRequiredSecurityIsOff() throws Exception {
        BrokerConfig config = config();
        assertDoesNotThrow(() -> connect(config).handle(open(null, null)));
        assertDoesNotThrow(() -> connect(config).handle(open("anyone", "anything")));
    }

    @Test
    void theRightPasswordOpensAndAWrongOneOrAnUnknownUserDoesNot() throws Exception {
        BrokerConfig config = config().addUser("alice", "secret");
        assertDoesNotThrow(() -> connect(config).handle(open("alice", "secret")));
        JMSSecurityException e = assertThrows(JMSSecurityException.class,
                () -> connect(config).handle(open("alice", "secre")));
        assertTrue(e.getMessage().contains("User 'alice' is unknown to broker") && e.getMessage().contains(
                "or the password is wrong"), e.getMessage());
        assertThrows(JMSSecurityException.class, () -> connect(config).handle(open("alice", null)));
        assertThrows(JMSSecurityException.class, () -> connect(config).handle(open("mallory", "secret")));
    }

    @Test
    void commandsBeforeASuccessfulOpenConnectionAreRefusedAndChangeNothing() throws Exception {
        BrokerConfig config = config().addUser("alice", "secret").addQueue("orders");
        BrokerConnection connection = connect(config);
        MessageData message = MessageData.builder(MessageData.BodyType.TEXT).body("forged")
                .destination(DestinationName.queue("orders")).build();
        for (Command<?> command : List.of(new Command.CreateSession(1, false), new Command.Send(1, message),
                new Command.CreateTemporaryDestination(DestinationName.Kind.TEMP_QUEUE),
                new Command.Browse(DestinationName.queue("orders"), null), new Command.XaRecover())) {
            assertRefusedBeforeOpen(() -> connection.handle(command), command);
        }
        assertThrows(JMSSecurityException.class, () -> connection.handle(open("alice", "wrong")));
        assertRefusedBeforeOpen(() -> connection.handle(new Command.CreateSession(1, false)), "after a failed open");

        connection.handle(open("alice", "secret"));
        assertThrows(IllegalStateException.class, () -> connection.handle(new Command.Send(1, message)),
                "a session asked for before the connection was open exists");
        connection.handle(new Command.CreateSession(2, false));
        assertEquals(List.of(), connection.handle(new Command.Browse(DestinationName.queue("orders"), null)));
    }

    private static void assertRefusedBeforeOpen(Executable call, Object what) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call, what + " was accepted");
        assertTrue(e.getMessage().contains("not open"), e.getMessage());
    }
}
