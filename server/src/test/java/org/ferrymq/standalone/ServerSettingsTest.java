package org.ferrymq.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    private static final Path HOME = Path.of("/opt/ferrymq");

    private static Properties settings(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void anEmptyFileListensOn61616WithAnH2JournalInTheDataDirectoryOfTheWorkingDirectory() {
        ServerSettings s = ServerSettings.from(settings(), HOME);
        assertEquals("ferrymq", s.broker().name());
        assertEquals("0.0.0.0", s.host());
        assertEquals(61616, s.port());
    }

    @Test
    void aRelativeDataDirectoryIsUnderTheDistribution() {
        ServerSettings s = ServerSettings.from(settings("dataDirectory", "data", "name", "orders"), HOME);
        assertEquals(HOME.resolve("data"), s.broker().dataDirectory());
        assertEquals("H2 file " + HOME.resolve("data").resolve("orders.mv.db"), FerryServer.journal(s.broker()));
    }

    @Test
    void theListenerAndBrokerSettingsGoWhereTheyBelong() {
        ServerSettings s = ServerSettings.from(settings("listen", "tcp://127.0.0.1:7000", "heartbeat", "2000",
                "maxDeliveryAttempts", "3", "queues", "a,b"), HOME);
        assertEquals("127.0.0.1", s.host());
        assertEquals(7000, s.port());
        assertEquals("2000", s.listener().getProperty("heartbeat"));
        assertEquals(3, s.broker().maxDeliveryAttempts());
        assertTrue(s.broker().queues().contains("b"));
    }

    @Test
    void theHandshakeTimeoutIsAListenerSetting() {
        ServerSettings s = ServerSettings.from(settings("handshakeTimeout", "3000"), HOME);
        assertEquals("3000", s.listener().getProperty("handshakeTimeout"));
    }

    @Test
    void anUnknownSettingIsNamedWithTheKeysThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.from(settings("maxDeliveryAttemps", "3"), HOME));
        assertTrue(e.getMessage().contains("'maxDeliveryAttemps'"), e.getMessage());
        assertTrue(e.getMessage().contains("maxDeliveryAttempts"), e.getMessage());
        assertTrue(e.getMessage().contains("listen"), e.getMessage());
    }

    @Test
    void aListenValueThatIsNotTcpHostPortIsRefusedWithAnExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.from(settings("listen", "http://localhost:61616"), HOME));
        assertTrue(e.getMessage().contains("tcp://HOST:PORT"), e.getMessage());
    }

    @Test
    void theJournalPasswordNeverReachesTheStartLine() {
        ServerSettings s = ServerSettings.from(settings("journalUrl",
                "jdbc:postgresql://db:5432/mq?user=mq&password=hunter2", "journalUser", "mq"), HOME);
        String shown = FerryServer.journal(s.broker());
        assertTrue(shown.startsWith("jdbc:postgresql://db:5432/mq"), shown);
        assertTrue(!shown.contains("hunter2"), shown);
    }
}
