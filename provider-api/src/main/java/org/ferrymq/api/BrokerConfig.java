package org.ferrymq.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.ferrymq.api.journal.Journal;

/**
 * How a broker is set up. Every setting has a sensible default, so an empty configuration
 * gives a working broker. Values are validated when set: a bad one fails at once with a
 * message naming the setting and what it accepts.
 *
 * <p>The same settings can be given as properties (URL parameters of a {@code vm://} URL or
 * a broker configuration file); {@link #KEYS} lists their names. An error names the setting,
 * never its value: a value may be a password, or a line of a file that was never meant to
 * configure a broker.
 */
public final class BrokerConfig {

    /**
     * {@code user:password} pairs separated by commas, the passwords in plain text: for tests
     * and embedded use only; a server keeps its users in {@link #USERS_FILE}.
     */
    public static final String USERS = "users";
    /**
     * A {@code .properties} file of users and their salted password hashes, as
     * {@code bin/ferrymq user add} writes it; read again when it changes. Taken from a broker
     * configuration file or a BrokerConfig, never from a connection URL's parameters.
     */
    public static final String USERS_FILE = "usersFile";
    /**
     * Roles of the users of {@link #USERS}: {@code user:role;role} entries separated by commas,
     * e.g. {@code alice:producers;admins,bob:consumers}. Users of the {@link #USERS_FILE} have
     * theirs in that file ({@code NAME.roles=ROLE,ROLE}); a JAAS user's roles are the names of
     * the principals its login module adds, the user's own excepted.
     */
    public static final String USER_ROLES = "userRoles";
    /**
     * A {@code .properties} file of permissions, {@code OPERATION.PATTERN=ROLE,ROLE} per line
     * (e.g. {@code send.orders.#=producers}); read when the broker starts. Without it, every
     * user who may connect may do everything. Taken from a broker configuration file or a
     * BrokerConfig, never from a connection URL's parameters.
     */
    public static final String PERMISSIONS_FILE = "permissionsFile";
    /**
     * {@code true} sets the property {@code JMSXUserID} of every message the broker accepts to the
     * user who sent it (removes it for a connection without a user name), whatever the sender
     * set: receivers can trust it. Default {@code false}.
     */
    public static final String STAMP_USER_ID = "stampUserId";
    /**
     * {@code true} registers the broker's queues and durable subscriptions as MXBeans
     * ({@link org.ferrymq.api.management.QueueMXBean}) in the platform MBean server. Default
     * {@code false}.
     */
    public static final String JMX = "jmx";
    /**
     * The name of a JAAS login configuration entry (an LDAP realm, say): users unknown to
     * {@link #USERS} and {@link #USERS_FILE} are asked of its login modules, given the name and
     * password the client passed.
     */
    public static final String JAAS_REALM = "jaasRealm";
    /**
     * A JAAS login configuration file holding {@link #JAAS_REALM}; default the JVM's own (the
     * system property {@code java.security.auth.login.config}, or the application server's).
     * Taken from a broker configuration file or a BrokerConfig, never from a connection URL's
     * parameters.
     */
    public static final String JAAS_LOGIN_CONFIG = "jaasLoginConfig";
    /**
     * {@code true} refuses connections without a user name; {@code false} lets them in (as
     * nobody) beside the users. Default: {@code true} when users are configured ({@link #USERS},
     * {@link #USERS_FILE} or {@link #JAAS_REALM}), {@code false} when none are: then security is
     * off, and any name and password are taken.
     */
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
    /**
     * Milliseconds between two scans for expired messages that nobody consumes (waiting in
     * memory, or in the journal only: a paging queue's backlog, delayed messages), which are
     * dropped or moved to their expiry queue as when a consumer finds them; 0 for no scan
     * (expired messages then leave only when a consumer reaches them). Default 30000.
     */
    public static final String EXPIRY_SCAN_PERIOD = "expiryScanPeriod";
    /**
     * The most messages the broker hands one consumer that its session has not yet
     * acknowledged, committed, recovered or rolled back, prefetched ones included; a consumer
     * at the limit gets no more (its receive() waits) until its session settles some. Bounds
     * what a CLIENT_ACKNOWLEDGE or transacted consumer that never acknowledges can hold.
     * Default 10000.
     */
    public static final String MAX_UNACKNOWLEDGED = "maxUnacknowledged";

