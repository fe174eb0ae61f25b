package org.ferrymq.ra;

import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.transport.tcp.TcpAcceptor;
import org.ferrymq.transport.tcp.TcpSettings;

/**
 * A FerryMQ server in the test's JVM, as the standalone server runs one: a broker with an H2
 * journal in a directory of the test's, listening on a fixed port of 127.0.0.1. It can be
 * stopped and started again on the same port and journal, as a server that went away and came
 * back.
 */
final class TcpBroker implements AutoCloseable {

    private final String name = "ra-remote-" + UUID.randomUUID();
    private final Path dataDirectory;
    private final int port;
    /** The broker's users, {@code user:password,...}; null: none, anybody gets in. */
    private String users;
    private EmbeddedBroker broker;
    private TcpAcceptor acceptor;

    /** A server on a port that was free a moment ago; not started. */
    TcpBroker(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
        try (ServerSocket free = new ServerSocket(0)) {
            this.port = free.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From the next start on, only these users get in ({@code user:password,...}), as with the users file of a server. */
    TcpBroker users(String users) {
        this.users = users;
        return this;
    }

    TcpBroker start() throws JMSException {
        BrokerConfig config = new BrokerConfig(name).dataDirectory(dataDirectory);
        if (users != null) {
            config.set(BrokerConfig.USERS, users);
        }
        broker = EmbeddedBroker.start(config);
        try {
            acceptor = TcpAcceptor.start(broker, "127.0.0.1", port, TcpSettings.DEFAULTS);
        } catch (JMSException e) {
            broker.stop();
            broker = null;
            throw e;
        }
        return this;
    }

    /** Stops listening, drops every client connection and stops the broker. */
    void stop() {
        if (acceptor != null) {
            acceptor.close();
            acceptor = null;
        }
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
