package org.ferrymq.transport.failover;

import jakarta.jms.JMSException;
import java.util.List;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.protocol.Transport;
import org.ferrymq.transport.TransportProvider;
import org.ferrymq.transport.tcp.TcpTransportProvider;

/**
 * {@code tcp://HOST:PORT[,tcp://HOST:PORT...]?reconnectAttempts=N&reconnectDelay=MS&maxReconnectDelay=MS}:
 * a FerryMQ server, or one of several, reached over TCP by a {@link FailoverTransport} that
 * reconnects when the connection is lost. Every tcp:// URL reconnects unless it says
 * {@code reconnectAttempts=0}; then a URL naming one server gets a plain TCP transport.
 */
public final class FailoverTransportProvider implements TransportProvider {

    private final TcpTransportProvider tcp = new TcpTransportProvider();

    @Override
    public Transport create(ConnectionUrl url) throws JMSException {
        FailoverSettings settings;
        List<ConnectionUrl> servers;
        try {
            settings = FailoverSettings.from(url.brokerParameters());
            servers = url.servers();
        } catch (IllegalArgumentException e) {
            JMSException failure = new JMSException("Connection URL '" + url + "': " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        if (!settings.reconnects() && servers.size() == 1) {
            return tcp.create(servers.get(0));
        }
        for (ConnectionUrl server : servers) {
            if (!server.scheme().equals("tcp")) {
                throw new JMSException("Connection URL '" + url + "' lists the server '" + server + "'; every server "
                        + "of a tcp:// URL must be a tcp://HOST:PORT too");
            }
        }
        return FailoverTransport.connect(servers, settings, tcp::create);
    }
}