    /**
     * Where the broker keeps its state: {@code jdbc} (the default: a database, an H2 file in
     * {@link #DATA_DIRECTORY} unless {@link #JOURNAL_URL} names another) or {@code memory}
     * (nothing survives the JVM). The system property {@code ferrymq.journal} changes the default.
     */
    public static final String JOURNAL = "journal";
    /**
     * The directory of the default H2 journal, {@code <dataDirectory>/<broker name>.mv.db}.
     * Default {@code ferrymq-data} in the working directory, or the system property
     * {@code ferrymq.dataDirectory}.
     */
    public static final String DATA_DIRECTORY = "dataDirectory";
    /** The JDBC URL of the journal database; default an H2 file in {@link #DATA_DIRECTORY}. */
    public static final String JOURNAL_URL = "journalUrl";
    public static final String JOURNAL_USER = "journalUser";
    public static final String JOURNAL_PASSWORD = "journalPassword";
    /** {@code h2}, {@code postgresql}, {@code mariadb} or a dialect class name; default: from the URL. */
    public static final String JOURNAL_DIALECT = "journalDialect";
    /**
     * Milliseconds the journal may take to store a change (or to reach its database) before
     * the sender gets a JMSException instead. Default 10000.
     */
    public static final String JOURNAL_TIMEOUT = "journalTimeout";
    /**
     * Bytes of persistent messages the broker keeps in memory; past it, queues keep new
     * messages in the journal only and read them back as consumers catch up. Accepts a suffix
     * k, m or g. Default a quarter of the maximum heap.
     */
    public static final String MAX_MEMORY = "maxMemory";
    /**
     * Bytes of messages the broker holds in memory only, never in the journal: non-persistent
     * messages, and every message on a temporary queue or a non-durable subscription (a message
     * a topic fans out counts once per subscription). Past it a send of such a message waits for
     * room or is refused (see {@link #ON_FULL}). Accepts a suffix k, m or g. Default a quarter of
     * the maximum heap, like {@link #MAX_MEMORY}: together they keep queued messages to half the
     * heap, and no application that works today meets the limit unless its consumers fall behind.
     */
    public static final String MAX_NON_PERSISTENT_MEMORY = "maxNonPersistentMemory";
    /**
     * Bytes of memory-only messages (as {@link #MAX_NON_PERSISTENT_MEMORY} counts them) one queue
     * or subscription may hold, so that one slow consumer cannot take the whole budget; {@code 0}
     * means no limit of its own. Accepts a suffix k, m or g. Default 0.
     */
    public static final String MAX_DESTINATION_MEMORY = "maxDestinationMemory";
    /**
     * What a send that finds no room under {@link #MAX_NON_PERSISTENT_MEMORY} or
     * {@link #MAX_DESTINATION_MEMORY} does: {@code block} (the default) waits up to
     * {@link #BLOCK_ON_FULL_TIMEOUT} for consumers to make room, {@code fail} is refused at once
     * with a ResourceAllocationException.
     */
    public static final String ON_FULL = "onFull";
    /**
     * Milliseconds a send waits for room under {@code onFull=block} before it is refused with a
     * ResourceAllocationException; 0 refuses at once. Default 30000.
     */
    public static final String BLOCK_ON_FULL_TIMEOUT = "blockOnFullTimeout";
    /**
     * Seconds an XA transaction branch may take from its start to its prepare before the
     * broker rolls it back, unless the transaction manager sets its own timeout with
     * {@code XAResource.setTransactionTimeout}. Default 300.
     */
    public static final String TRANSACTION_TIMEOUT = "transactionTimeout";
    /**
     * The longest message selector, in characters, the broker parses; a longer one is an
     * InvalidSelectorException. Default {@value #DEFAULT_MAX_SELECTOR_LENGTH}.
     */
    public static final String MAX_SELECTOR_LENGTH = "maxSelectorLength";
    /**
     * How deep parentheses, NOTs and signs may nest in a message selector; deeper is an
     * InvalidSelectorException. At most {@value #MAX_SELECTOR_DEPTH_CEILING}. Default
     * {@value #DEFAULT_MAX_SELECTOR_DEPTH}.
     */
    public static final String MAX_SELECTOR_DEPTH = "maxSelectorDepth";
    /**
     * The most properties one message may carry; a send with more is refused with a
     * ResourceAllocationException. Default {@value #DEFAULT_MAX_PROPERTIES}.
     */
    public static final String MAX_PROPERTIES = "maxProperties";
    /**
     * The most bytes the properties of one message may take, names and values as they travel
     * (strings in UTF-8); a send with more is refused with a ResourceAllocationException.
     * Accepts a suffix k, m or g. Default 1m.
     */
    public static final String MAX_PROPERTIES_SIZE = "maxPropertiesSize";
    /**
     * The most client connections open at once, over every transport; one more is refused with
     * a ResourceAllocationException. Default {@value #DEFAULT_MAX_CONNECTIONS}.
     */
    public static final String MAX_CONNECTIONS = "maxConnections";
    /**
     * The most connections open at once with one user name (as given when connecting; those
     * without a user name count together); one more is refused with a
     * ResourceAllocationException. Default {@value #DEFAULT_MAX_CONNECTIONS}.
     */
    public static final String MAX_CONNECTIONS_PER_USER = "maxConnectionsPerUser";
    /**
     * The most sessions one connection may have open; one more is refused with a
     * ResourceAllocationException. Default {@value #DEFAULT_MAX_SESSIONS_PER_CONNECTION}.
     */
    public static final String MAX_SESSIONS_PER_CONNECTION = "maxSessionsPerConnection";
    /**
     * The most consumers (and subscribers) one connection may have open, over all its
     * sessions; one more is refused with a ResourceAllocationException. Default
     * {@value #DEFAULT_MAX_CONSUMERS_PER_CONNECTION}.
     */
    public static final String MAX_CONSUMERS_PER_CONNECTION = "maxConsumersPerConnection";
    /**
     * The most temporary queues and topics one connection may have at once; one more is
     * refused with a ResourceAllocationException. Default
     * {@value #DEFAULT_MAX_TEMPORARY_DESTINATIONS_PER_CONNECTION}.
     */
    public static final String MAX_TEMPORARY_DESTINATIONS_PER_CONNECTION = "maxTemporaryDestinationsPerConnection";

