package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.file.Path;
import org.ferrymq.client.FerryQueue;
import org.ferrymq.protocol.Command;
import org.ferrymq.testing.RoundTrip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's limits on connections and on what one connection holds, over tcp://: the
 * refusal reaches the client as the same ResourceAllocationException, naming the setting, and
 * the client's other connections and sessions carry on.
 */
class TcpConnectionLimitsTest {

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    private final Queue queue = new FerryQueue("limited");

    @Test
    void aClientPastMaxConnectionsIsRefusedAtTheHandshakeUntilAConnectionCloses() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.maxConnections(2));
        Connection first = server.startedConnection();
        server.startedConnection();
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> server.track(server.factory().createConnection()));
        assertTrue(refused.getMessage().startsWith("The FerryMQ server at tcp://127.0.0.1:" + server.port()
                + " refused the connection: Broker '"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("' has 2 client connections open, as many as it accepts (broker "
                + "setting 'maxConnections'); close connections the application no longer uses, or raise the "
                + "setting"), refused.getMessage());

        RoundTrip.check(first, queue, "still works");
        first.close();
        RoundTrip.check(server.startedConnection(), queue, "in the freed slot");
    }

    @Test
    void aUsersConnectionPastItsLimitIsRefusedWithAResourceAllocationException() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.maxConnectionsPerUser(1).addUser("alice", "a"));
        Connection alice = server.track(server.factory().createConnection("alice", "a"));
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> server.track(server.factory().createConnection("alice", "a")));
        assertTrue(refused.getMessage().startsWith("User 'alice' has 1 connections open to broker '"),
                refused.getMessage());
        alice.start();
        RoundTrip.check(alice, queue, "alice carries on");
        alice.close();
        server.track(server.factory().createConnection("alice", "a"));
    }

    @Test
    void aSocketWhoseOpeningWasRefusedCountsAgainstMaxConnectionsUntilItCloses() throws Exception {
        server.start(data, TcpSettings.DEFAULTS,
                config -> config.maxConnections(2).maxConnectionsPerUser(1).addUser("alice", "a")
                        .requireCredentials(false)); // the raw and the anonymous clients give no user
        server.track(server.factory().createConnection("alice", "a"));
        try (RawClient raw = new RawClient(server.port())) {
            raw.hello(Handshake.VERSION, 0);
            int open = raw.send(new Command.OpenConnection("raw-client", "alice", "a", null));
            IOException refused = assertThrows(IOException.class, () -> raw.awaitAnswer(open));
            assertTrue(refused.getMessage().contains("(broker setting 'maxConnectionsPerUser')"),
                    refused.getMessage());
            // the raw client keeps its socket: it still holds a connection of the server's two
            ResourceAllocationException full = assertThrows(ResourceAllocationException.class,
                    () -> server.track(server.factory().createConnection()));
            assertTrue(full.getMessage().contains("(broker setting 'maxConnections')"), full.getMessage());
        }
        awaitConnection();
    }

    /** A connection opens once the server has seen a closed socket go (it learns that a moment later). */
    private void awaitConnection() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                server.track(server.factory().createConnection());
                return;
            } catch (ResourceAllocationException e) {
                if (attempt == 600) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void aSessionPastTheLimitIsRefusedWithAResourceAllocationExceptionAndTheConnectionCarriesOn() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.maxSessionsPerConnection(1));
        Connection connection = server.startedConnection();
        Session only = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> connection.createSession(false, Session.AUTO_ACKNOWLEDGE));
        assertTrue(refused.getMessage().contains("(broker setting 'maxSessionsPerConnection')"), refused.getMessage());
        only.close();
        RoundTrip.check(connection, queue, "in the freed slot");
    }

}
