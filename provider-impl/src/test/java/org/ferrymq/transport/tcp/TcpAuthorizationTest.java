package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Permissions over a real TCP connection: a refusal reaches the client as the same
 * JMSSecurityException, and nothing is stored, taken or shown; JMSXUserID is stamped.
 */
class TcpAuthorizationTest {

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    @TempDir
    Path etc;

    private void start() throws Exception {
        Path permissions = Files.writeString(etc.resolve("permissions.properties"),
                "send.orders.#=producers\nconsume.orders.#=consumers\nbrowse.#=admins\n");
        server.start(data, TcpSettings.DEFAULTS, config -> config.addQueue("orders")
                .addUser("producer", "p").addUserRoles("producer", "producers")
                .addUser("consumer", "c").addUserRoles("consumer", "consumers")
                .addUser("admin", "x").addUserRoles("admin", "admins")
                .permissionsFile(permissions).stampUserId(true));
    }

    private Session session(String user, String password) throws JMSException {
        Connection connection = server.track(server.factory().createConnection(user, password));
        connection.start();
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    private List<String> contents() throws JMSException {
        Session admin = session("admin", "x");
        List<String> texts = new ArrayList<>();
        for (Object message : Collections.list(admin.createBrowser(admin.createQueue("orders")).getEnumeration())) {
            texts.add(((TextMessage) message).getText());
        }
        return texts;
    }

    @Test
    void refusedSendsConsumersAndBrowsesChangeNothingAndAcceptedMessagesCarryTheirSender() throws Exception {
        start();
        Session producer = session("producer", "p");
        Message forged = producer.createTextMessage("order 1");
        forged.setStringProperty("JMSXUserID", "admin");
        producer.createProducer(producer.createQueue("orders")).send(forged);

        Session consumer = session("consumer", "c");
        JMSSecurityException send = assertThrows(JMSSecurityException.class,
                () -> consumer.createProducer(consumer.createQueue("orders")).send(consumer.createTextMessage("no")));
        assertTrue(send.getMessage().contains("User 'consumer' may not send on queue 'orders'")
                && send.getMessage().contains("send.orders.#=producers"), send.getMessage());
        assertThrows(JMSSecurityException.class, () -> producer.createConsumer(producer.createQueue("orders")));
        assertThrows(JMSSecurityException.class,
                () -> consumer.createBrowser(consumer.createQueue("orders")).getEnumeration());
        assertEquals(List.of("order 1"), contents());

        Message received = consumer.createConsumer(consumer.createQueue("orders")).receive(5000);
        assertEquals("order 1", ((TextMessage) received).getText());
        assertEquals("producer", received.getStringProperty("JMSXUserID"));
    }
}