    /**
     * 64 KiB: a hundred times the longest selector of the Jakarta Messaging TCK (250
     * characters), yet a few hundred kilobytes of tokens at most.
     */
    public static final int DEFAULT_MAX_SELECTOR_LENGTH = 64 * 1024;
    /**
     * Selectors people write nest a handful of levels, generated ones rarely a few dozen; the
     * parser recurses through every precedence level for each parenthesis (about 2.5 KiB of
     * stack before the JIT compiles it), so 100 levels also fit a 512 KiB thread stack.
     */
    public static final int DEFAULT_MAX_SELECTOR_DEPTH = 100;
    /**
     * The deepest {@link #MAX_SELECTOR_DEPTH} may be set. It bounds the evaluator, which
     * recurses once per NOT or sign; the parser needs more stack per level and refuses, also
     * with an InvalidSelectorException, a selector deeper than its thread's stack holds.
     */
    public static final int MAX_SELECTOR_DEPTH_CEILING = 1000;
    public static final int DEFAULT_MAX_PROPERTIES = 1000;
    public static final long DEFAULT_MAX_PROPERTIES_SIZE = 1L << 20;
    /**
     * Far more than the Jakarta Messaging TCK or an application server's pools keep open at once
     * (the TCK opens many connections over a run, but closes them), yet a bound on what
     * clients that never close theirs can hold.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_SESSIONS_PER_CONNECTION = 10_000;
    public static final int DEFAULT_MAX_CONSUMERS_PER_CONNECTION = 10_000;
    public static final int DEFAULT_MAX_TEMPORARY_DESTINATIONS_PER_CONNECTION = 1_000;

    public static final Set<String> KEYS = Collections.unmodifiableSet(new TreeSet<>(
            Set.of(USERS, USERS_FILE, USER_ROLES, PERMISSIONS_FILE, STAMP_USER_ID, JMX, JAAS_REALM, JAAS_LOGIN_CONFIG,
                    REQUIRE_CREDENTIALS, AUTO_CREATE_DESTINATIONS, QUEUES, TOPICS, MAX_DELIVERY_ATTEMPTS, DEAD_LETTER_QUEUE,
                    EXPIRY_SCAN_PERIOD, MAX_UNACKNOWLEDGED, JOURNAL,
                    DATA_DIRECTORY, JOURNAL_URL, JOURNAL_USER, JOURNAL_PASSWORD, JOURNAL_DIALECT, JOURNAL_TIMEOUT,
                    MAX_MEMORY, TRANSACTION_TIMEOUT, MAX_SELECTOR_LENGTH, MAX_SELECTOR_DEPTH, MAX_PROPERTIES,
                    MAX_PROPERTIES_SIZE, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_USER, MAX_SESSIONS_PER_CONNECTION,
                    MAX_CONSUMERS_PER_CONNECTION, MAX_TEMPORARY_DESTINATIONS_PER_CONNECTION, MAX_NON_PERSISTENT_MEMORY,
                    MAX_DESTINATION_MEMORY, ON_FULL, BLOCK_ON_FULL_TIMEOUT)));

    /**
     * The prefix of destination policy settings: {@code destination.PATTERN.SETTING=VALUE}, e.g.
     * {@code destination.orders.#.redeliveryDelay=1000} (see {@link DestinationPolicy}).
     */
    public static final String DESTINATION_PREFIX = "destination.";

    /** Whether {@code key} is a broker setting: one of {@link #KEYS}, or a destination policy setting. */
    public static boolean isKey(String key) {
        return KEYS.contains(key) || key.startsWith(DESTINATION_PREFIX);
    }

    /** What a send that finds no room does (see {@link #ON_FULL}). */
    public enum OnFull { BLOCK, FAIL }

    /** The journal kinds {@link #JOURNAL} accepts. */
    public enum JournalKind { JDBC, MEMORY }

