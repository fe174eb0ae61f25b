package org.ferrymq.standalone;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.transport.tcp.TlsSettings;

/**
 * The settings file of a standalone server: the server's own keys ({@link #NAME},
 * {@link #LISTEN}, {@link #HTTP}, {@link #HEARTBEAT}, {@link #MAX_FRAME_SIZE}, {@link #HANDSHAKE_TIMEOUT}, and the
 * listener's TLS keys {@link #TLS_KEYS}) beside the broker settings an embedded broker takes
 * ({@link BrokerConfig#KEYS}). A key that is none of these fails with a message naming it and the
 * keys there are.
 */
record ServerSettings(BrokerConfig broker, String host, int port, Properties listener, TlsSettings tls, URI http) {

    /** The broker's name; its H2 journal is {@code <dataDirectory>/<name>.mv.db}. Default {@code ferrymq}. */
    static final String NAME = "name";
    /** {@code tcp://HOST:PORT}. Default {@code tcp://0.0.0.0:61616}. */
    static final String LISTEN = "listen";
    /**
     * {@code http://HOST:PORT} where the server answers HTTP (its health, {@link HealthEndpoint});
     * none unless set. {@code :0} takes any free port.
     */
    static final String HTTP = "http";
    /** The HTTP port when {@link #HTTP} names none: the port of Artemis's console, which operators know. */
    static final int DEFAULT_HTTP_PORT = 8161;
    /** Milliseconds of silence after which the server closes a client; 0 never. */
    static final String HEARTBEAT = "heartbeat";
    /** The largest frame the server accepts, in bytes. */
    static final String MAX_FRAME_SIZE = "maxFrameSize";
    /** Milliseconds a client has to complete the FerryMQ hello before the server closes it. */
    static final String HANDSHAKE_TIMEOUT = "handshakeTimeout";

    /** The TLS settings of the listener: those of a client but verifyHost (a client's check of the server). */
    static final List<String> TLS_KEYS = TlsSettings.KEYS.stream()
            .filter(key -> !key.equals(TlsSettings.VERIFY_HOST)).toList();

    static final String DEFAULT_NAME = "ferrymq";
    static final String DEFAULT_LISTEN = "tcp://0.0.0.0:61616";
    /**
     * 61616: the port JMS brokers of the ActiveMQ family listen on, so firewalls and operators
     * already know it; FerryMQ's own protocol refuses a foreign client's handshake clearly.
     */
    static final int DEFAULT_PORT = 61616;

    /**
     * Reads settings; relative paths ({@code dataDirectory}, {@code usersFile},
     * {@code jaasLoginConfig}) are resolved against {@code home},
     * the distribution's directory.
     *
     * @throws IllegalArgumentException naming the setting that is wrong and what it accepts
     */
    static ServerSettings from(Properties file, Path home) {
        Properties brokerKeys = new Properties();
        Properties listener = new Properties();
        Map<String, String> tls = new HashMap<>();
        String name = DEFAULT_NAME;
        String listen = DEFAULT_LISTEN;
        URI http = null;
        for (String key : file.stringPropertyNames()) {
            String value = file.getProperty(key).trim();
            switch (key) {
                case NAME -> name = value;
                case LISTEN -> listen = value;
                case HTTP -> http = address(HTTP, value, "http", DEFAULT_HTTP_PORT);
                case HEARTBEAT, MAX_FRAME_SIZE, HANDSHAKE_TIMEOUT -> listener.setProperty(key, value);
                default -> {
                    if (TLS_KEYS.contains(key)) {
                        tls.put(key, value);
                    } else if (BrokerConfig.isKey(key)) {
                        brokerKeys.setProperty(key, value);
                    } else {
                        throw new IllegalArgumentException("Unknown setting '" + key + "'; a server takes "
                                + String.join(", ", NAME, LISTEN, HTTP, HEARTBEAT, MAX_FRAME_SIZE, HANDSHAKE_TIMEOUT)
                                + ", the TLS settings " + String.join(", ", TLS_KEYS) + ", the broker settings "
                                + String.join(", ", BrokerConfig.KEYS) + " and destination settings "
                                + BrokerConfig.DESTINATION_PREFIX + "PATTERN.SETTING");
                    }
                }
            }
        }
        underHome(brokerKeys::getProperty, brokerKeys::setProperty, BrokerConfig.DATA_DIRECTORY, home);
        underHome(brokerKeys::getProperty, brokerKeys::setProperty, BrokerConfig.USERS_FILE, home);
        underHome(brokerKeys::getProperty, brokerKeys::setProperty, BrokerConfig.JAAS_LOGIN_CONFIG, home);
        underHome(brokerKeys::getProperty, brokerKeys::setProperty, BrokerConfig.PERMISSIONS_FILE, home);
        underHome(tls::get, tls::put, TlsSettings.KEY_STORE, home);
        underHome(tls::get, tls::put, TlsSettings.TRUST_STORE, home);
        URI uri = address(LISTEN, listen, "tcp", DEFAULT_PORT);
        return new ServerSettings(BrokerConfig.fromProperties(name, brokerKeys), uri.getHost(), uri.getPort(), listener,
                TlsSettings.forServer(tls), http);
    }

    /** Makes the relative path under {@code key} relative to {@code home}. */
    private static void underHome(Function<String, String> get,
            BiConsumer<String, String> set, String key, Path home) {
        String path = get.apply(key);
        if (path != null && !path.isBlank() && !Path.of(path).isAbsolute()) {
            set.accept(key, home.resolve(path).toString());
        }
    }

    /**
     * The address of setting {@code key}, {@code scheme://HOST:PORT}, its port {@code defaultPort}
     * when it names none; a path is refused, as nothing serves one.
     */
    private static URI address(String key, String value, String scheme, int defaultPort) {
        String form = scheme + "://HOST:PORT, e.g. " + scheme + "://0.0.0.0:" + defaultPort;
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Setting '" + key + "' is '" + value + "', not a URL; write " + form);
        }
        if (!scheme.equals(uri.getScheme()) || uri.getHost() == null
                || !(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
            throw new IllegalArgumentException("Setting '" + key + "' is '" + value + "'; write " + form);
        }
        return URI.create(scheme + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? defaultPort : uri.getPort()));
    }
}
