package org.ferrymq.server;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.broker.Broker;
import org.ferrymq.broker.BrokerConnection;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.protocol.ClientChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker running in this JVM, reached by clients as {@code vm://NAME}: the one way to start,
 * find and stop one, for the connection factory's {@code vm://} URLs, the resource adapter,
 * benchmarks, tests and the standalone server alike.
 *
 * <p>The brokers of this JVM are known by name, and only while they run: a broker leaves as it
 * stops, whether stopped here or stopped by itself (its journal failed beyond repair), and only
 * once it has let go of its journal, so the next {@code vm://NAME} starts a new broker that can
 * open that journal and recover it.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** The prefix of a settings location that names a class-path resource instead of a file. */
    public static final String CLASSPATH = "classpath:";

    /** Running brokers by name; starting one holds the map's monitor, so a name is never started twice. */
    private static final Map<String, EmbeddedBroker> RUNNING = new ConcurrentHashMap<>();

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final Broker broker;
    private final BrokerConfig settings;
    /** The broker settings of the {@code vm://} URL that started it; null when started from a BrokerConfig. */
    private final Properties urlSettings;
    /** The URLs whose settings this broker ignores and has warned about: each is warned about once. */
    private final Set<String> warnedUrls = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private EmbeddedBroker(Broker broker, BrokerConfig settings, Properties urlSettings) {
        this.broker = broker;
        this.settings = settings;
        this.urlSettings = urlSettings;
    }

    /**
     * Starts a broker with {@code settings} (opening and recovering its journal) and makes it
     * reachable as {@code vm://NAME}. Fails with IllegalStateException if a broker of that name
     * is running in this JVM already.
     */
    public static EmbeddedBroker start(BrokerConfig settings) throws JMSException {
        return start(settings, null);
    }

    private static EmbeddedBroker start(BrokerConfig settings, Properties urlSettings) throws JMSException {
        synchronized (RUNNING) {
            if (RUNNING.containsKey(settings.name())) {
                throw new IllegalStateException("An embedded broker named '" + settings.name()
                        + "' is already running in this JVM; stop it first or choose another name");
            }
            EmbeddedBroker started = new EmbeddedBroker(Broker.start(settings), settings, urlSettings);
            RUNNING.put(settings.name(), started);
            started.broker.whenStopped(started::leave);
            return started;
        }
    }

    /** Starts broker {@code name} with settings given as properties (the keys of {@link BrokerConfig#KEYS}). */
    public static EmbeddedBroker start(String name, Properties settings) throws JMSException {
        try {
            return start(BrokerConfig.fromProperties(name, settings));
        } catch (IllegalArgumentException e) {
            throw new JMSException("Embedded broker '" + name + "': " + e.getMessage());
        }
    }

    /** Starts broker {@code name} with the settings in a file: a path, or {@code classpath:NAME}. */
    public static EmbeddedBroker start(String name, String settingsLocation) throws JMSException {
        return start(name, readSettings(settingsLocation));
    }

    /**
     * The broker a {@code vm://NAME} URL names: the running one, or else one started now with
     * the URL's settings, those of its {@code config} file overridden by its other parameters.
     * A running broker keeps its settings: a URL asking for other ones gets it all the same
     * (so an application's factories need not repeat the settings of the URL that started it),
     * and a WARN names the settings not applied.
     */
    public static EmbeddedBroker forUrl(ConnectionUrl url) throws JMSException {
        EmbeddedBroker running = RUNNING.get(url.name());
        if (running == null) {
            synchronized (RUNNING) {
                running = RUNNING.get(url.name());
                if (running == null) {
                    return start(settingsFor(url, settingsOf(url)), url.brokerParameters());
                }
            }
        }
        running.warnIfIgnored(url);
        return running;
    }

    /**
     * Warns, once per URL, when a URL's broker settings differ from those this broker started
     * with: by key only, as values may be secrets. A URL without broker settings asks for none.
     */
    private void warnIfIgnored(ConnectionUrl url) {
        Properties asked = url.brokerParameters();
        if (asked.isEmpty() || !warnedUrls.add(url.url())) {
            return;
        }
        Set<String> differing = new TreeSet<>(asked.stringPropertyNames());
        if (urlSettings != null) {
            differing.addAll(urlSettings.stringPropertyNames());
            differing.removeIf(key -> Objects.equals(asked.getProperty(key), urlSettings.getProperty(key)));
        }
        if (!differing.isEmpty()) {
            LOG.warn("Embedded broker '{}' is running already; a vm://{} URL gives other values of {} than it"
                    + " started with, and they are not applied. Give every vm://{} URL the same settings, or stop the"
                    + " broker before starting it with new ones", name(), name(), differing, name());
        }
    }

    /** The broker running as {@code vm://NAME}, if any. */
    public static Optional<EmbeddedBroker> running(String name) {
        return Optional.ofNullable(RUNNING.get(name));
    }

    /** Stops the broker named {@code name}, if one is running; answers whether one was. */
    public static boolean stop(String name) {
        EmbeddedBroker running = RUNNING.get(name);
        if (running == null) {
            return false;
        }
        running.stop();
        return true;
    }

    /**
     * Broker settings from a properties file: a path, or {@code classpath:NAME} for a resource
     * of the thread's context class loader.
     */
    public static Properties readSettings(String location) throws JMSException {
        Properties properties = new Properties();
        try (InputStream in = open(location)) {
            properties.load(in);
        } catch (IOException e) {
            throw new JMSException("Cannot read broker configuration file '" + location + "': " + e.getMessage());
        }
        return properties;
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith(CLASSPATH)) {
            String resource = location.substring(CLASSPATH.length());
            InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("no resource '" + resource + "' on the classpath");
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }

    /**
     * The settings a {@code vm://} URL gives: its {@code config} file's, overridden by its other
     * parameters. A URL may name only a {@code .properties} file: FerryMQ reads no other file
     * for whoever writes a URL. The settings that name files the broker reads (its users file,
     * its JAAS configuration, its permissions) are taken from that file only, never from the URL itself.
     */
    private static Properties settingsOf(ConnectionUrl url) throws JMSException {
        Properties settings = new Properties();
        Properties parameters = url.brokerParameters();
        for (String fileSetting : List.of(BrokerConfig.USERS_FILE, BrokerConfig.JAAS_LOGIN_CONFIG,
                BrokerConfig.PERMISSIONS_FILE)) {
            if (parameters.containsKey(fileSetting)) {
                throw new JMSException("Embedded broker URL " + url + ": parameter '" + fileSetting + "' is not taken"
                        + " from a URL; set it in the broker configuration file the URL names with '"
                        + ConnectionUrl.CONFIG + "'");
            }
        }
        String file = (String) parameters.remove(ConnectionUrl.CONFIG);
        if (file != null) {
            if (!file.toLowerCase(Locale.ROOT).endsWith(".properties")) {
                throw new JMSException("Embedded broker URL " + url + ": parameter '" + ConnectionUrl.CONFIG
                        + "' names a file that is not a .properties file, which FerryMQ does not read; name a"
                        + " broker configuration file NAME.properties (a path or classpath:NAME.properties)");
            }
            settings.putAll(readSettings(file));
        }
        settings.putAll(parameters); // URL parameters win over the file
        return settings;
    }

    private static BrokerConfig settingsFor(ConnectionUrl url, Properties settings) throws JMSException {
        try {
            return BrokerConfig.fromProperties(url.name(), settings);
        } catch (IllegalArgumentException e) {
            throw new JMSException("Embedded broker URL " + url + ": " + e.getMessage());
        }
    }

    /**
     * Takes the destination policies of {@code changed} from now on, without a restart (see
     * {@link Broker#updateDestinationPolicies}); the other settings stay as the broker started.
     */
    public void updateDestinationPolicies(BrokerConfig changed) {
        broker.updateDestinationPolicies(changed);
    }

    public String name() {
        return settings.name();
    }

    /** The settings the broker started with; read them, do not change them. */
    public BrokerConfig settings() {
        return settings;
    }

    /** Whether the broker takes connections: not stopped, neither here nor by a failed journal. */
    public boolean isRunning() {
        return broker.isRunning();
    }

    /**
     * Stops the broker cleanly: its clients are told, its journal finishes the writes under way
     * and releases its lease; {@code vm://NAME} no longer names it when this returns.
     */
    public void stop() {
        try {
            broker.close();
        } catch (RuntimeException | Error e) {
            leave(); // it stopped half-way; another stop() must not wait for it forever
            throw e;
        }
        stopped.join(); // when another thread is stopping it, until that thread is done
    }

    private void leave() {
        RUNNING.remove(name(), this);
        stopped.complete(null);
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Completes once the broker has stopped, whether stopped here or by itself (its journal
     * failed beyond repair), after it let go of its journal: for a program that lives as long
     * as its broker.
     */
    public CompletableFuture<Void> stopped() {
        return stopped.copy();
    }

    /** A new connection from a client, for a transport to feed its commands to. */
    public BrokerConnection connect(ClientChannel channel) throws JMSException {
        return broker.connect(channel);
    }

    /** The broker core, for tests of its own state (through the test sources' BrokerCore). */
    Broker broker() {
        return broker;
    }

    @Override
    public String toString() {
        return "EmbeddedBroker[" + name() + (isRunning() ? "" : ", stopped") + "]";
    }
}