    private final String name;
    /** Per pattern, in the order given, the destination settings it sets. */
    private final Map<DestinationPattern, Map<String, String>> destinationPolicies = new LinkedHashMap<>();
    private final Map<String, String> users = new LinkedHashMap<>();
    private Path usersFile;
    private final Map<String, List<String>> userRoles = new LinkedHashMap<>();
    private Path permissionsFile;
    private boolean stampUserId;
    private boolean jmx;
    private String jaasRealm;
    private Path jaasLoginConfig;
    /** Null: required when users are configured (see {@link #requireCredentials()}). */
    private Boolean requireCredentials;
    private boolean autoCreateDestinations = true;
    private final Set<String> queues = new LinkedHashSet<>();
    private final Set<String> topics = new LinkedHashSet<>();
    private int maxDeliveryAttempts = 10;
    private String deadLetterQueue = "DLQ";
    private long expiryScanPeriodMillis = 30_000;
    private int maxUnacknowledged = 10_000;
    private Journal journal;
    private JournalKind journalKind = parseJournalKind("system property ferrymq.journal",
            System.getProperty("ferrymq.journal", "jdbc"));
    private Path dataDirectory = Path.of(System.getProperty("ferrymq.dataDirectory", "ferrymq-data"));
    private String journalUrl;
    private String journalUser;
    private String journalPassword;
    private String journalDialect;
    private DataSource dataSource;
    private long journalTimeoutMillis = 10_000;
    private long maxMemory = Runtime.getRuntime().maxMemory() / 4;
    private long maxNonPersistentMemory = Runtime.getRuntime().maxMemory() / 4;
    private long maxDestinationMemory;
    private OnFull onFull = OnFull.BLOCK;
    private long blockOnFullTimeoutMillis = 30_000;
    private int transactionTimeoutSeconds = 300;
    private int maxSelectorLength = DEFAULT_MAX_SELECTOR_LENGTH;
    private int maxSelectorDepth = DEFAULT_MAX_SELECTOR_DEPTH;
    private int maxProperties = DEFAULT_MAX_PROPERTIES;
    private long maxPropertiesSize = DEFAULT_MAX_PROPERTIES_SIZE;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerUser = DEFAULT_MAX_CONNECTIONS;
    private int maxSessionsPerConnection = DEFAULT_MAX_SESSIONS_PER_CONNECTION;
    private int maxConsumersPerConnection = DEFAULT_MAX_CONSUMERS_PER_CONNECTION;
    private int maxTemporaryDestinationsPerConnection = DEFAULT_MAX_TEMPORARY_DESTINATIONS_PER_CONNECTION;

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
        if (key.startsWith(DESTINATION_PREFIX)) {
            int dot = key.lastIndexOf('.');
            if (dot <= DESTINATION_PREFIX.length()) {
                throw new IllegalArgumentException("Broker setting '" + key + "' names no destination pattern and "
                        + "setting; write destination.PATTERN.SETTING, e.g. destination.orders.#.redeliveryDelay; "
                        + "the settings are " + DestinationPolicy.SETTINGS);
            }
            return destinationPolicy(key.substring(DESTINATION_PREFIX.length(), dot), key.substring(dot + 1), value);
        }
        switch (key) {
            case USERS -> {
                for (String pair : splitList(value)) {
                    int colon = pair.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("Broker setting '" + USERS + "' has an entry without a"
                                + " user name and ':'; write each user as user:password, separated by commas");
                    }
                    addUser(pair.substring(0, colon), pair.substring(colon + 1));
                }
            }
            case USERS_FILE -> usersFile(Path.of(requireValue(key, value)));
            case USER_ROLES -> {
                for (String entry : splitList(value)) {
                    int colon = entry.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("Broker setting '" + USER_ROLES + "' has an entry without"
                                + " a user name and ':'; write each as user:role;role, separated by commas");
                    }
                    addUserRoles(entry.substring(0, colon).trim(), entry.substring(colon + 1).split(";"));
                }
            }
            case PERMISSIONS_FILE -> permissionsFile(Path.of(requireValue(key, value)));
            case STAMP_USER_ID -> stampUserId(parseBoolean(key, value));
            case JMX -> jmx(parseBoolean(key, value));
            case JAAS_REALM -> jaasRealm(requireValue(key, value));
            case JAAS_LOGIN_CONFIG -> jaasLoginConfig(Path.of(requireValue(key, value)));
            case REQUIRE_CREDENTIALS -> requireCredentials(parseBoolean(key, value));
            case AUTO_CREATE_DESTINATIONS -> autoCreateDestinations(parseBoolean(key, value));
            case QUEUES -> splitList(value).forEach(this::addQueue);
            case TOPICS -> splitList(value).forEach(this::addTopic);
            case MAX_DELIVERY_ATTEMPTS -> maxDeliveryAttempts(parseCount(key, value));
            case DEAD_LETTER_QUEUE -> deadLetterQueue(value);
            case EXPIRY_SCAN_PERIOD -> expiryScanPeriodMillis(parseLong(key, value));
            case MAX_UNACKNOWLEDGED -> maxUnacknowledged(parseCount(key, value));
            case JOURNAL -> journalKind = parseJournalKind("Broker setting '" + JOURNAL + "'", value);
            case DATA_DIRECTORY -> dataDirectory(Path.of(requireValue(key, value)));
            case JOURNAL_URL -> journalUrl(requireValue(key, value));
            case JOURNAL_USER -> journalUser = value;
            case JOURNAL_PASSWORD -> journalPassword = value;
            case JOURNAL_DIALECT -> journalDialect = requireValue(key, value);
            case JOURNAL_TIMEOUT -> journalTimeoutMillis(parseCount(key, value));
            case MAX_MEMORY -> maxMemory(parseBytes(key, value));
            case MAX_NON_PERSISTENT_MEMORY -> maxNonPersistentMemory(parseBytes(key, value));
            case MAX_DESTINATION_MEMORY -> maxDestinationMemory(parseBytes(key, value));
            case ON_FULL -> onFull(parseOnFull(value));
            case BLOCK_ON_FULL_TIMEOUT -> blockOnFullTimeoutMillis(parseCount(key, value));
            case TRANSACTION_TIMEOUT -> transactionTimeoutSeconds(parseCount(key, value));
            case MAX_SELECTOR_LENGTH -> maxSelectorLength(parseCount(key, value));
            case MAX_SELECTOR_DEPTH -> maxSelectorDepth(parseCount(key, value));
            case MAX_PROPERTIES -> maxProperties(parseCount(key, value));
            case MAX_PROPERTIES_SIZE -> maxPropertiesSize(parseBytes(key, value));
            case MAX_CONNECTIONS -> maxConnections(parseCount(key, value));
            case MAX_CONNECTIONS_PER_USER -> maxConnectionsPerUser(parseCount(key, value));
            case MAX_SESSIONS_PER_CONNECTION -> maxSessionsPerConnection(parseCount(key, value));
            case MAX_CONSUMERS_PER_CONNECTION -> maxConsumersPerConnection(parseCount(key, value));
            case MAX_TEMPORARY_DESTINATIONS_PER_CONNECTION ->
                    maxTemporaryDestinationsPerConnection(parseCount(key, value));
            default -> throw new IllegalArgumentException("Unknown broker setting '" + key + "'; the settings are " + KEYS);
        }
        return this;
    }

    /**
     * Sets one destination setting for the destinations whose names match {@code pattern}
     * (see {@link DestinationPolicy} for the settings and {@link DestinationPattern} for patterns).
     *
     * @throws IllegalArgumentException naming the pattern or setting that is wrong
     */
    public BrokerConfig destinationPolicy(String pattern, String setting, String value) {
        DestinationPattern parsed = DestinationPattern.of(pattern);
        DestinationPolicy.check(setting, value);
        Map<String, String> settings = destinationPolicies.computeIfAbsent(parsed, p -> new LinkedHashMap<>());
        settings.put(setting, value.trim());
        String delay = settings.get(DestinationPolicy.REDELIVERY_DELAY);
        String max = settings.get(DestinationPolicy.MAX_REDELIVERY_DELAY);
        if (delay != null && max != null && Long.parseLong(max) < Long.parseLong(delay)) {
            settings.remove(setting);
            throw new IllegalArgumentException("Destination setting '" + DESTINATION_PREFIX + pattern + "."
                    + DestinationPolicy.MAX_REDELIVERY_DELAY + "' (" + max + " ms) is below its '"
                    + DestinationPolicy.REDELIVERY_DELAY + "' (" + delay + " ms); raise it, or leave it out for ten "
                    + "times the delay");
        }
        return this;
    }

    /** The destination settings given, per pattern. */
    public Map<DestinationPattern, Map<String, String>> destinationPolicies() {
        Map<DestinationPattern, Map<String, String>> copy = new LinkedHashMap<>();
        destinationPolicies.forEach((pattern, settings) -> copy.put(pattern, Map.copyOf(settings)));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * The policy of the destination {@code name} (a queue's name, or a topic's for its
     * subscriptions): each setting from the most specific matching pattern that sets it, the
     * rest from the broker's settings or the defaults.
     */
    public DestinationPolicy destinationPolicyFor(String name) {
        List<DestinationPattern> matching = new ArrayList<>();
        for (DestinationPattern pattern : destinationPolicies.keySet()) {
            if (pattern.matches(name)) {
                matching.add(pattern);
            }
        }
        matching.sort(DestinationPattern.MOST_SPECIFIC_FIRST.reversed()); // the most specific applied last, winning
        Map<String, String> settings = new LinkedHashMap<>();
        for (DestinationPattern pattern : matching) {
            settings.putAll(destinationPolicies.get(pattern));
        }
        return new DestinationPolicy(settings, maxDeliveryAttempts, deadLetterQueue);
    }

    public BrokerConfig addUser(String user, String password) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("A broker user needs a non-empty name");
        }
        users.put(user, password == null ? "" : password);
        return this;
    }

    /** The users file (see {@link #USERS_FILE}); it must be a {@code .properties} file. */
    public BrokerConfig usersFile(Path file) {
        if (file == null || !file.getFileName().toString().endsWith(".properties")) {
            throw new IllegalArgumentException("Broker setting '" + USERS_FILE + "' does not name a .properties file;"
                    + " name the users file bin/ferrymq user add writes, e.g. etc/users.properties");
        }
        this.usersFile = file;
        return this;
    }

    /** Gives {@code roles} to {@code user} of the {@link #USERS} setting (see {@link #USER_ROLES}). */
    public BrokerConfig addUserRoles(String user, String... roles) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("Broker setting '" + USER_ROLES + "' names no user; write"
                    + " user:role;role");
        }
        List<String> list = userRoles.computeIfAbsent(user, u -> new ArrayList<>());
        for (String role : roles) {
            if (role != null && !role.isBlank() && !list.contains(role.trim())) {
                list.add(role.trim());
            }
        }
        return this;
    }

    /** The permissions file (see {@link #PERMISSIONS_FILE}); it must be a {@code .properties} file. */
    public BrokerConfig permissionsFile(Path file) {
        if (file == null || !file.getFileName().toString().endsWith(".properties")) {
            throw new IllegalArgumentException("Broker setting '" + PERMISSIONS_FILE + "' does not name a .properties"
                    + " file; name a file of OPERATION.PATTERN=ROLE,ROLE lines, e.g. etc/permissions.properties");
        }
        this.permissionsFile = file;
        return this;
    }

    /** Whether the broker sets JMSXUserID to the sending user (see {@link #STAMP_USER_ID}). */
    public BrokerConfig stampUserId(boolean stamp) {
        this.stampUserId = stamp;
        return this;
    }

    /** Whether the broker registers its queues as MXBeans in the platform MBean server (see {@link #JMX}). */
    public BrokerConfig jmx(boolean register) {
        this.jmx = register;
        return this;
    }

    /** The JAAS login configuration entry to ask (see {@link #JAAS_REALM}). */
    public BrokerConfig jaasRealm(String realm) {
        this.jaasRealm = realm;
        return this;
    }

    /** The JAAS login configuration file (see {@link #JAAS_LOGIN_CONFIG}). */
    public BrokerConfig jaasLoginConfig(Path file) {
        this.jaasLoginConfig = file;
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
            throw new IllegalArgumentException("Broker setting '" + MAX_DELIVERY_ATTEMPTS + "' is negative; use 0"
                    + " (no limit) or a positive number of deliveries");
        }
        this.maxDeliveryAttempts = attempts;
        return this;
    }

    public BrokerConfig maxUnacknowledged(int messages) {
        if (messages < 1) {
            throw new IllegalArgumentException("Broker setting '" + MAX_UNACKNOWLEDGED + "' is below 1; use a number"
                    + " of messages, 1 or more (default 10000)");
        }
        this.maxUnacknowledged = messages;
        return this;
    }

    public BrokerConfig deadLetterQueue(String queue) {
        this.deadLetterQueue = requireDestinationName(queue);
        return this;
    }

    /** A journal instance to persist to, instead of one built from the journal settings. */
    public BrokerConfig journal(Journal journal) {
        this.journal = journal;
        return this;
    }

    /** Keeps the broker's state in this JVM only (a fresh, empty broker on every start). */
    public BrokerConfig memoryJournal() {
        this.journalKind = JournalKind.MEMORY;
        return this;
    }

    public BrokerConfig dataDirectory(Path directory) {
        this.dataDirectory = directory;
        this.journalKind = JournalKind.JDBC;
        return this;
    }

    /** The journal database by JDBC URL, with {@link #journalCredentials}; connections come from a pool. */
    public BrokerConfig journalUrl(String url) {
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("Broker setting '" + JOURNAL_URL + "' does not start with jdbc:"
                    + " (its value is not shown: it may hold a password); use a JDBC URL, e.g."
                    + " jdbc:postgresql://127.0.0.1:5432/ferrymq");
        }
        this.journalUrl = url;
        this.journalKind = JournalKind.JDBC;
        return this;
    }

    public BrokerConfig journalCredentials(String user, String password) {
        this.journalUser = user;
        this.journalPassword = password;
        return this;
    }

    /** The journal database as a DataSource (an application server's, say); FerryMQ uses it as it is. */
    public BrokerConfig journalDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
        this.journalKind = JournalKind.JDBC;
        return this;
    }

    public BrokerConfig journalDialect(String dialect) {
        this.journalDialect = dialect;
        return this;
    }

    public BrokerConfig journalTimeoutMillis(long millis) {
        if (millis < 1) {
            throw new IllegalArgumentException("Broker setting '" + JOURNAL_TIMEOUT + "' is below 1; use a number of"
                    + " milliseconds, 1 or more");
        }
        this.journalTimeoutMillis = millis;
        return this;
    }

    public BrokerConfig maxMemory(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("Broker setting '" + MAX_MEMORY + "' is below 1; use a number of bytes,"
                    + " 1 or more (a suffix k, m or g is allowed)");
        }
        this.maxMemory = bytes;
        return this;
    }

    public BrokerConfig maxNonPersistentMemory(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("Broker setting '" + MAX_NON_PERSISTENT_MEMORY + "' is below 1; use a"
                    + " number of bytes, 1 or more (a suffix k, m or g is allowed)");
        }
        this.maxNonPersistentMemory = bytes;
        return this;
    }

    public BrokerConfig maxDestinationMemory(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("Broker setting '" + MAX_DESTINATION_MEMORY + "' is negative; use 0"
                    + " (no limit per destination) or a number of bytes (a suffix k, m or g is allowed)");
        }
        this.maxDestinationMemory = bytes;
        return this;
    }

    public BrokerConfig onFull(OnFull onFull) {
        if (onFull == null) {
            throw new IllegalArgumentException("Broker setting '" + ON_FULL + "' is empty; use block or fail");
        }
        this.onFull = onFull;
        return this;
    }

    public BrokerConfig expiryScanPeriodMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("Broker setting '" + EXPIRY_SCAN_PERIOD + "' is negative; use 0"
                    + " (no scan: expired messages leave when a consumer reaches them) or a number of milliseconds");
        }
        this.expiryScanPeriodMillis = millis;
        return this;
    }

    public BrokerConfig blockOnFullTimeoutMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("Broker setting '" + BLOCK_ON_FULL_TIMEOUT + "' is negative; use 0"
                    + " (refuse at once) or a number of milliseconds");
        }
        this.blockOnFullTimeoutMillis = millis;
        return this;
    }

    public BrokerConfig maxSelectorLength(int characters) {
        this.maxSelectorLength = requireAtLeastOne(MAX_SELECTOR_LENGTH, characters, "characters");
        return this;
    }

    public BrokerConfig maxSelectorDepth(int levels) {
        if (levels < 1 || levels > MAX_SELECTOR_DEPTH_CEILING) {
            throw new IllegalArgumentException("Broker setting '" + MAX_SELECTOR_DEPTH + "' is out of range"
                    + "; use a number of levels from 1 to " + MAX_SELECTOR_DEPTH_CEILING + " (default "
                    + DEFAULT_MAX_SELECTOR_DEPTH + ")");
        }
        this.maxSelectorDepth = levels;
        return this;
    }

    public BrokerConfig maxProperties(int properties) {
        this.maxProperties = requireAtLeastOne(MAX_PROPERTIES, properties, "properties");
        return this;
    }

    public BrokerConfig maxPropertiesSize(long bytes) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Broker setting '" + MAX_PROPERTIES_SIZE + "' is out of range"
                    + "; use a number of bytes from 1 to 2g (a suffix k, m or g is allowed)");
        }
        this.maxPropertiesSize = bytes;
        return this;
    }

    public BrokerConfig maxConnections(int connections) {
        this.maxConnections = requireAtLeastOne(MAX_CONNECTIONS, connections, "connections");
        return this;
    }

    public BrokerConfig maxConnectionsPerUser(int connections) {
        this.maxConnectionsPerUser = requireAtLeastOne(MAX_CONNECTIONS_PER_USER, connections, "connections");
        return this;
    }

    public BrokerConfig maxSessionsPerConnection(int sessions) {
        this.maxSessionsPerConnection = requireAtLeastOne(MAX_SESSIONS_PER_CONNECTION, sessions, "sessions");
        return this;
    }

    public BrokerConfig maxConsumersPerConnection(int consumers) {
        this.maxConsumersPerConnection = requireAtLeastOne(MAX_CONSUMERS_PER_CONNECTION, consumers, "consumers");
        return this;
    }

    public BrokerConfig maxTemporaryDestinationsPerConnection(int destinations) {
        this.maxTemporaryDestinationsPerConnection = requireAtLeastOne(MAX_TEMPORARY_DESTINATIONS_PER_CONNECTION,
                destinations, "temporary destinations");
        return this;
    }

    public String name() { return name; }
    public Map<String, String> users() { return Collections.unmodifiableMap(users); }
    public Path usersFile() { return usersFile; }
    /** The roles {@link #USER_ROLES} gives each user of {@link #USERS}. */
    public Map<String, List<String>> userRoles() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        userRoles.forEach((user, roles) -> copy.put(user, List.copyOf(roles)));
        return Collections.unmodifiableMap(copy);
    }
    public Path permissionsFile() { return permissionsFile; }
    public boolean stampUserId() { return stampUserId; }
    public boolean jmx() { return jmx; }
    public String jaasRealm() { return jaasRealm; }
    public Path jaasLoginConfig() { return jaasLoginConfig; }

    /** Whether users are configured: in {@link #USERS}, a {@link #USERS_FILE} or a {@link #JAAS_REALM}. */
    public boolean hasUsers() { return !users.isEmpty() || usersFile != null || jaasRealm != null; }

    /** Whether a connection must give a user name: as set, or else whenever there are users. */
    public boolean requireCredentials() { return requireCredentials != null ? requireCredentials : hasUsers(); }
    public boolean autoCreateDestinations() { return autoCreateDestinations; }
    public Set<String> queues() { return Collections.unmodifiableSet(queues); }
    public Set<String> topics() { return Collections.unmodifiableSet(topics); }
    public int maxDeliveryAttempts() { return maxDeliveryAttempts; }
    public String deadLetterQueue() { return deadLetterQueue; }
    /** 0: no scan. */
    public long expiryScanPeriodMillis() { return expiryScanPeriodMillis; }
    public int maxUnacknowledged() { return maxUnacknowledged; }
    public Journal journal() { return journal; }
    public JournalKind journalKind() { return journalKind; }
    public Path dataDirectory() { return dataDirectory; }
    public String journalUrl() { return journalUrl; }
    public String journalUser() { return journalUser; }
    public String journalPassword() { return journalPassword; }
    public String journalDialect() { return journalDialect; }
    public DataSource journalDataSource() { return dataSource; }
    public BrokerConfig transactionTimeoutSeconds(int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("Broker setting '" + TRANSACTION_TIMEOUT + "' is below 1; use a number"
                    + " of seconds, 1 or more");
        }
        this.transactionTimeoutSeconds = seconds;
        return this;
    }

    public long journalTimeoutMillis() { return journalTimeoutMillis; }
    public int transactionTimeoutSeconds() { return transactionTimeoutSeconds; }
    public long maxMemory() { return maxMemory; }
    public long maxNonPersistentMemory() { return maxNonPersistentMemory; }
    /** 0: no limit per queue or subscription. */
    public long maxDestinationMemory() { return maxDestinationMemory; }
    public OnFull onFull() { return onFull; }
    public long blockOnFullTimeoutMillis() { return blockOnFullTimeoutMillis; }
    public int maxSelectorLength() { return maxSelectorLength; }
    public int maxSelectorDepth() { return maxSelectorDepth; }
    public int maxProperties() { return maxProperties; }
    public long maxPropertiesSize() { return maxPropertiesSize; }
    public int maxConnections() { return maxConnections; }
    public int maxConnectionsPerUser() { return maxConnectionsPerUser; }
    public int maxSessionsPerConnection() { return maxSessionsPerConnection; }
    public int maxConsumersPerConnection() { return maxConsumersPerConnection; }
    public int maxTemporaryDestinationsPerConnection() { return maxTemporaryDestinationsPerConnection; }

    private static int requireAtLeastOne(String key, int value, String unit) {
        if (value < 1) {
            throw new IllegalArgumentException("Broker setting '" + key + "' is below 1; use a number of "
                    + unit + ", 1 or more");
        }
        return value;
    }

    private static String requireDestinationName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A destination name must not be empty");
        }
        return name.trim();
    }

    private static String requireValue(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Broker setting '" + key + "' is empty; give it a value or leave it out");
        }
        return value.trim();
    }

    private static JournalKind parseJournalKind(String what, String value) {
        String v = value == null ? "" : value.trim();
        for (JournalKind kind : JournalKind.values()) {
            if (kind.name().equalsIgnoreCase(v)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(what + " is neither jdbc nor memory; use one of them");
    }

    private static OnFull parseOnFull(String value) {
        String v = value == null ? "" : value.trim();
        for (OnFull kind : OnFull.values()) {
            if (kind.name().equalsIgnoreCase(v)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Broker setting '" + ON_FULL + "' is neither block nor fail; use one of them");
    }

    private static long parseBytes(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
            unit = switch (v.charAt(v.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                default -> 1L << 30;
            };
            v = v.substring(0, v.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(v), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("Broker setting '" + key + "' is not a number of bytes; use one, with"
                    + " an optional suffix k, m or g (e.g. 256m)");
        }
    }

    private static boolean parseBoolean(String key, String value) {
        String v = value == null ? "" : value.trim();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("Broker setting '" + key + "' is neither true nor false; use one of them");
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Broker setting '" + key + "' is not a whole number; use one");
        }
    }

    private static int parseCount(String key, String value) {
        try {
            return Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Broker setting '" + key + "' is not a whole number; use one");
        }
    }

    private static List<String> splitList(String value) {
        List<String> items = new ArrayList<>();
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
