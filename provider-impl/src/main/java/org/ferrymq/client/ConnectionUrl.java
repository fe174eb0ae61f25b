package org.ferrymq.client;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A FerryMQ connection URL: {@code scheme://name?key=value&...}. The client keeps its own
 * keys ({@link #CLIENT_KEYS}); every other parameter is a broker setting, used when a
 * {@code vm://} URL starts an embedded broker.
 */
public final class ConnectionUrl {

    public static final String CLIENT_ID = "clientID";
    public static final String USER = "user";
    public static final String PASSWORD = "password";
    public static final String PREFETCH = "prefetch";
    /** A broker configuration file: a path, or {@code classpath:name}. */
    public static final String CONFIG = "config";

    public static final Set<String> CLIENT_KEYS = Set.of(CLIENT_ID, USER, PASSWORD, PREFETCH);
    public static final int DEFAULT_PREFETCH = 1000;

    private final String url;
    private final String scheme;
    private final String name;
    private final Map<String, String> clientParameters = new LinkedHashMap<>();
    private final Properties brokerParameters = new Properties();

    private ConnectionUrl(String url) {
        this.url = url;
        int sep = url.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("Connection URL '" + url
                    + "' has no scheme; use vm://NAME for an embedded broker, e.g. vm://localhost");
        }
        scheme = url.substring(0, sep);
        if (!scheme.equals("vm")) {
            throw new IllegalArgumentException("Connection URL '" + url + "' uses the scheme '" + scheme
                    + "'; this FerryMQ version supports vm://NAME (embedded broker)");
        }
        String rest = url.substring(sep + 3);
        int q = rest.indexOf('?');
        name = q < 0 ? rest : rest.substring(0, q);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Connection URL '" + url + "' names no broker; use e.g. vm://localhost");
        }
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (CLIENT_KEYS.contains(key)) {
                    clientParameters.put(key, value);
                } else {
                    brokerParameters.setProperty(key, value);
                }
            }
        }
        prefetch(); // validate early
    }

    public static ConnectionUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("A connection URL is required, e.g. vm://localhost");
        }
        return new ConnectionUrl(url.trim());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public String url() { return url; }
    public String scheme() { return scheme; }
    public String name() { return name; }
    public String clientId() { return clientParameters.get(CLIENT_ID); }
    public String user() { return clientParameters.get(USER); }
    public String password() { return clientParameters.get(PASSWORD); }

    public int prefetch() {
        String value = clientParameters.get(PREFETCH);
        if (value == null) {
            return DEFAULT_PREFETCH;
        }
        try {
            int prefetch = Integer.parseInt(value.trim());
            if (prefetch >= 1) {
                return prefetch;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("URL parameter '" + PREFETCH + "' is '" + value
                + "' in " + url + "; use a whole number of messages, 1 or more");
    }

    /** The broker settings given as URL parameters (everything but the client keys). */
    public Properties brokerParameters() {
        Properties copy = new Properties();
        copy.putAll(brokerParameters);
        return copy;
    }

    @Override
    public String toString() {
        return url;
    }
}
