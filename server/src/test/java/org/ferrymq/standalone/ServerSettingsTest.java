package org.ferrymq.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void aRelativePermissionsFileIsUnderTheDistribution() {
        ServerSettings s = ServerSettings.from(settings("permissionsFile", "etc/permissions.properties",
                "usersFile", "etc/users.properties"), HOME);
        assertEquals(HOME.resolve("etc/permissions.properties"), s.broker().permissionsFile());
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

    @Test
    void tlsSettingsAreReadWithStorePathsUnderTheDistribution(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.createFile(home.resolve("etc/server.p12"));
        Files.createFile(home.resolve("etc/clients.p12"));
        ServerSettings s = ServerSettings.from(settings("listen", "tcp://0.0.0.0:61617", "ssl", "true",
                "keyStore", "etc/server.p12", "keyStorePassword", "hunter2", "trustStore", "etc/clients.p12",
                "needClientAuth", "true", "enabledProtocols", "TLSv1.3"), home);
        assertTrue(s.tls().enabled());
        assertEquals(home.resolve("etc/server.p12"), s.tls().keyStore());
        assertEquals("hunter2", s.tls().keyStorePassword());
        assertEquals(home.resolve("etc/clients.p12"), s.tls().trustStore());
        assertTrue(s.tls().needClientAuth());
        assertEquals(List.of("TLSv1.3"), s.tls().enabledProtocols());
        assertFalse(s.tls().toString().contains("hunter2"), s.tls().toString());
    }

    @Test
    void withoutSslTheListenerIsPlainTcp() {
        assertFalse(ServerSettings.from(settings(), HOME).tls().enabled());
    }

    @Test
    void aMissingKeyStoreIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.from(settings("ssl", "true", "keyStore", "etc/server.p12"), HOME));
        assertTrue(e.getMessage().contains("keyStore '" + HOME.resolve("etc/server.p12") + "' does not exist"),
                e.getMessage());
    }

    @Test
    void sslWithoutAKeyStoreIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.from(settings("ssl", "true"), HOME));
        assertTrue(e.getMessage().contains("ssl=true needs keyStore"), e.getMessage());
    }

    @Test
    void httpIsOffUnlessSetAndTakesItsDefaultPort() {
        assertEquals(null, ServerSettings.from(settings(), HOME).http());
        assertEquals("http://127.0.0.1:9000", ServerSettings.from(settings("http", "http://127.0.0.1:9000"), HOME)
                .http().toString());
        assertEquals("http://0.0.0.0:8161", ServerSettings.from(settings("http", "http://0.0.0.0"), HOME).http()
                .toString());
    }

    @Test
    void aWrongHttpSettingNamesItselfAndShowsTheForm() {
        for (String wrong : List.of("tcp://0.0.0.0:8161", "http://0.0.0.0:8161/console", "8161", "http://:80")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ServerSettings.from(settings("http", wrong), HOME), wrong);
            assertTrue(e.getMessage().contains("Setting 'http' is '" + wrong + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("http://HOST:PORT"), e.getMessage());
        }
    }
}
