package org.ferrymq.transport.invm;

import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.broker.Broker;
import org.ferrymq.client.ConnectionUrl;

/**
 * The embedded brokers of this JVM, by name. The first {@code vm://NAME} URL used starts
 * broker NAME with that URL's settings; every later URL naming it shares that broker.
 */
public final class InVmBrokers {

    private static final Map<String, Broker> BROKERS = new ConcurrentHashMap<>();

    private InVmBrokers() {
    }

    /** The broker a {@code vm://} URL names, started now if it is not running. */
    public static Broker brokerFor(ConnectionUrl url) throws JMSException {
        Broker broker = BROKERS.get(url.name());
        if (broker != null) {
            return broker;
        }
        synchronized (BROKERS) {
            broker = BROKERS.get(url.name());
            if (broker == null) {
                broker = Broker.start(configFor(url));
                BROKERS.put(url.name(), broker);
            }
            return broker;
        }
    }

    /** Registers a broker started by the application so that {@code vm://NAME} reaches it. */
    public static void register(Broker broker) {
        if (BROKERS.putIfAbsent(broker.name(), broker) != null) {
            throw new IllegalStateException("An embedded broker named '" + broker.name() + "' is already running");
        }
    }

    /** Stops the named embedded broker, if running. */
    public static void stop(String name) {
        Broker broker = BROKERS.remove(name);
        if (broker != null) {
            broker.close();
        }
    }

    static BrokerConfig configFor(ConnectionUrl url) throws JMSException {
        Properties settings = new Properties();
        Properties parameters = url.brokerParameters();
        String file = (String) parameters.remove(ConnectionUrl.CONFIG);
        if (file != null) {
            settings.putAll(readConfigFile(file));
        }
        settings.putAll(parameters); // URL parameters win over the file
        try {
            return BrokerConfig.fromProperties(url.name(), settings);
        } catch (IllegalArgumentException e) {
            throw new JMSException("Embedded broker URL " + url + ": " + e.getMessage());
        }
    }

    private static Properties readConfigFile(String location) throws JMSException {
        Properties properties = new Properties();
        try (InputStream in = open(location)) {
            properties.load(in);
        } catch (IOException e) {
            throw new JMSException("Cannot read broker configuration file '" + location + "': " + e.getMessage());
        }
        return properties;
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length());
            InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("no resource '" + resource + "' on the classpath");
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }
}
