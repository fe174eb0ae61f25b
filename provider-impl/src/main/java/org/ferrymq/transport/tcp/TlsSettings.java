package org.ferrymq.transport.tcp;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.BadPaddingException;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS on a TCP connection, the same keys on both sides (URL parameters on the client, listener
 * settings on the server): {@code ssl=true} turns it on; {@code keyStore} (the server's
 * certificate, or the client's for mutual TLS) and {@code trustStore} (whom this side trusts;
 * without one the JDK's default CAs), each with {@code ...Password} and {@code ...Type}
 * (default PKCS12); {@code enabledProtocols} (default TLSv1.3,TLSv1.2) and
 * {@code enabledCipherSuites} (default: the provider's); on the client {@code verifyHost}
 * (default true: the server's certificate must name the host connected to), on the server
 * {@code needClientAuth} (default false: when true, a client without a certificate the trust
 * store vouches for is refused).
 *
 * <p>Checked when made: a key that needs {@code ssl=true} without it, a server without a key
 * store, or a store file that cannot be read fails with a message naming the key. The
 * passwords never appear in {@link #toString()} or a message. JSSE is the provider unless
 * Netty's OpenSSL binding (netty-tcnative) is on the class path.
 */
public record TlsSettings(boolean enabled, Path keyStore, String keyStorePassword, String keyStoreType,
        Path trustStore, String trustStorePassword, String trustStoreType, List<String> enabledProtocols,
        List<String> enabledCipherSuites, boolean verifyHost, boolean needClientAuth) {

    public static final String SSL = "ssl";
    public static final String KEY_STORE = "keyStore";
    public static final String KEY_STORE_PASSWORD = "keyStorePassword";
    public static final String KEY_STORE_TYPE = "keyStoreType";
    public static final String TRUST_STORE = "trustStore";
    public static final String TRUST_STORE_PASSWORD = "trustStorePassword";
    public static final String TRUST_STORE_TYPE = "trustStoreType";
    public static final String ENABLED_PROTOCOLS = "enabledProtocols";
    public static final String ENABLED_CIPHER_SUITES = "enabledCipherSuites";
    public static final String VERIFY_HOST = "verifyHost";
    public static final String NEED_CLIENT_AUTH = "needClientAuth";

    /** Every key read here, in the order the README's table lists them. */
    public static final List<String> KEYS = List.of(SSL, KEY_STORE, KEY_STORE_PASSWORD, KEY_STORE_TYPE, TRUST_STORE,
            TRUST_STORE_PASSWORD, TRUST_STORE_TYPE, ENABLED_PROTOCOLS, ENABLED_CIPHER_SUITES, VERIFY_HOST,
            NEED_CLIENT_AUTH);

    public static final String DEFAULT_STORE_TYPE = "PKCS12";
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Said when a TLS connection ends for no stated reason: under TLS 1.3 a server refuses a
     * client's certificate after the client's handshake is done, and the alert saying so may be
     * lost with the connection.
     */
    static final String CLIENT_CERTIFICATE_HINT = "; if the server requires a client certificate (needClientAuth), set "
            + KEY_STORE + " to a key store with this client's certificate";

    /** Plain TCP. */
    public static final TlsSettings NONE = new TlsSettings(false, null, null, DEFAULT_STORE_TYPE, null, null,
            DEFAULT_STORE_TYPE, DEFAULT_PROTOCOLS, null, true, false);

    public TlsSettings {
        enabledProtocols = List.copyOf(enabledProtocols);
        enabledCipherSuites = enabledCipherSuites == null ? null : List.copyOf(enabledCipherSuites);
        if (enabled) {
            readable(KEY_STORE, keyStore);
            readable(TRUST_STORE, trustStore);
        }
    }

    /**
     * The settings among {@code parameters} (other keys are left alone for others to read);
     * missing ones take their defaults.
     *
     * @throws IllegalArgumentException naming the key that is wrong and what it takes
     */
    public static TlsSettings from(Map<String, String> parameters) {
        boolean enabled = bool(parameters, SSL, false);
        if (!enabled) {
            for (String key : KEYS) {
                if (parameters.containsKey(key) && !key.equals(SSL)) {
                    throw new IllegalArgumentException(key + " is set but " + SSL + " is not true; add " + SSL
                            + "=true to use TLS, or remove " + key);
                }
            }
            return NONE;
        }
        return new TlsSettings(true, path(parameters, KEY_STORE), parameters.get(KEY_STORE_PASSWORD),
                text(parameters, KEY_STORE_TYPE, DEFAULT_STORE_TYPE), path(parameters, TRUST_STORE),
                parameters.get(TRUST_STORE_PASSWORD), text(parameters, TRUST_STORE_TYPE, DEFAULT_STORE_TYPE),
                list(parameters, ENABLED_PROTOCOLS, DEFAULT_PROTOCOLS), list(parameters, ENABLED_CIPHER_SUITES, null),
                bool(parameters, VERIFY_HOST, true), bool(parameters, NEED_CLIENT_AUTH, false));
    }

    /**
     * A server's settings: as {@link #from}, and with TLS on a key store is required (the
     * server's certificate), as is a trust store when clients must show certificates.
     */
    public static TlsSettings forServer(Map<String, String> parameters) {
        TlsSettings settings = from(parameters);
        if (settings.enabled && settings.keyStore == null) {
            throw new IllegalArgumentException(SSL + "=true needs " + KEY_STORE
                    + ", the key store holding the server's certificate and private key (README, section TLS)");
        }
        if (settings.needClientAuth && settings.trustStore == null) {
            throw new IllegalArgumentException(NEED_CLIENT_AUTH + "=true needs " + TRUST_STORE
                    + ", the trust store holding the certificates (or their CAs) of the clients to let in");
        }
        return settings;
    }

    /** The context a server's connections take their TLS engines from. */
    SslContext serverContext() {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(keyManagers())
                    .clientAuth(needClientAuth ? ClientAuth.REQUIRE : ClientAuth.NONE);
            if (trustStore != null) {
                builder.trustManager(trustManagers());
            }
            return common(builder).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("Cannot set up TLS with " + this + ": " + e.getMessage(), e);
        }
    }

    /** The context a client's connection takes its TLS engine from. */
    SslContext clientContext() {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .endpointIdentificationAlgorithm(verifyHost ? "HTTPS" : null);
            if (keyStore != null) {
                builder.keyManager(keyManagers());
            }
            if (trustStore != null) {
                builder.trustManager(trustManagers());
            }
            return common(builder).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("Cannot set up TLS with " + this + ": " + e.getMessage(), e);
        }
    }

    private SslContextBuilder common(SslContextBuilder builder) {
        return builder.sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols(enabledProtocols)
                .ciphers(enabledCipherSuites);
    }

    private KeyManagerFactory keyManagers() {
        KeyStore store = load(KEY_STORE, keyStore, keyStorePassword, keyStoreType);
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, chars(keyStorePassword));
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read the private key in " + KEY_STORE + " '" + keyStore + "': "
                    + e.getMessage() + "; the key's password must be " + KEY_STORE_PASSWORD, e);
        }
    }

    private TrustManagerFactory trustManagers() {
        KeyStore store = load(TRUST_STORE, trustStore, trustStorePassword, trustStoreType);
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot use " + TRUST_STORE + " '" + trustStore + "': " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String key, Path file, String password, String type) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, chars(password));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            String reason = e.getCause() instanceof BadPaddingException
                    || e.getCause() instanceof UnrecoverableKeyException
                    ? "the password is wrong" : e.getMessage();
            throw new IllegalArgumentException("Cannot read the " + type + " " + key + " '" + file + "': " + reason
                    + "; check " + key + ", its password and its type (" + key + "Type)", e);
        }
    }

    private static char[] chars(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }

    private static void readable(String key, Path file) {
        if (file != null && !Files.isReadable(file)) {
            throw new IllegalArgumentException(key + " '" + file + "' does not exist or cannot be read; give the path "
                    + "of a key store file (README, section TLS)");
        }
    }

    private static boolean bool(Map<String, String> parameters, String key, boolean defaultValue) {
        String value = parameters.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " is '" + value + "'; use true or false (default "
                    + defaultValue + ")");
        };
    }

    private static Path path(Map<String, String> parameters, String key) {
        String value = parameters.get(key);
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    private static String text(Map<String, String> parameters, String key, String defaultValue) {
        String value = parameters.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static List<String> list(Map<String, String> parameters, String key, List<String> defaultValue) {
        String value = parameters.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Why a client's TLS connection to {@code address} failed, in words that say what to change:
     * the server not speaking TLS, its certificate untrusted, expired or naming another host, no
     * protocol both sides accept, or the server wanting a client certificate.
     */
    static String explain(Throwable failure, String address) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return "the server at tcp://" + address + " does not speak TLS there; remove " + SSL
                        + "=true, or connect to the server's TLS port";
            }
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return "the server's certificate is not valid now (" + t.getMessage() + "); renew the certificate "
                        + "in the server's key store";
            }
            messages.append(' ').append(t.getMessage());
        }
        String all = messages.toString();
        String reason = String.valueOf(failure.getMessage());
        if (all.contains("No subject alternative") || all.contains("No name matching")) {
            return "the server's certificate does not name the host connected to (" + reason + "); connect with a "
                    + "name the certificate has, add this one to its subject alternative names, or set "
                    + VERIFY_HOST + "=false";
        }
        if (has(failure, CertPathBuilderException.class) || has(failure, CertPathValidatorException.class)
                || all.contains("PKIX")) {
            return "the server's certificate is not trusted (" + reason + "); put the server's certificate, or "
                    + "its CA's, in the trust store named by " + TRUST_STORE;
        }
        if (all.contains("No appropriate protocol") || all.contains("protocol_version")) {
            return "the client and the server have no TLS protocol in common (" + reason + "); enable TLSv1.3 or "
                    + "TLSv1.2 in " + ENABLED_PROTOCOLS;
        }
        if (all.contains("certificate_required") || all.contains("bad_certificate")
                || all.contains("certificate_unknown")) {
            return "the server requires a client certificate it trusts (" + reason + "); set " + KEY_STORE
                    + " to a key store with this client's certificate, signed by a CA in the server's trust store";
        }
        return "TLS failed: " + reason + CLIENT_CERTIFICATE_HINT;
    }

    /**
     * The common name (CN) of a certificate's subject, e.g. {@code orders-app} of
     * {@code CN=orders-app,O=Example}; a subject without one is given whole.
     */
    static String commonName(Principal subject) {
        try {
            List<Rdn> parts = new LdapName(subject.getName()).getRdns();
            for (int i = parts.size() - 1; i >= 0; i--) { // the most specific CN is written first
                if (parts.get(i).getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(parts.get(i).getValue());
                }
            }
        } catch (InvalidNameException e) {
            // given whole, below
        }
        return subject.getName();
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The settings, passwords shown as {@code ***}. */
    @Override
    public String toString() {
        if (!enabled) {
            return "plain TCP";
        }
        return "TLS " + String.join(",", enabledProtocols) + (keyStore == null ? "" : ", " + KEY_STORE + " " + keyStore
                + " (" + keyStoreType + ", password " + (keyStorePassword == null ? "none" : "***") + ")")
                + (trustStore == null ? ", the JDK's trusted CAs" : ", " + TRUST_STORE + " " + trustStore + " ("
                + trustStoreType + ", password " + (trustStorePassword == null ? "none" : "***") + ")")
                + (needClientAuth ? ", client certificates required" : "")
                + (verifyHost ? "" : ", host names not verified");
    }
}
