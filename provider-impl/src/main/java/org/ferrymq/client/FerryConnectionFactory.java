package org.ferrymq.client;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import java.io.Serializable;
import javax.naming.NamingException;
import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;
import org.ferrymq.jndi.FerryObjectFactory;
import org.ferrymq.protocol.Transport;
import org.ferrymq.transport.TransportFactory;

/**
 * Creates connections to the broker a URL names. One factory serves the unified API and
 * the queue and topic domains, and the simplified API ({@link JMSContext}).
 *
 * <p>The URL's scheme chooses the transport ({@link TransportFactory}): {@code vm://NAME}
 * starts (or joins) an embedded broker in this JVM. URL parameters
 * {@code clientID}, {@code user}, {@code password}, {@code prefetch}, {@code largeMessageThreshold},
 * {@code objectMessageAllowList}, {@code objectMessageDenyList} and {@code duplicateDetection} configure the
 * connections, and any other parameter
 * configures the embedded broker.
 */
public class FerryConnectionFactory implements ConnectionFactory, QueueConnectionFactory, TopicConnectionFactory,
        Serializable, Referenceable {

    private static final long serialVersionUID = 1L;

    private final String url;
    private transient ConnectionUrl parsed;

    /**
     * @throws IllegalArgumentException if the URL is malformed, one of its client parameters
     *     is out of range, or no transport serves its scheme
     */
    public FerryConnectionFactory(String url) {
        this.parsed = ConnectionUrl.parse(url);
        TransportFactory.providerFor(parsed); // refuses an unknown scheme now, not at the first connection
        this.url = parsed.url();
    }

    public String getUrl() {
        return url;
    }

    ConnectionUrl parsedUrl() {
        if (parsed == null) {
            parsed = ConnectionUrl.parse(url);
        }
        return parsed;
    }

    @Override
    public Connection createConnection() throws JMSException {
        return connect(parsedUrl().user(), parsedUrl().password(), FerryConnection.Domain.UNIFIED);
    }

    @Override
    public Connection createConnection(String user, String password) throws JMSException {
        return connect(user, password, FerryConnection.Domain.UNIFIED);
    }

    @Override
    public QueueConnection createQueueConnection() throws JMSException {
        return connect(parsedUrl().user(), parsedUrl().password(), FerryConnection.Domain.QUEUE);
    }

    @Override
    public QueueConnection createQueueConnection(String user, String password) throws JMSException {
        return connect(user, password, FerryConnection.Domain.QUEUE);
    }

    @Override
    public TopicConnection createTopicConnection() throws JMSException {
        return connect(parsedUrl().user(), parsedUrl().password(), FerryConnection.Domain.TOPIC);
    }

    @Override
    public TopicConnection createTopicConnection(String user, String password) throws JMSException {
        return connect(user, password, FerryConnection.Domain.TOPIC);
    }

    @Override
    public JMSContext createContext() {
        return createContext(parsedUrl().user(), parsedUrl().password(), JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return createContext(userName, password, JMSContext.AUTO_ACKNOWLEDGE);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return createContext(parsedUrl().user(), parsedUrl().password(), sessionMode);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        FerryJMSContext.checkSessionMode(sessionMode);
        try {
            return new FerryJMSContext(connect(userName, password, FerryConnection.Domain.UNIFIED), sessionMode);
        } catch (JMSException e) {
            throw JmsExceptions.toRuntime(e);
        }
    }

    FerryConnection connect(String user, String password, FerryConnection.Domain domain) throws JMSException {
        ConnectionUrl u = parsedUrl();
        FerryConnection connection = new FerryConnection(transport(), u.prefetch(), u.objectMessageFilter(),
                u.duplicateDetection(), domain);
        connection.largeMessageThreshold = u.largeMessageThreshold();
        return FerryConnection.open(connection, user, password, u.clientId());
    }

    /** A new transport to the URL's broker, of the kind its scheme names. */
    Transport transport() throws JMSException {
        return TransportFactory.create(parsedUrl());
    }

    @Override
    public Reference getReference() throws NamingException {
        Reference ref = new Reference(getClass().getName(), FerryObjectFactory.class.getName(), null);
        ref.add(new UrlRefAddr(url));
        return ref;
    }

    /** The URL in a factory's Reference: the whole URL to rebuild the factory, shown without its secrets. */
    private static final class UrlRefAddr extends StringRefAddr {

        private static final long serialVersionUID = 1L;

        UrlRefAddr(String url) {
            super(FerryObjectFactory.URL, url);
        }

        @Override
        public String toString() {
            return "Address Type: " + getType() + "\nAddress Contents: "
                    + ConnectionUrl.withoutPasswords((String) getContent()) + "\n";
        }
    }

    /** Shows the URL without its passwords. */
    @Override
    public String toString() {
        return "FerryConnectionFactory[" + parsedUrl() + "]";
    }
}
