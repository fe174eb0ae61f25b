package org.ferrymq.transport.tcp;

import jakarta.jms.JMSException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.protocol.Transport;
import org.ferrymq.transport.TransportProvider;

/**
 * {@code tcp://HOST:PORT?heartbeat=MS&maxFrameSize=BYTES&connectTimeout=MS&ssl=true&trustStore=PATH...}:
 * a FerryMQ server reached over TCP, or TLS (see {@link TcpSettings} and {@link TlsSettings}
 * for the parameters and their defaults).
 */
public final class TcpTransportProvider implements TransportProvider {

    @Override
    public Transport create(ConnectionUrl url) throws JMSException {
        if (url.servers().size() > 1) {
            throw new JMSException("Connection URL '" + url + "' lists " + url.servers().size()
                    + " servers; this FerryMQ connects to one server per tcp:// URL");
        }
        String address = url.name();
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new JMSException("Connection URL '" + url + "' names no port; use tcp://HOST:PORT, e.g. "
                    + "tcp://localhost:61616");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) { // an IPv6 address
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new JMSException("Connection URL '" + url + "' has the port '" + address.substring(colon + 1)
                    + "'; use a port from 1 to 65535, e.g. tcp://localhost:61616");
        }
        TcpSettings settings;
        TlsSettings tls;
        try {
            Map<String, String> parameters = parameters(url.brokerParameters());
            settings = TcpSettings.from(parameters);
            tls = TlsSettings.from(parameters);
        } catch (IllegalArgumentException e) {
            throw new JMSException("Connection URL '" + url + "': " + e.getMessage());
        }
        return TcpTransport.connect(host, port, settings, tls);
    }

    private static Map<String, String> parameters(Properties properties) {
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key)));
        return map;
    }
}
