package org.ferrymq.transport.tcp;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A broker with an H2 journal in a temporary directory, listening on a free port of
 * 127.0.0.1, and the connections a test opened to it; everything is closed after each test.
 */
final class TcpServer implements AfterEachCallback {

    private EmbeddedBroker broker;
    private String name;
    private Path dataDirectory;
    private TcpSettings settings;
    private TlsSettings tls;
    private UnaryOperator<BrokerConfig> configure;
    private TcpAcceptor acceptor;
    private final Opened opened = new Opened();

    TcpServer start(Path dataDirectory, TcpSettings settings, UnaryOperator<BrokerConfig> configure)
            throws JMSException {
        return start(dataDirectory, settings, TlsSettings.NONE, configure);
    }

    TcpServer start(Path dataDirectory, TcpSettings settings, TlsSettings tls, UnaryOperator<BrokerConfig> configure)
            throws JMSException {
        name = "tcp-" + UUID.randomUUID();
        this.dataDirectory = dataDirectory;
        this.settings = settings;
        this.tls = tls;
        this.configure = configure;
        broker = EmbeddedBroker.start(configure.apply(new BrokerConfig(name).dataDirectory(dataDirectory)));
        acceptor = TcpAcceptor.start(broker, "127.0.0.1", 0, settings, tls);
        return this;
    }

    /**
     * Stops the broker and starts it again on the same journal, listening on a new port: the
     * connections made so far are lost.
     */
    TcpServer restart() throws JMSException {
        acceptor.close();
        broker.close();
        broker = EmbeddedBroker.start(configure.apply(new BrokerConfig(name).dataDirectory(dataDirectory)));
        acceptor = TcpAcceptor.start(broker, "127.0.0.1", 0, settings, tls);
        return this;
    }

    TcpServer start(Path dataDirectory) throws JMSException {
        return start(dataDirectory, TcpSettings.DEFAULTS, config -> config);
    }

    int port() {
        return acceptor.port();
    }

    TcpAcceptor acceptor() {
        return acceptor;
    }

    EmbeddedBroker broker() {
        return broker;
    }

    String url(String parameters) {
        return "tcp://127.0.0.1:" + port() + (parameters.isEmpty() ? "" : "?" + parameters);
    }

    FerryConnectionFactory factory() {
        return new FerryConnectionFactory(url(""));
    }

    Connection startedConnection() throws JMSException {
        Connection connection = track(factory().createConnection());
        connection.start();
        return connection;
    }

    <C extends AutoCloseable> C track(C closeable) {
        return opened.track(closeable);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        opened.closeAll();
        if (acceptor != null) {
            acceptor.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
