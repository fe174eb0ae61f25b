package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.UUID;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.testing.Logs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication as anyone who reaches the server's port meets it: a raw client gets nothing
 * done before a successful OpenConnection, and a failed login is logged with the client's
 * address.
 */
class TcpAuthenticationTest {

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    @Test
    void aRawClientCannotSendWithoutOpeningTheConnection() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.addUser("alice", "s3cret").addQueue("orders"));
        TcpTransport raw = TcpTransport.connect("127.0.0.1", server.port(), TcpSettings.DEFAULTS);
        try {
            raw.setClientChannel(new ClientChannel() {
                @Override
                public void deliver(Delivery delivery) {
                }

                @Override
                public void connectionFailed(JMSException cause) {
                }
            });
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> raw.request(new Command.CreateSession(1, false)));
            assertTrue(refused.getMessage().contains("not open yet"), refused.getMessage());
            MessageData forged = MessageData.builder(MessageData.BodyType.TEXT).body("forged")
                    .destination(DestinationName.queue("orders")).build();
            assertThrows(IllegalStateException.class, () -> raw.request(new Command.Send(1, forged)));
            assertThrows(JMSSecurityException.class,
                    () -> raw.request(new Command.OpenConnection(UUID.randomUUID().toString(), null, null, null)));
        } finally {
            raw.close();
        }
        Connection alice = server.track(server.factory().createConnection("alice", "s3cret"));
        alice.start();
        Session session = alice.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue("orders"));
        session.createProducer(session.createQueue("orders")).send(session.createTextMessage("real"));
        assertEquals("real", ((TextMessage) consumer.receive(30_000)).getText(), "the forged message was stored");
    }

    @Test
    void aFailedLoginIsLoggedWithTheClientsAddressAndNoPassword() throws Throwable {
        server.start(data, TcpSettings.DEFAULTS, config -> config.addUser("alice", "s3cret"));
        String log = Logs.of(() -> assertThrows(JMSSecurityException.class,
                () -> server.factory().createConnection("alice", "guess-TOPSECRET")));
        assertTrue(log.contains("as user 'alice' from 127.0.0.1"), log);
        assertFalse(log.contains("TOPSECRET"), log);
    }
}
