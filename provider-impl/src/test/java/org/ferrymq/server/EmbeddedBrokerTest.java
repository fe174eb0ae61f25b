package org.ferrymq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.testing.Logs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, finding and stopping the brokers of this JVM, as an application or the server does. */
class EmbeddedBrokerTest {

    private final String name = "embedded-test-" + UUID.randomUUID();

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    private String sendAndReceive(String queue) throws JMSException {
        try (Connection connection = new FerryConnectionFactory("vm://" + name).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage("hello"));
            return ((TextMessage) session.createConsumer(session.createQueue(queue)).receive(5000)).getText();
        }
    }

    @Test
    void aBrokerStartedFromAClasspathFileIsReachedAsVmName() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start(name, "classpath:embedded-broker-test.properties");
        assertEquals(name, broker.name());
        assertEquals(Set.of("from-file"), broker.settings().queues());
        assertEquals(3, broker.settings().maxDeliveryAttempts());
        assertTrue(broker.isRunning());
        assertSame(broker, EmbeddedBroker.running(name).orElseThrow());
        assertEquals("hello", sendAndReceive("from-file"));
    }

    @Test
    void aBrokerStartedFromAFilePathHasItsSettings(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("broker.properties"), "journal=memory\nusers=alice:secret\n");
        EmbeddedBroker broker = EmbeddedBroker.start(name, file.toString());
        assertEquals("secret", broker.settings().users().get("alice"));
    }

    @Test
    void aStoppedBrokerIsNoLongerNamedAndTheNextVmUrlStartsAnother() throws Exception {
        EmbeddedBroker first = EmbeddedBroker.start(new BrokerConfig(name).memoryJournal());
        assertFalse(first.stopped().isDone(), "a running broker said it had stopped");
        first.stop();
        assertTrue(first.stopped().isDone(), "stop() returned before stopped() completed");
        assertFalse(first.isRunning());
        assertEquals(Optional.empty(), EmbeddedBroker.running(name));
        assertThrows(IllegalStateException.class, () -> first.connect(null), "a stopped broker took a connection");

        assertEquals("hello", sendAndReceive("q")); // vm://NAME starts a new broker
        EmbeddedBroker second = EmbeddedBroker.running(name).orElseThrow();
        assertNotSame(first, second);
        assertTrue(second.isRunning());
    }

    @Test
    void theUrlsParametersWinOverItsConfigFile() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.forUrl(ConnectionUrl.parse("vm://" + name
                + "?config=classpath:embedded-broker-test.properties&maxDeliveryAttempts=5"));
        assertEquals(5, broker.settings().maxDeliveryAttempts());
        assertEquals(Set.of("from-file"), broker.settings().queues());
        assertSame(broker, EmbeddedBroker.forUrl(ConnectionUrl.parse("vm://" + name)), "a second broker was started");
    }

    @Test
    void aSecondBrokerOfTheSameNameIsRefused() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedBroker.start(new BrokerConfig(name).memoryJournal()));
        assertTrue(e.getMessage().contains("'" + name + "' is already running"), e.getMessage());
    }

    @Test
    void aMissingSettingsFileIsNamed() {
        JMSException e = assertThrows(JMSException.class,
                () -> EmbeddedBroker.start(name, "classpath:no-such-broker.properties"));
        assertTrue(e.getMessage().contains("no-such-broker.properties"), e.getMessage());
        assertEquals(Optional.empty(), EmbeddedBroker.running(name));
    }

    @Test
    void anUnknownSettingIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("broker.properties"), "journal=memory\nmaxDelivery=3\n");
        JMSException e = assertThrows(JMSException.class, () -> EmbeddedBroker.start(name, file.toString()));
        assertTrue(e.getMessage().contains("Unknown broker setting 'maxDelivery'"), e.getMessage());
    }

    @Test
    void theLimitSettingsAreReadFromTheSettingsFileAndAValueOutOfRangeIsNamed(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.properties"),
                "journal=memory\nmaxSelectorLength=1000\nmaxSelectorDepth=1000\nmaxProperties=1\nmaxPropertiesSize=2k\n");
        EmbeddedBroker.start(name, good.toString());
        EmbeddedBroker.stop(name);
        for (String bad : new String[] {"maxSelectorLength=0", "maxSelectorDepth=1001", "maxProperties=-1",
                "maxPropertiesSize=3g"}) {
            Path file = Files.writeString(dir.resolve("bad.properties"), "journal=memory\n" + bad + "\n");
            JMSException e = assertThrows(JMSException.class, () -> EmbeddedBroker.start(name, file.toString()));
            String setting = bad.substring(0, bad.indexOf('='));
            assertTrue(e.getMessage().contains("Broker setting '" + setting + "' is ")
                    && e.getMessage().contains("; use a number of"), e.getMessage());
        }
    }

    @Test
    void aUrlsConfigFileMustBeAPropertiesFileAndOtherFilesAreNotRead(@TempDir Path dir) throws Exception {
        Path shadow = Files.writeString(dir.resolve("shadow"), "root:$6$HASHVALUE:19000:0:99999:7:::\n");
        JMSException e = assertThrows(JMSException.class,
                () -> EmbeddedBroker.forUrl(ConnectionUrl.parse("vm://" + name + "?config=" + shadow)));
        assertTrue(e.getMessage().contains("config") && e.getMessage().contains(".properties"), e.getMessage());
        assertFalse(e.getMessage().contains("root") || e.getMessage().contains("HASHVALUE"), e.getMessage());
        assertEquals(Optional.empty(), EmbeddedBroker.running(name));
    }

    @Test
    void aSettingsErrorNamesTheSettingButNeverEchoesItsValue(@TempDir Path dir) throws Exception {
        for (String line : new String[] {"maxDeliveryAttempts=TOPSECRET", "users=aliceTOPSECRET", "journal=TOPSECRET",
                "requireCredentials=TOPSECRET", "maxMemory=TOPSECRET"}) {
            Path file = Files.writeString(dir.resolve("broker.properties"), "journal=memory\n" + line + "\n");
            JMSException e = assertThrows(JMSException.class, () -> EmbeddedBroker.forUrl(ConnectionUrl.parse(
                    "vm://" + name + "?config=" + file)));
            String key = line.substring(0, line.indexOf('='));
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
            assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());
        }
    }

    @Test
    void aLaterUrlWithOtherSettingsIsWarnedAboutNamingTheKeysButNoSecret() throws Throwable {
        EmbeddedBroker first = EmbeddedBroker.forUrl(ConnectionUrl.parse("vm://" + name
                + "?journal=memory&maxDeliveryAttempts=3&journalPassword=first-s3cret"));
        String log = Logs.of(() -> assertSame(first, EmbeddedBroker.forUrl(ConnectionUrl.parse("vm://" + name
                + "?journal=memory&maxDeliveryAttempts=7&journalPassword=second-s3cret&queues=orders"))));
        assertTrue(log.contains("WARN") && log.contains(name), log);
        assertTrue(log.contains("maxDeliveryAttempts") && log.contains("journalPassword") && log.contains("queues"),
                log);
        assertFalse(Pattern.compile("\\bjournal\\b").matcher(log).find(), "an unchanged setting is named: " + log);
        assertFalse(log.contains("s3cret") || log.contains("=7"), "a value is logged: " + log);
        assertEquals(3, first.settings().maxDeliveryAttempts(), "the running broker's settings changed");
    }

    @Test
    void factoriesWithTheSameUrlOrNoSettingsShareTheBrokerQuietly() throws Throwable {
        String url = "vm://" + name + "?journal=memory&maxDeliveryAttempts=3";
        EmbeddedBroker first = EmbeddedBroker.forUrl(ConnectionUrl.parse(url));
        String log = Logs.of(() -> {
            assertSame(first, EmbeddedBroker.forUrl(ConnectionUrl.parse(url)));
            assertSame(first, EmbeddedBroker.forUrl(ConnectionUrl.parse("vm://" + name + "?clientID=other")));
            assertEquals("hello", sendAndReceive("q"));
        });
        assertFalse(log.contains("WARN"), log);
    }
}
