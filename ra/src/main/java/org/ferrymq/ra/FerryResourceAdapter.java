package org.ferrymq.ra;

import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import javax.transaction.xa.XAResource;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.client.message.ObjectMessageFilter;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.transport.TransportFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FerryMQ in an application server. Unless {@link #setConnectionUrl connectionUrl} names a
 * FerryMQ server, the adapter runs an embedded broker named {@link #setBrokerName brokerName};
 * its journal is the container data source named by {@link #setJournalDataSource
 * journalDataSource}, or else an H2 file database under the server's data directory. Every
 * outbound connection, every MDB activation and the recovery connection reach the broker,
 * embedded or remote, through {@link #connectionUrl()}. The adapter's own connections, an
 * activation's and recovery's, log in as {@link #setUserName UserName} (an activation may name
 * a user of its own); without one, as the user of {@code connectionUrl}, if it names one.
 *
 * <p>The embedded broker starts on first use (a connection, an activation or a recovery scan),
 * after the server has bound its data sources, and stops with the adapter. With a
 * {@code connectionUrl} the adapter starts no broker; an activation whose server is away
 * waits for it (see {@link InboundActivation}).
 */
public class FerryResourceAdapter implements ResourceAdapter, Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FerryResourceAdapter.class);

    private String brokerName = "ferrymq";
    private String journalDataSource;
    private String dataDirectory;
    private String brokerProperties;
    private String connectionUrl;
    private String userName;
    private String password;

    private transient EmbeddedBroker broker;
    private transient Map<MessageEndpointFactory, InboundActivation> activations;
    /** The connection the server's recovery manager works through: independent of any application handle. */
    private transient XAConnection recoveryConnection;
    /** Its one session, whose resource every recovery pass gets: a pass runs every few minutes, forever. */
    private transient XASession recoverySession;

    // ---- configuration (JavaBean properties of ra.xml) ----

    public String getBrokerName() {
        return brokerName;
    }

    /** The embedded broker's name; the adapter's connections use {@code vm://<brokerName>}. Default {@code ferrymq}. */
    public void setBrokerName(String brokerName) {
        this.brokerName = brokerName;
    }

    public String getJournalDataSource() {
        return journalDataSource;
    }

    /** The JNDI name of a container data source for the journal; none means an H2 file under {@link #setDataDirectory}. */
    public void setJournalDataSource(String journalDataSource) {
        this.journalDataSource = journalDataSource;
    }

    public String getDataDirectory() {
        return dataDirectory;
    }

    /**
     * Where the default H2 journal lives. Default {@code <server data directory>/ferrymq}: WildFly's
     * {@code jboss.server.data.dir}, Payara's {@code com.sun.aas.instanceRoot}, else the working directory.
     */
    public void setDataDirectory(String dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    public String getBrokerProperties() {
        return brokerProperties;
    }

    /**
     * More broker settings, {@code key=value} separated by {@code ;}, as in a broker configuration file;
     * a journal setting here ({@code journal=memory}, {@code journalUrl=...}) wins over the two above.
     */
    public void setBrokerProperties(String brokerProperties) {
        this.brokerProperties = brokerProperties;
    }

    public String getConnectionUrl() {
        return connectionUrl;
    }

    /**
     * A FerryMQ server's URL, e.g. {@code tcp://broker.example.com:61616} (with {@code user} and
     * {@code password} parameters for the adapter's own connections when the server requires
     * them): the adapter then starts no embedded broker and ignores the four settings above.
     * Empty (the default): the embedded broker.
     */
    public void setConnectionUrl(String connectionUrl) {
        this.connectionUrl = connectionUrl;
    }

    public String getUserName() {
        return userName;
    }

    /**
     * The user the adapter's own connections log in as: the recovery connection's, and an
     * activation's that names no {@code user} of its own. Empty (the default): the user of
     * {@link #setConnectionUrl connectionUrl}, if any; else none, for a broker that requires none.
     * Not used by connection factories, which have {@code UserName} of their own.
     */
    public void setUserName(String userName) {
        this.userName = userName;
    }

    public String getPassword() {
        return password;
    }

    /** The password of {@link #setUserName UserName}; never logged. */
    public void setPassword(String password) {
        this.password = password;
    }

    /** Whether the adapter uses a FerryMQ server rather than its embedded broker. */
    boolean isRemote() {
        return connectionUrl != null && !connectionUrl.isBlank();
    }

    /** The broker the adapter uses, as a log line may name it (without passwords). */
    String shownUrl() {
        return isRemote() ? ConnectionUrl.parse(connectionUrl).toString() : "vm://" + brokerName;
    }

    // ---- life cycle ----

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        if (isRemote()) {
            checkConnectionUrl();
        }
        if (!given(userName) && password != null) {
            throw new ResourceAdapterInternalException("FerryMQ resource adapter property Password is set but UserName "
                    + "is not; set UserName to the name the password belongs to");
        }
        activations = new ConcurrentHashMap<>();
        if (isRemote()) {
            LOG.info("FerryMQ resource adapter started; it uses the FerryMQ server at {}", shownUrl());
        } else {
            LOG.info("FerryMQ resource adapter started; broker '{}' starts on first use", brokerName);
        }
    }

    /** Refuses a connectionUrl the adapter cannot use, naming the setting and what it takes. */
    private void checkConnectionUrl() throws ResourceAdapterInternalException {
        ConnectionUrl url;
        try {
            url = ConnectionUrl.parse(connectionUrl);
            TransportFactory.providerFor(url);
        } catch (IllegalArgumentException e) {
            throw new ResourceAdapterInternalException("FerryMQ resource adapter property ConnectionUrl: "
                    + e.getMessage(), e);
        }
        if (url.scheme().equals("vm")) {
            throw new ResourceAdapterInternalException("FerryMQ resource adapter property ConnectionUrl is '" + url
                    + "', a broker in this JVM; name a FerryMQ server (tcp://HOST:PORT), or leave ConnectionUrl "
                    + "empty for the adapter's embedded broker (BrokerName, JournalDataSource, DataDirectory, "
                    + "BrokerProperties)");
        }
        if (url.clientId() != null) {
            throw new ResourceAdapterInternalException("FerryMQ resource adapter property ConnectionUrl '" + url
                    + "' sets clientID, which every connection of the adapter would then share; set ClientId on the "
                    + "connection definition or clientId on the activation instead");
        }
        if (given(journalDataSource) || given(dataDirectory) || given(brokerProperties)) {
            LOG.warn("FerryMQ resource adapter: ConnectionUrl is set, so JournalDataSource, DataDirectory and "
                    + "BrokerProperties (settings of the embedded broker) are ignored; configure the server instead");
        }
    }

    @Override
    public void stop() {
        if (activations != null) {
            activations.values().forEach(InboundActivation::stop);
            activations.clear();
        }
        synchronized (this) {
            closeRecoveryConnection();
            if (broker != null) {
                broker.stop();
                broker = null;
            }
        }
        LOG.info("FerryMQ resource adapter stopped");
    }

    static boolean given(String setting) {
        return setting != null && !setting.isBlank();
    }

    /** The URL every connection of the adapter uses; an embedded broker is running when this returns. */
    String connectionUrl() throws ResourceException {
        if (isRemote()) {
            return connectionUrl.trim();
        }
        ensureBroker();
        return "vm://" + brokerName;
    }

    /**
     * {@link #connectionUrl()} with a connection factory's or an activation's ObjectMessage
     * lists added, where given: they win over the lists of the URL itself.
     */
    String connectionUrl(String objectMessageAllowList, String objectMessageDenyList) throws ResourceException {
        StringBuilder url = new StringBuilder(connectionUrl());
        addParameter(url, ObjectMessageFilter.ALLOW_LIST, objectMessageAllowList);
        addParameter(url, ObjectMessageFilter.DENY_LIST, objectMessageDenyList);
        return url.toString();
    }

    /**
     * Opens a connection of the adapter's own to {@code url}, as {@code user}; with no user, as
     * the URL's user if it names one (else without a user name).
     */
    static XAConnection openConnection(String url, String user, String password) throws JMSException {
        FerryXAConnectionFactory factory = new FerryXAConnectionFactory(url);
        return given(user) ? factory.createXAConnection(user, password) : factory.createXAConnection();
    }

    /**
     * Whom a connection of the adapter's own logs in as, for a message: {@code user} and the
     * property it came from, or the user of {@code connectionUrl}, or none.
     */
    String loginShown(String user, String property) {
        if (given(user)) {
            return "as user '" + user + "' (" + property + ")";
        }
        return urlUser() != null ? "as user '" + urlUser() + "' (the user parameter of ConnectionUrl)"
                : "without a user name";
    }

    /** The user {@code connectionUrl} names, if any: the adapter's connections log in as it when they name none. */
    String urlUser() {
        String user = isRemote() ? ConnectionUrl.parse(connectionUrl).user() : null;
        return given(user) ? user : null;
    }

    private static void addParameter(StringBuilder url, String key, String value) {
        if (given(value)) {
            url.append(url.indexOf("?") < 0 ? '?' : '&').append(key).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    private synchronized void ensureBroker() throws ResourceException {
        if (broker != null) {
            if (broker.isRunning()) {
                return;
            }
            // stopped by itself (its journal failed): vm://brokerName would otherwise start one without our journal
            LOG.warn("FerryMQ broker '{}' has stopped; the resource adapter starts it again", brokerName);
            broker.stop(); // returns once it has let go of its journal and its name
            broker = null;
        }
        if (EmbeddedBroker.running(brokerName).isPresent()) {
            throw new ResourceAdapterInternalException("FerryMQ broker '" + brokerName + "' is already running in "
                    + "this server outside the adapter; give the adapter another brokerName");
        }
        BrokerConfig config = new BrokerConfig(brokerName);
        if (journalDataSource != null && !journalDataSource.isBlank()) {
            config.journalDataSource(lookupDataSource(journalDataSource));
        } else {
            config.dataDirectory(defaultDataDirectory());
        }
        // after the journal, so that brokerProperties may choose another (journal=memory for tests)
        if (brokerProperties != null) {
            for (String pair : brokerProperties.split(";")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq < 1) {
                    throw new ResourceAdapterInternalException("brokerProperties entry '" + pair.trim()
                            + "' is not key=value; separate entries with ';'");
                }
                config.set(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        try {
            broker = EmbeddedBroker.start(config);
        } catch (JMSException | IllegalArgumentException e) {
            throw new ResourceAdapterInternalException("FerryMQ broker '" + brokerName + "' could not start: "
                    + e.getMessage(), e);
        }
    }

    private static DataSource lookupDataSource(String name) throws ResourceException {
        try {
            Object found = new InitialContext().lookup(name);
            if (found instanceof DataSource dataSource) {
                return dataSource;
            }
            throw new ResourceAdapterInternalException("journalDataSource '" + name + "' names a "
                    + (found == null ? "null" : found.getClass().getName()) + ", not a javax.sql.DataSource");
        } catch (NamingException e) {
            throw new ResourceAdapterInternalException("journalDataSource '" + name
                    + "' is not bound in JNDI; define the data source in the server or remove the setting", e);
        }
    }

    private Path defaultDataDirectory() {
        if (dataDirectory != null && !dataDirectory.isBlank()) {
            return Path.of(dataDirectory);
        }
        String wildfly = System.getProperty("jboss.server.data.dir");
        if (wildfly != null) {
            return Path.of(wildfly, "ferrymq");
        }
        String payara = System.getProperty("com.sun.aas.instanceRoot");
        if (payara != null) {
            return Path.of(payara, "ferrymq");
        }
        return Path.of("ferrymq-data");
    }

    // ---- inbound ----

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        if (!(spec instanceof FerryActivationSpec ferrySpec)) {
            throw new ResourceException("FerryMQ cannot activate an endpoint with " + spec.getClass().getName()
                    + "; use org.ferrymq.ra.FerryActivationSpec");
        }
        ferrySpec.validate();
        InboundActivation activation = new InboundActivation(this, factory, ferrySpec);
        activation.start();
        activations.put(factory, activation);
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        InboundActivation activation = activations.remove(factory);
        if (activation != null) {
            activation.stop();
        }
    }

    // ---- recovery ----

    /**
     * One resource on a connection of the adapter's own, so the server's recovery manager can
     * list and complete in-doubt branches whether or not any application holds a handle. Every
     * pass (WildFly: one per activation, every two minutes) gets the same resource; a
     * connection lost between passes is opened again on the next.
     */
    @Override
    public synchronized XAResource[] getXAResources(ActivationSpec[] specs) throws ResourceException {
        try {
            if (recoverySession == null) {
                closeRecoveryConnection();
                XAConnection connection = openConnection(connectionUrl(), userName, password);
                recoveryConnection = connection;
                connection.setExceptionListener(e -> recoveryConnectionLost(connection));
                recoverySession = connection.createXASession();
            }
            return new XAResource[] {recoverySession.getXAResource()};
        } catch (JMSSecurityException e) {
            closeRecoveryConnection();
            throw new jakarta.resource.spi.SecurityException("FerryMQ recovery could not log in to " + shownBroker()
                    + " " + loginShown(userName, "resource adapter property UserName") + ": " + e.getMessage()
                    + "; set the resource adapter properties UserName and Password to a user the broker knows", e);
        } catch (JMSException e) {
            closeRecoveryConnection();
            throw new ResourceAdapterInternalException("FerryMQ recovery could not reach " + shownBroker() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The broker the adapter uses, for a message: "the server at URL" or "broker 'NAME'". */
    String shownBroker() {
        return isRemote() ? "the server at " + shownUrl() : "broker '" + brokerName + "'";
    }

    private synchronized void recoveryConnectionLost(XAConnection lost) {
        if (recoveryConnection == lost) {
            closeRecoveryConnection();
        }
    }

    private void closeRecoveryConnection() {
        recoverySession = null; // closed with its connection
        if (recoveryConnection != null) {
            try {
                recoveryConnection.close();
            } catch (JMSException e) {
                LOG.debug("Closing the recovery connection: {}", e.getMessage());
            }
            recoveryConnection = null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FerryResourceAdapter other && Objects.equals(brokerName, other.brokerName)
                && Objects.equals(journalDataSource, other.journalDataSource)
                && Objects.equals(dataDirectory, other.dataDirectory)
                && Objects.equals(brokerProperties, other.brokerProperties)
                && Objects.equals(connectionUrl, other.connectionUrl) && Objects.equals(userName, other.userName)
                && Objects.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(brokerName, journalDataSource, dataDirectory, brokerProperties, connectionUrl, userName);
    }
}
