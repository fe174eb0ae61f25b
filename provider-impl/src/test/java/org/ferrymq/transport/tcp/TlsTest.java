package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS between a client and a server over real sockets, with key stores made by keytool for the
 * test: what gets through, and the message a client that cannot get through sees.
 */
class TlsTest {

    private static final long RECEIVE_TIMEOUT = 30_000;
    private static final String PASSWORD = TestCertificates.PASSWORD;

    @TempDir
    static Path stores;

    static Path trustedCa;
    static Path otherCa;
    static Path serverStore;
    static Path expiredServerStore;
    static Path elsewhereServerStore;
    static Path clientStore;
    static Path otherCaServerStore;

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    @BeforeAll
    static void makeKeyStores() throws Exception {
        TestCertificates certificates = new TestCertificates(stores);
        trustedCa = certificates.ca("trusted-ca");
        otherCa = certificates.ca("other-ca");
        serverStore = certificates.signed("trusted-ca", "server", "localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1");
        expiredServerStore = certificates.signed("trusted-ca", "expired", "localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-startdate", "-3d", "-validity", "1");
        elsewhereServerStore = certificates.signed("trusted-ca", "elsewhere", "elsewhere.example",
                "-ext", "SAN=dns:elsewhere.example");
        clientStore = certificates.signed("trusted-ca", "client", "orders-app");
        otherCaServerStore = certificates.signed("other-ca", "other-server", "localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1");
    }

    private static TlsSettings serverTls(Path keyStore, String... more) {
        Map<String, String> settings = new HashMap<>(Map.of("ssl", "true", "keyStore", keyStore.toString(),
                "keyStorePassword", PASSWORD));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return TlsSettings.forServer(settings);
    }

    private void startTls(TlsSettings tls) throws JMSException {
        server.start(data, TcpSettings.DEFAULTS, tls, config -> config);
    }

    private static String trusting(Path trustStore) {
        return "ssl=true&trustStore=" + trustStore + "&trustStorePassword=" + PASSWORD;
    }

    private Connection connect(String parameters) throws JMSException {
        Connection connection = server.track(new FerryConnectionFactory(server.url(parameters)).createConnection());
        connection.start();
        return connection;
    }

    private JMSException refused(String parameters) {
        return assertThrows(JMSException.class,
                () -> new FerryConnectionFactory(server.url(parameters)).createConnection().close());
    }

    private static void assertRoundTrip(Connection connection) throws JMSException {
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("tls-" + UUID.randomUUID());
        MessageConsumer consumer = session.createConsumer(queue);
        session.createProducer(queue).send(session.createTextMessage("over TLS"));
        TextMessage received = (TextMessage) consumer.receive(RECEIVE_TIMEOUT);
        assertEquals("over TLS", received.getText());
    }

