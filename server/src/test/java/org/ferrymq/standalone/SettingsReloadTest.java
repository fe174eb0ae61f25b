package org.ferrymq.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Properties;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running server takes changed destination policies from its settings file, without a restart. */
class SettingsReloadTest {

    @TempDir
    Path home;

    @Test
    void aChangedSettingsFileChangesTheDestinationPoliciesOfTheRunningServer() throws Exception {
        Path file = home.resolve("broker.properties");
        write(file, "listen", "tcp://127.0.0.1:0", "journal", "memory",
                "destination.orders.#.maxDeliveryAttempts", "2");
        try (FerryServer server = FerryServer.start(ServerSettings.from(read(file), home))) {
            server.watchSettings(file, home);
            assertFalse(server.settingsChanged(), "nothing changed yet");
            FerryConnectionFactory factory = new FerryConnectionFactory("tcp://127.0.0.1:" + server.port());
            try (Connection connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                assertEquals(2, deliveriesBeforeDeadLetter(session, "DLQ"));

                write(file, "listen", "tcp://127.0.0.1:0", "journal", "memory",
                        "destination.orders.#.maxDeliveryAttempts", "4",
                        "destination.orders.#.autoCreateDeadLetterQueue", "true");
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
                assertTrue(server.settingsChanged());
                assertEquals(4, deliveriesBeforeDeadLetter(session, "DLQ.orders.eu"));

                Files.writeString(file, "destination.orders.#.maxDeliveryAttempts=many\n");
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
                assertFalse(server.settingsChanged(), "a wrong file is not applied");
                assertEquals(4, deliveriesBeforeDeadLetter(session, "DLQ.orders.eu"), "the last good policies stay");
            }
        }
    }

    private static int deliveriesBeforeDeadLetter(Session session, String deadLetterQueue) throws Exception {
        session.createProducer(session.createQueue("orders.eu")).send(session.createTextMessage("order"));
        session.commit();
        int deliveries = 0;
        try (MessageConsumer consumer = session.createConsumer(session.createQueue("orders.eu"))) {
            while (consumer.receive(500) != null) {
                deliveries++;
                session.rollback();
            }
        }
        try (MessageConsumer dead = session.createConsumer(session.createQueue(deadLetterQueue))) {
            TextMessage m = (TextMessage) dead.receive(2000);
            assertNotNull(m, "nothing on " + deadLetterQueue);
            assertEquals("order", m.getText());
            session.commit();
        }
        return deliveries;
    }

    private static void write(Path file, String... keyValues) throws Exception {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
    }

    private static Properties read(Path file) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }
}
