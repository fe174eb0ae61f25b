package org.ferrymq.standalone;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.ferrymq.api.BrokerConfig;

/**
 * The settings file of a standalone server: the server's own keys ({@link #NAME},
 * {@link #LISTEN}, {@link #HEARTBEAT}, {@link #MAX_FRAME_SIZE}) beside the broker settings an
 * embedded broker takes ({@link BrokerConfig#KEYS}). A key that is neither fails with a message
 * naming it and the keys there are.
 */
record ServerSettings(BrokerConfig broker, String host, int port, Properties listener) {

    /** The broker's name; its H2 journal is {@code <dataDirectory>/<name>.mv.db}. Default {@code ferrymq}. */
    static final String NAME = "name";
    /** {@code tcp://HOST:PORT}. Default {@code tcp://0.0.0.0:61616}. */
    static final String LISTEN = "listen";
    /** Milliseconds of silence after which the server closes a client; 0 never. */
    static final String HEARTBEAT = "heartbeat";
    /** The largest frame the server accepts, in bytes. */
    static final String MAX_FRAME_SIZE = "maxFrameSize";

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
        String name = DEFAULT_NAME;
        String listen = DEFAULT_LISTEN;
        for (String key : file.stringPropertyNames()) {
            String value = file.getProperty(key).trim();
            switch (key) {
                case NAME -> name = value;
                case LISTEN -> listen = value;
                case HEARTBEAT, MAX_FRAME_SIZE -> listener.setProperty(key, value);
                default -> {
                    if (!BrokerConfig.KEYS.contains(key)) {
                        throw new IllegalArgumentException("Unknown setting '" + key + "'; a server takes "
                                + String.join(", ", NAME, LISTEN, HEARTBEAT, MAX_FRAME_SIZE) + " and the broker settings "
                                + String.join(", ", BrokerConfig.KEYS));
                    }
                    brokerKeys.setProperty(key, value);
                }
            }
        }
        for (String pathSetting : List.of(BrokerConfig.DATA_DIRECTORY, BrokerConfig.USERS_FILE,
                BrokerConfig.JAAS_LOGIN_CONFIG)) {
            String path = brokerKeys.getProperty(pathSetting);
            if (path != null && !path.isEmpty() && !Path.of(path).isAbsolute()) {
                brokerKeys.setProperty(pathSetting, home.resolve(path).toString());
            }
        }
        URI uri = listenUri(listen);
        return new ServerSettings(BrokerConfig.fromProperties(name, brokerKeys), uri.getHost(),
                uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), listener);
    }

    private static URI listenUri(String listen) {
        URI uri;
        try {
            uri = new URI(listen);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Setting '" + LISTEN + "' is '" + listen
                    + "', not a URL; write tcp://HOST:PORT, e.g. " + DEFAULT_LISTEN);
        }
        if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("Setting '" + LISTEN + "' is '" + listen
                    + "'; write tcp://HOST:PORT, e.g. " + DEFAULT_LISTEN);
        }
        return uri;
    }
}