    private static void assertMentions(JMSException e, String... words) {
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), e.getMessage());
        }
    }

    @Test
    void aClientTrustingTheServersCaSendsAndReceivesOverTls() throws Exception {
        startTls(serverTls(serverStore));
        assertRoundTrip(connect(trusting(trustedCa)));
    }

    @Test
    void everyServerOfAFailoverUrlIsReachedWithTheUrlsTlsSettings() throws Exception {
        startTls(serverTls(serverStore));
        String url = "tcp://127.0.0.1:1,tcp://127.0.0.1:" + server.port() + "?" + trusting(trustedCa);
        Connection connection = server.track(new FerryConnectionFactory(url).createConnection());
        connection.start();
        assertRoundTrip(connection);
    }

    @Test
    void aClientThatDoesNotTrustTheServersCertificateIsRefusedSayingSo() throws Exception {
        startTls(serverTls(serverStore));
        assertMentions(refused(trusting(otherCa)), "certificate is not trusted", "trustStore");
    }

    @Test
    void anExpiredServerCertificateIsRefused() throws Exception {
        startTls(serverTls(expiredServerStore));
        assertMentions(refused(trusting(trustedCa)), "certificate is not valid now");
    }

    @Test
    void aPlainClientOnATlsPortIsToldToUseTlsAndTheServerGoesOn() throws Exception {
        startTls(serverTls(serverStore));
        assertMentions(refused(""), "only TLS", "ssl=true");
        assertRoundTrip(connect(trusting(trustedCa)));
    }

    @Test
    void aTlsClientOnAPlainPortIsToldTheServerDoesNotSpeakTls() throws Exception {
        server.start(data);
        assertMentions(refused(trusting(trustedCa)), "does not speak TLS");
    }

    @Test
    void tls11IsRefused() throws Exception {
        startTls(serverTls(serverStore));
        assertMentions(refused(trusting(trustedCa) + "&enabledProtocols=TLSv1.1"), "no TLS protocol in common");
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessHostVerificationIsOff() throws Exception {
        startTls(serverTls(elsewhereServerStore));
        assertMentions(refused(trusting(trustedCa)), "does not name the host", "verifyHost=false");
        assertRoundTrip(connect(trusting(trustedCa) + "&verifyHost=false"));
    }

    @Test
    void withNeedClientAuthAClientWithoutACertificateIsRefused() throws Exception {
        startTls(serverTls(serverStore, "needClientAuth", "true", "trustStore", trustedCa.toString(),
                "trustStorePassword", PASSWORD));
        assertMentions(refused(trusting(trustedCa)), "client certificate", "keyStore");
    }

    @Test
    void withNeedClientAuthAClientWithATrustedCertificateGetsIn() throws Exception {
        startTls(serverTls(serverStore, "needClientAuth", "true", "trustStore", trustedCa.toString(),
                "trustStorePassword", PASSWORD));
        assertRoundTrip(connect(trusting(trustedCa) + "&keyStore=" + clientStore + "&keyStorePassword=" + PASSWORD));
    }

    @Test
    void withNeedClientAuthTheCertificatesNameIsTheUserOfAClientThatGivesNone() throws Exception {
        // a broker with users refuses a connection without a user name, unless a certificate names it
        server.start(data, TcpSettings.DEFAULTS, serverTls(serverStore, "needClientAuth", "true",
                "trustStore", trustedCa.toString(), "trustStorePassword", PASSWORD),
                config -> config.addUser("alice", "secret"));
        String certified = trusting(trustedCa) + "&keyStore=" + clientStore + "&keyStorePassword=" + PASSWORD;
        assertRoundTrip(connect(certified));
        // a user name and password given over mutual TLS are still checked
        Connection alice = server.track(new FerryConnectionFactory(server.url(certified))
                .createConnection("alice", "secret"));
        alice.start();
        assertRoundTrip(alice);
        assertThrows(jakarta.jms.JMSSecurityException.class, () -> new FerryConnectionFactory(server.url(certified))
                .createConnection("alice", "wrong").close());
    }

    @Test
    void selfSignedCertificatesAsTheReadmeMakesThemWorkForMutualTls() throws Exception {
        TestCertificates readme = new TestCertificates(data);
        Path serverKeys = readme.selfSigned("server", "mq.example.com",
                "-ext", "SAN=dns:mq.example.com,dns:localhost,ip:127.0.0.1");
        Path clientKeys = readme.selfSigned("orders-app", "orders-app");
        startTls(serverTls(serverKeys, "needClientAuth", "true",
                "trustStore", data.resolve("orders-app-trust.p12").toString(), "trustStorePassword", PASSWORD));
        assertRoundTrip(connect(trusting(data.resolve("server-trust.p12")) + "&keyStore=" + clientKeys
                + "&keyStorePassword=" + PASSWORD));
    }

    @Test
    void aRenewedKeyStoreServesNewConnectionsWithoutARestart() throws Exception {
        Path live = Files.copy(serverStore, data.resolve("live.p12"));
        startTls(serverTls(live));
        Connection before = connect(trusting(trustedCa));
        Files.copy(otherCaServerStore, live, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(live, FileTime.from(Instant.now().plusSeconds(60))); // changed, however coarse the clock
        assertRoundTrip(connect(trusting(otherCa)));
        assertMentions(refused(trusting(trustedCa)), "certificate is not trusted");
        assertRoundTrip(before);
    }

    @Test
    void aWrongKeyStorePasswordStopsTheListenerFromStartingAndIsNeverShown() {
        TlsSettings tls = TlsSettings.forServer(Map.of("ssl", "true", "keyStore", serverStore.toString(),
                "keyStorePassword", "hunter2"));
        JMSException e = assertThrows(JMSException.class, () -> startTls(tls));
        assertMentions(e, "password is wrong", "keyStore");
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertFalse(tls.toString().contains("hunter2"), tls.toString());
    }

    @Test
    void aTlsSettingWithoutSslIsRefusedRatherThanIgnored() throws Exception {
        server.start(data);
        JMSException e = refused("trustStore=" + trustedCa);
        assertMentions(e, "trustStore", "ssl=true");
    }
}
