package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings as read from URL parameters or a server's settings: defaults, errors, what is shown. */
class TlsSettingsTest {

    @TempDir
    Path directory;

    private static String refusal(Map<String, String> parameters) {
        return assertThrows(IllegalArgumentException.class, () -> TlsSettings.forServer(parameters)).getMessage();
    }

    @Test
    void withoutSslItIsPlainTcp() {
        assertFalse(TlsSettings.from(Map.of()).enabled());
    }

    @Test
    void protocolsDefaultToTls13And12AndHostsAreVerified() throws Exception {
        TlsSettings tls = TlsSettings.from(Map.of("ssl", "true"));
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), tls.enabledProtocols());
        assertTrue(tls.verifyHost());
        assertEquals("PKCS12", tls.trustStoreType());
    }

    @Test
    void aServerWithoutAKeyStoreIsToldItNeedsOne() {
        assertTrue(refusal(Map.of("ssl", "true")).contains("needs keyStore"));
    }

    @Test
    void aKeyStoreThatIsNotThereIsNamed() {
        String message = refusal(Map.of("ssl", "true", "keyStore", directory.resolve("nowhere.p12").toString()));
        assertTrue(message.contains("keyStore '" + directory.resolve("nowhere.p12") + "' does not exist"), message);
    }

    @Test
    void needClientAuthWithoutATrustStoreIsRefused() throws Exception {
        Path store = Files.createFile(directory.resolve("server.p12"));
        String message = refusal(Map.of("ssl", "true", "keyStore", store.toString(), "needClientAuth", "true"));
        assertTrue(message.contains("needClientAuth=true needs trustStore"), message);
    }

    @Test
    void aBooleanThatIsNeitherTrueNorFalseIsNamed() {
        String message = refusal(Map.of("ssl", "yes"));
        assertTrue(message.contains("ssl is 'yes'; use true or false"), message);
    }

    @Test
    void passwordsAreNeverShown() throws Exception {
        Path store = Files.createFile(directory.resolve("server.p12"));
        TlsSettings tls = TlsSettings.forServer(Map.of("ssl", "true", "keyStore", store.toString(),
                "keyStorePassword", "hunter2", "trustStore", store.toString(), "trustStorePassword", "swordfish"));
        assertFalse(tls.toString().contains("hunter2"), tls.toString());
        assertFalse(tls.toString().contains("swordfish"), tls.toString());
    }

    @Test
    void aCertificatesUserIsTheCommonNameOfItsSubject() {
        assertEquals("orders-app", TlsSettings.commonName(new X500Principal("CN=orders-app, OU=Billing, O=Example")));
        assertEquals("O=Example", TlsSettings.commonName(new X500Principal("O=Example")));
    }
}
