package org.ferrymq.client;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.client.message.ObjectMessageFilter;
import org.ferrymq.journal.JournalUrls;
import org.ferrymq.protocol.ConsumerInfo;

/**
 * A FerryMQ connection URL: {@code scheme://name?key=value&...}. The client keeps its own
 * keys ({@link #CLIENT_KEYS}); every other parameter is a broker setting, used when a
 * {@code vm://} URL starts an embedded broker.
 *
 * <p>Any scheme parses here; {@link org.ferrymq.transport.TransportFactory} knows which ones
 * have a transport and refuses the others. Everything between {@code scheme://} and the
 * {@code ?} is the name (a broker name, or servers), commas included: {@link #servers()}
 * splits a list of servers.
 *
 * <p>A URL may carry passwords (the connection's, the journal database's, the broker's users),
 * so its text form, and every message about it, shows them as {@code ***}; {@link #url()}
 * alone is the URL as given.
 */
public final class ConnectionUrl {

    public static final String CLIENT_ID = "clientID";
    public static final String USER = "user";
    public static final String PASSWORD = "password";
    public static final String PREFETCH = "prefetch";
    /** Bytes of a BytesMessage body above which it is sent, stored and delivered in chunks. */
    public static final String LARGE_MESSAGE_THRESHOLD = "largeMessageThreshold";
    /** A broker configuration file: a path, or {@code classpath:name}. */
    public static final String CONFIG = "config";
    /**
     * {@code true}: every send of the connection carries its JMSMessageID as its duplicate ID
     * ({@link DestinationPolicy#DUPLICATE_ID_PROPERTY}) unless the application set one, so the
     * broker stores it at most once, and a send the connection lost in flight is sent again after
     * a reconnect. Default false.
     */
    public static final String DUPLICATE_DETECTION = "duplicateDetection";

    public static final Set<String> CLIENT_KEYS = Set.of(CLIENT_ID, USER, PASSWORD, PREFETCH, LARGE_MESSAGE_THRESHOLD,
            ObjectMessageFilter.ALLOW_LIST, ObjectMessageFilter.DENY_LIST, DUPLICATE_DETECTION);
    public static final int DEFAULT_PREFETCH = 1000;
    public static final long DEFAULT_LARGE_MESSAGE_THRESHOLD = 1024 * 1024;
    public static final long MIN_LARGE_MESSAGE_THRESHOLD = 1024;

    private final String url;
    /** The URL with its passwords masked: for messages and logs. */
    private final String shown;
    private final String scheme;
    private final String name;
    private final Map<String, String> clientParameters = new LinkedHashMap<>();
    private final Properties brokerParameters = new Properties();

