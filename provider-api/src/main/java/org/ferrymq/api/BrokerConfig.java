package org.ferrymq.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.ferrymq.api.journal.Journal;

/**
 * How a broker is set up. Every setting has a sensible default, so an empty configuration
 * gives a working broker. Values are validated when set: a bad one fails at once with a
 * message naming the setting and what it accepts.
 *
 * <p>The same settings can be given as properties (URL parameters of a {@code vm://} URL or
 * a broker configuration file); {@link #KEYS} lists their names.
 */
public final class BrokerConfig {

    /** {@code user:password} pairs separated by commas. */
    public static final String USERS = "users";
    /** {@code true} refuses connections without a user name. Default {@code false}. */
    public static final String REQUIRE_CREDENTIALS = "requireCredentials";
    /** {@code false} makes unknown destinations an error instead of creating them. Default {@code true}. */
    public static final String AUTO_CREATE_DESTINATIONS = "autoCreateDestinations";
    /** Queue names, comma separated, created when the broker starts. */
    public static final String QUEUES = "queues";
    /** Topic names, comma separated, created when the broker starts. */
    public static final String TOPICS = "topics";
    /**
     * Deliveries of one message (the first and every redelivery) before it is moved to the
     * dead-letter queue instead of being delivered again; 0 means no limit. Default 10.
     */
    public static final String MAX_DELIVERY_ATTEMPTS = "maxDeliveryAttempts";
    /** The queue that takes messages past {@link #MAX_DELIVERY_ATTEMPTS}. Default {@code DLQ}. */
    public static final String DEAD_LETTER_QUEUE = "deadLetterQueue";

    public static final Set<String> KEYS = Collections.unmodifiableSet(new TreeSet<>(
            Set.of(USERS, REQUIRE_CREDENTIALS, AUTO_CREATE_DESTINATIONS, QUEUES, TOPICS, MAX_DELIVERY_ATTEMPTS,
                    DEAD_LETTER_QUEUE)));

    private final String name;
    private final Map<String, String> users = new LinkedHashMap<>();
    private boolean requireCredentials;
    private boolean autoCreateDestinations = true;
    private final Set<String> queues = new LinkedHashSet<>();
    private final Set<String> topics = new LinkedHashSet<>();
    private int maxDeliveryAttempts = 10;
    private String deadLetterQueue = "DLQ";
    private Journal journal;

    public BrokerConfig(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Broker name must not be empty; use e.g. \"localhost\"");
        }
        this.name = name;
    }

    /** Reads the keys in {@link #KEYS} from {@code properties}; any other key is refused. */
    public static BrokerConfig fromProperties(String name, Properties properties) {
        BrokerConfig config = new BrokerConfig(name);
        for (String key : properties.stringPropertyNames()) {
            config.set(key, properties.getProperty(key));
        }
        return config;
    }

    /** Applies one setting by its property name. */
    public BrokerConfig set(String key, String value) {
        switch (key) {
            case USERS -> {
                for (String pair : splitList(value)) {
                    int colon = pair.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("Broker setting '" + USERS + "' has the entry '" + pair
                                + "'; write each user as user:password, separated by commas");
                    }
                    addUser(pair.substring(0, colon), pair.substring(colon + 1));
                }
            }
            case REQUIRE_CREDENTIALS -> requireCredentials(parseBoolean(key, value));
            case AUTO_CREATE_DESTINATIONS -> autoCreateDestinations(parseBoolean(key, value));
            case QUEUES -> splitList(value).forEach(this::addQueue);
            case TOPICS -> splitList(value).forEach(this::addTopic);
            case MAX_DELIVERY_ATTEMPTS -> maxDeliveryAttempts(parseCount(key, value));
            case DEAD_LETTER_QUEUE -> deadLetterQueue(value);
            default -> throw new IllegalArgumentException("Unknown broker setting '" + key + "'; the settings are " + KEYS);
        }
        return this;
    }

    public BrokerConfig addUser(String user, String password) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("A broker user needs a non-empty name");
        }
        users.put(user, password == null ? "" : password);
        return this;
    }

    public BrokerConfig requireCredentials(boolean require) {
        this.requireCredentials = require;
        return this;
    }

    public BrokerConfig autoCreateDestinations(boolean autoCreate) {
        this.autoCreateDestinations = autoCreate;
        return this;
    }

    public BrokerConfig addQueue(String queue) {
        queues.add(requireDestinationName(queue));
        return this;
    }

    public BrokerConfig addTopic(String topic) {
        topics.add(requireDestinationName(topic));
        return this;
    }

    public BrokerConfig maxDeliveryAttempts(int attempts) {
        if (attempts < 0) {
            throw new IllegalArgumentException("Broker setting '" + MAX_DELIVERY_ATTEMPTS + "' is " + attempts
                    + "; use 0 (no limit) or a positive number of deliveries");
        }
        this.maxDeliveryAttempts = attempts;
        return this;
    }

    public BrokerConfig deadLetterQueue(String queue) {
        this.deadLetterQueue = requireDestinationName(queue);
        return this;
    }

    /** The journal to persist to; without one the broker keeps its state in memory only. */
    public BrokerConfig journal(Journal journal) {
        this.journal = journal;
        return this;
    }

    public String name() { return name; }
    public Map<String, String> users() { return Collections.unmodifiableMap(users); }
    public boolean requireCredentials() { return requireCredentials; }
    public boolean autoCreateDestinations() { return autoCreateDestinations; }
    public Set<String> queues() { return Collections.unmodifiableSet(queues); }
    public Set<String> topics() { return Collections.unmodifiableSet(topics); }
    public int maxDeliveryAttempts() { return maxDeliveryAttempts; }
    public String deadLetterQueue() { return deadLetterQueue; }
    public Journal journal() { return journal; }

    private static String requireDestinationName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A destination name must not be empty");
        }
        return name.trim();
    }

    private static boolean parseBoolean(String key, String value) {
        String v = value == null ? "" : value.trim();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("Broker setting '" + key + "' is '" + value + "'; use true or false");
    }

    private static int parseCount(String key, String value) {
        try {
            return Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Broker setting '" + key + "' is '" + value + "'; use a whole number");
        }
    }

    private static java.util.List<String> splitList(String value) {
        java.util.List<String> items = new java.util.ArrayList<>();
        if (value == null) {
            return items;
        }
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }
}
