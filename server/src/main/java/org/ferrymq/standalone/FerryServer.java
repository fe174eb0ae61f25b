package org.ferrymq.standalone;

import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.journal.JournalUrls;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.transport.tcp.TcpAcceptor;
import org.ferrymq.transport.tcp.TcpSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server: a broker with the settings of {@code etc/broker.properties}, listening
 * for clients on TCP, until it is stopped (SIGTERM, {@code bin/ferrymq stop}, Ctrl-C) or its
 * journal fails beyond repair. Stopping is clean: it stops listening and closes its clients,
 * then the broker finishes its journal writes and releases its lease.
 */
public final class FerryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FerryServer.class);

    /** Exit status when the settings are wrong or the server cannot start. */
    static final int CANNOT_START = 2;
    /** Exit status when the broker stopped by itself (its journal failed). */
    static final int BROKER_FAILED = 1;

    /** How often the settings file is looked at for changes, in milliseconds. */
    static final long SETTINGS_CHECK_MILLIS = 2000;

    private final EmbeddedBroker broker;
    private final TcpAcceptor acceptor;
    /** The health over HTTP; null when setting {@code http} is not set. */
    private final HealthEndpoint health;
    /** The settings file and the distribution's directory, when the server was started from a file. */
    private Path settingsFile;
    private Path home;
    private FileTime settingsRead;

    private FerryServer(EmbeddedBroker broker, TcpAcceptor acceptor, HealthEndpoint health) {
        this.broker = broker;
        this.acceptor = acceptor;
        this.health = health;
    }

    /**
     * From now on, {@link #settingsChanged} reads {@code file} again when it changes and applies
     * its destination policies to the running broker.
     */
    void watchSettings(Path file, Path home) throws IOException {
        this.settingsFile = file;
        this.home = home;
        this.settingsRead = Files.getLastModifiedTime(file);
    }

    /**
     * Reads the settings file again if it changed since it was last read, and hands its
     * destination policies ({@code destination.*}, {@code maxDeliveryAttempts},
     * {@code deadLetterQueue}) to the running broker; the other settings take effect at the next
     * start. A file that cannot be read or is wrong is logged, and the policies stay as they were.
     * Answers whether the policies changed.
     */
    synchronized boolean settingsChanged() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(settingsFile);
        } catch (IOException e) {
            return false; // being replaced this instant, or gone: the settings read last stay
        }
        if (modified.equals(settingsRead)) {
            return false;
        }
        settingsRead = modified;
        try {
            broker.updateDestinationPolicies(ServerSettings.from(read(settingsFile), home).broker());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("FerryMQ cannot apply its changed settings file {}, and keeps the destination policies it had: {}",
                    settingsFile.toAbsolutePath(), e.getMessage());
            return false;
        }
        LOG.info("FerryMQ read its changed settings file {}: the destination policies (destination.*, "
                + "maxDeliveryAttempts, deadLetterQueue) apply now; other settings take effect at the next start",
                settingsFile.toAbsolutePath());
        return true;
    }

    /**
     * Starts the broker (opening and recovering its journal), then listens. With setting
     * {@code http}, the health endpoint answers first, not ready until the broker listens.
     */
    static FerryServer start(ServerSettings settings) throws JMSException {
        HealthEndpoint health = null;
        if (settings.http() != null) {
            try {
                health = HealthEndpoint.start(settings.http().getHost(), settings.http().getPort());
            } catch (IOException e) {
                throw new JMSException(e.getMessage());
            }
        }
        try {
            FerryServer server = start(settings, health);
            if (health != null) {
                health.ready();
                LOG.info("FerryMQ answers its health on http://{}:{}{} and {}", settings.http().getHost(), health.port(),
                        HealthEndpoint.LIVE, HealthEndpoint.READY);
            }
            return server;
        } catch (JMSException | RuntimeException e) {
            if (health != null) {
                health.close();
            }
            throw e;
        }
    }

    private static FerryServer start(ServerSettings settings, HealthEndpoint health) throws JMSException {
        TcpSettings tcp;
        try {
            Map<String, String> listener = new HashMap<>();
            settings.listener().forEach((k, v) -> listener.put((String) k, (String) v));
            tcp = TcpSettings.from(listener);
        } catch (IllegalArgumentException e) {
            throw new JMSException("Server setting " + e.getMessage());
        }
        EmbeddedBroker broker = EmbeddedBroker.start(settings.broker());
        TcpAcceptor acceptor;
        try {
            acceptor = TcpAcceptor.start(broker, settings.host(), settings.port(), tcp, settings.tls());
        } catch (JMSException | RuntimeException e) {
            broker.stop();
            throw e;
        }
        FerryServer server = new FerryServer(broker, acceptor, health);
        LOG.info("FerryMQ {} started: broker '{}', listening on tcp://{}:{} ({}), journal {}", version(),
                broker.name(), settings.host(), acceptor.port(), settings.tls(), journal(settings.broker()));
        return server;
    }

    /** The port clients connect to. */
    int port() {
        return acceptor.port();
    }

    /** The port of the health endpoint; -1 without one. */
    int httpPort() {
        return health == null ? -1 : health.port();
    }

    EmbeddedBroker broker() {
        return broker;
    }

    /** Stops listening, closes the clients, then stops the broker cleanly. */
    @Override
    public void close() {
        if (health != null) {
            health.notReady("the server is stopping");
        }
        acceptor.close();
        broker.stop();
        if (health != null) {
            health.close();
        }
        LOG.info("FerryMQ stopped: broker '{}'", broker.name());
    }

    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : "etc/broker.properties");
        Path home = Path.of(System.getProperty("ferrymq.home", ".")).toAbsolutePath();
        FerryServer server;
        try {
            server = start(ServerSettings.from(read(file), home));
        } catch (IllegalArgumentException | JMSException | IOException e) {
            LOG.error("FerryMQ cannot start with {}: {}", file.toAbsolutePath(), e.getMessage());
            System.exit(CANNOT_START);
            return;
        }
        try {
            server.watchSettings(file, home);
            ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "ferrymq-settings-watch");
                thread.setDaemon(true);
                return thread;
            });
            watcher.scheduleWithFixedDelay(server::settingsChanged, SETTINGS_CHECK_MILLIS, SETTINGS_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            LOG.warn("FerryMQ will not notice changes to {}: {}", file.toAbsolutePath(), e.getMessage());
        }
        Thread stopper = new Thread(server::close, "ferrymq-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        server.broker.stopped().join();
        if (!server.acceptor.isClosed()) {
            // the broker stopped by itself (its journal failed); the reason is in the log above
            LOG.error("FerryMQ broker '{}' stopped by itself; the server exits", server.broker.name());
            if (server.health != null) {
                server.health.notReady("the broker stopped by itself: its journal failed");
            }
            server.acceptor.close();
            System.exit(BROKER_FAILED);
        }
    }

    private static Properties read(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IOException("cannot read the settings file: " + e.getMessage(), e);
        }
        return properties;
    }

    private static String version() {
        String version = FerryServer.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    /** Where the journal is, without its password. */
    static String journal(BrokerConfig config) {
        if (config.journalKind() == BrokerConfig.JournalKind.MEMORY) {
            return "in memory (nothing survives a stop)";
        }
        if (config.journalUrl() == null) {
            return "H2 file " + config.dataDirectory().toAbsolutePath().resolve(config.name() + ".mv.db");
        }
        return JournalUrls.shown(config.journalUrl())
                + (config.journalUser() == null ? "" : " as " + config.journalUser());
    }
}
