package org.ferrymq.transport.failover;

import jakarta.jms.JMSException;
import java.nio.file.Path;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.transport.tcp.TcpAcceptor;
import org.ferrymq.transport.tcp.TcpSettings;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A FerryMQ server in this JVM (a broker with an H2 journal on disk and a TCP acceptor on
 * 127.0.0.1) that a test can kill and start again on the same port with the same data, and
 * the connections the test opened; everything is closed after each test.
 */
final class RestartableServer implements AfterEachCallback {

    private final String name = "failover-" + UUID.randomUUID();
    private final Opened opened = new Opened();
    private Path data;
    private int port;
    private EmbeddedBroker broker;
    private TcpAcceptor acceptor;

    RestartableServer start(Path dataDirectory) throws JMSException {
        this.data = dataDirectory;
        broker = EmbeddedBroker.start(new BrokerConfig(name).dataDirectory(data));
        acceptor = TcpAcceptor.start(broker, "127.0.0.1", port, TcpSettings.DEFAULTS);
        port = acceptor.port(); // the first start picks a free port; restarts take the same one
        return this;
    }

    /** Starts the server again, on its port, with its data. */
    RestartableServer restart() throws JMSException {
        return start(data);
    }

    /** The server goes away: its sockets close, its broker stops. */
    void kill() {
        acceptor.close();
        broker.stop();
    }

    /** Only the sockets close: the broker keeps running and the server listens again at once. */
    void dropConnections() throws JMSException {
        acceptor.close();
        acceptor = TcpAcceptor.start(broker, "127.0.0.1", port, TcpSettings.DEFAULTS);
    }

    int port() {
        return port;
    }

    String address() {
        return "tcp://127.0.0.1:" + port;
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
        if (broker != null && broker.isRunning()) {
            broker.stop();
        }
    }
}