    private ConnectionUrl(String url) {
        this.url = url;
        this.shown = withoutPasswords(url);
        int sep = url.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("Connection URL '" + shown
                    + "' has no scheme; use vm://NAME for an embedded broker, e.g. vm://localhost");
        }
        scheme = url.substring(0, sep);
        String rest = url.substring(sep + 3);
        int q = rest.indexOf('?');
        name = q < 0 ? rest : rest.substring(0, q);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Connection URL '" + shown + "' names no broker after '" + scheme
                    + "://'; use e.g. vm://localhost");
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
        largeMessageThreshold();
        objectMessageFilter();
        duplicateDetection();
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

    /**
     * The servers this URL lists, each as a URL of its own with this URL's parameters: for
     * {@code tcp://a:61616,tcp://b:61616?k=v} (or {@code tcp://a:61616,b:61616?k=v}),
     * {@code tcp://a:61616?k=v} and {@code tcp://b:61616?k=v}. A URL naming one server, and
     * every {@code vm://} URL (whose name is a broker's, commas and all), is its own one server.
     */
    public List<ConnectionUrl> servers() {
        if (scheme.equals("vm") || name.indexOf(',') < 0) {
            return List.of(this);
        }
        int q = url.indexOf('?');
        String parameters = q < 0 ? "" : url.substring(q);
        List<ConnectionUrl> servers = new ArrayList<>();
        for (String server : name.split(",", -1)) {
            String address = server.trim();
            if (address.isEmpty()) {
                throw new IllegalArgumentException("Connection URL '" + shown + "' has an empty entry in its list of "
                        + "servers; separate the servers by single commas, e.g. " + scheme + "://a:61616,"
                        + scheme + "://b:61616");
            }
            servers.add(new ConnectionUrl((address.contains("://") ? address : scheme + "://" + address) + parameters));
        }
        return List.copyOf(servers);
    }

    /** URL parameter {@link #DUPLICATE_DETECTION}: true or false (any case), default false. */
    public boolean duplicateDetection() {
        String value = clientParameters.get(DUPLICATE_DETECTION);
        if (value == null || value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException("URL parameter '" + DUPLICATE_DETECTION + "' is '" + value + "' in " + shown
                + "; use true or false (default false)");
    }

    public int prefetch() {
        String value = clientParameters.get(PREFETCH);
        if (value == null) {
            return DEFAULT_PREFETCH;
        }
        try {
            int prefetch = Integer.parseInt(value.trim());
            if (prefetch >= 1 && prefetch <= ConsumerInfo.MAX_PREFETCH) {
                return prefetch;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("URL parameter '" + PREFETCH + "' is '" + value + "' in " + shown
                + "; use a whole number of messages from 1 to " + ConsumerInfo.MAX_PREFETCH + " (default "
                + DEFAULT_PREFETCH + ")");
    }

    /**
     * The bytes of a BytesMessage body above which it is a large message: sent in chunks, stored
     * in chunks, never held whole by the broker (default 1 MiB).
     */
    public long largeMessageThreshold() {
        String value = clientParameters.get(LARGE_MESSAGE_THRESHOLD);
        if (value == null) {
            return DEFAULT_LARGE_MESSAGE_THRESHOLD;
        }
        try {
            long threshold = Long.parseLong(value.trim());
            if (threshold >= MIN_LARGE_MESSAGE_THRESHOLD && threshold <= Integer.MAX_VALUE) {
                return threshold;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("URL parameter '" + LARGE_MESSAGE_THRESHOLD + "' is '" + value + "' in "
                + shown + "; use a whole number of bytes from " + MIN_LARGE_MESSAGE_THRESHOLD + " to "
                + Integer.MAX_VALUE + " (default " + DEFAULT_LARGE_MESSAGE_THRESHOLD + ")");
    }

    /**
     * Which classes an ObjectMessage body may hold for the connections: this URL's
     * {@code objectMessageAllowList} and {@code objectMessageDenyList}, each falling back to
     * its system property when the URL does not set it (read now, when a connection is made).
     */
    public ObjectMessageFilter objectMessageFilter() {
        try {
            return ObjectMessageFilter.of(clientParameters.get(ObjectMessageFilter.ALLOW_LIST),
                    clientParameters.get(ObjectMessageFilter.DENY_LIST));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in " + shown + ")", e);
        }
    }

    /** The broker settings given as URL parameters (everything but the client keys). */
    public Properties brokerParameters() {
        Properties copy = new Properties();
        copy.putAll(brokerParameters);
        return copy;
    }

    /** Whether a parameter of this name holds a secret: its name contains "password" or "secret", in any case. */
    private static boolean isSecret(String key) {
        String name = key.toLowerCase(Locale.ROOT);
        return name.contains("password") || name.contains("secret");
    }

    /**
     * {@code url} with the value of every parameter that holds a secret replaced by
     * {@code ***}: {@code password}, {@code journalPassword} and any other {@link #isSecret}
     * key, the passwords in {@code users}, and the secrets inside {@code journalUrl}
     * ({@link JournalUrls#shown}). Other parameters are shown as written.
     */
    static String withoutPasswords(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder shown = new StringBuilder(url.substring(0, q + 1));
        String separator = "";
        for (String pair : url.substring(q + 1).split("&", -1)) {
            shown.append(separator);
            separator = "&";
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : decodeLeniently(pair.substring(0, eq));
            if (eq < 0) {
                shown.append(pair);
            } else if (isSecret(key)) {
                shown.append(pair, 0, eq + 1).append("***");
            } else if (key.equals(BrokerConfig.USERS)) {
                shown.append(pair, 0, eq + 1)
                        .append(decodeLeniently(pair.substring(eq + 1)).replaceAll("(:)[^,]*", "$1***"));
            } else if (key.equals(BrokerConfig.JOURNAL_URL)) {
                shown.append(pair, 0, eq + 1).append(JournalUrls.shown(decodeLeniently(pair.substring(eq + 1))));
            } else {
                shown.append(pair);
            }
        }
        return shown.toString();
    }

    /** Decodes what can be decoded: a malformed escape is shown as written rather than refused here. */
    private static String decodeLeniently(String s) {
        try {
            return decode(s);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** The URL as it may be shown: every password as ***. */
    @Override
    public String toString() {
        return shown;
    }
}
