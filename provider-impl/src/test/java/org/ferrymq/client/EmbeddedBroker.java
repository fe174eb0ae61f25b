package org.ferrymq.client;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.util.UUID;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh embedded broker per test, reached through a real {@code vm://} factory, and the
 * connections and contexts the test opened, closed afterwards.
 */
final class EmbeddedBroker implements AfterEachCallback {

    private final String parameters;
    private String name;
    private FerryConnectionFactory factory;
    private final Opened opened = new Opened();

    EmbeddedBroker() {
        this("");
    }

    EmbeddedBroker(String parameters) {
        this.parameters = parameters;
    }

    FerryConnectionFactory factory() {
        if (factory == null) {
            name = "test-" + UUID.randomUUID();
            factory = new FerryConnectionFactory("vm://" + name + (parameters.isEmpty() ? "" : "?" + parameters));
        }
        return factory;
    }

    /** Another factory for the same broker, with other connection parameters. */
    FerryConnectionFactory factory(String connectionParameters) {
        factory();
        return new FerryConnectionFactory("vm://" + name + "?" + connectionParameters);
    }

    Connection connection() throws JMSException {
        return track(factory().createConnection());
    }

    Connection startedConnection() throws JMSException {
        Connection connection = connection();
        connection.start();
        return connection;
    }

    <C extends AutoCloseable> C track(C closeable) {
        return opened.track(closeable);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        opened.closeAll();
        if (name != null) {
            org.ferrymq.server.EmbeddedBroker.stop(name);
        }
        name = null;
        factory = null;
    }
}
