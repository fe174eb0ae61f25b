package org.ferrymq.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;
import jakarta.resource.spi.security.PasswordCredential;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Subject;

/**
 * Outbound connections to the adapter's broker. The server pools the managed connections it
 * makes (each a physical XA connection with its one XA session) and hands applications
 * {@link ConnectionFactoryHandle}s; a pooled connection is reused only for the same user,
 * password and client ID.
 */
public class FerryManagedConnectionFactory implements ManagedConnectionFactory, ValidatingManagedConnectionFactory,
        ResourceAdapterAssociation, TransactionSupport {

    private static final long serialVersionUID = 1L;

    private transient FerryResourceAdapter adapter;
    private transient PrintWriter logWriter;
    private String userName;
    private String password;
    private String clientId;
    private String objectMessageAllowList;
    private String objectMessageDenyList;

    public String getUserName() {
        return userName;
    }

    /** The user of connections made without credentials. */
    public void setUserName(String userName) {
        this.userName = userName;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getClientId() {
        return clientId;
    }

    /** The client ID of every connection from this factory (for durable subscriptions). */
    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getObjectMessageAllowList() {
        return objectMessageAllowList;
    }

    /** Classes and packages ({@code com.example.*}) an ObjectMessage of these connections may hold, besides the JDK's. */
    public void setObjectMessageAllowList(String objectMessageAllowList) {
        this.objectMessageAllowList = objectMessageAllowList;
    }

    public String getObjectMessageDenyList() {
        return objectMessageDenyList;
    }

    /** Classes and packages an ObjectMessage of these connections may never hold, even if allowed. */
    public void setObjectMessageDenyList(String objectMessageDenyList) {
        this.objectMessageDenyList = objectMessageDenyList;
    }

    @Override
    public Object createConnectionFactory(ConnectionManager manager) {
        return new ConnectionFactoryHandle(this, manager);
    }

    /** Outside a server: each connection is made directly, without pooling or transactions, and closed with its handle. */
    @Override
    public Object createConnectionFactory() {
        return new ConnectionFactoryHandle(this, new NonManagedConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        Credentials credentials = credentials(subject, info);
        return new FerryManagedConnection(this, credentials,
                adapter().connectionUrl(objectMessageAllowList, objectMessageDenyList));
    }

    /** Who a connection is for: the container's credential for this factory, else the application's, else the factory's. */
    Credentials credentials(Subject subject, ConnectionRequestInfo info) {
        if (subject != null) {
            for (PasswordCredential credential : subject.getPrivateCredentials(PasswordCredential.class)) {
                if (equals(credential.getManagedConnectionFactory())) {
                    return new Credentials(credential.getUserName(), new String(credential.getPassword()), clientId);
                }
            }
        }
        if (info instanceof Credentials requested && requested.user() != null) {
            return new Credentials(requested.user(), requested.password(), clientId);
        }
        return new Credentials(userName, password, clientId);
    }

    @Override
    public ManagedConnection matchManagedConnections(@SuppressWarnings("rawtypes") Set connections, Subject subject,
            ConnectionRequestInfo info) {
        Credentials wanted = credentials(subject, info);
        for (Object candidate : connections) {
            if (candidate instanceof FerryManagedConnection mc && equals(mc.factory()) && mc.credentials().equals(wanted)
                    && mc.isValid()) {
                return mc;
            }
        }
        return null;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Set getInvalidConnections(Set connections) {
        Set invalid = new HashSet<>();
        for (Object candidate : connections) {
            if (candidate instanceof FerryManagedConnection mc && !mc.isValid()) {
                invalid.add(mc);
            }
        }
        return invalid;
    }

    @Override
    public TransactionSupportLevel getTransactionSupport() {
        return TransactionSupportLevel.XATransaction;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return adapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof FerryResourceAdapter ferry)) {
            throw new ResourceException("A FerryMQ connection factory belongs to the FerryMQ resource adapter, not "
                    + (ra == null ? "none" : ra.getClass().getName()));
        }
        this.adapter = ferry;
    }

    private FerryResourceAdapter adapter() throws ResourceException {
        if (adapter == null) {
            throw new ResourceException("This FerryMQ connection factory is not associated with the resource adapter; "
                    + "deploy it as part of ferrymq-ra.rar");
        }
        return adapter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FerryManagedConnectionFactory other && Objects.equals(userName, other.userName)
                && Objects.equals(password, other.password) && Objects.equals(clientId, other.clientId)
                && Objects.equals(objectMessageAllowList, other.objectMessageAllowList)
                && Objects.equals(objectMessageDenyList, other.objectMessageDenyList)
                && Objects.equals(adapter, other.adapter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userName, password, clientId);
    }
}
