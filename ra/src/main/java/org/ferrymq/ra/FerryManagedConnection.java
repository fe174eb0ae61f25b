package org.ferrymq.ra;

import jakarta.jms.JMSException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import jakarta.resource.spi.ResourceAdapterInternalException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.client.FerryXASession;
import org.ferrymq.protocol.XidData;

/**
 * One pooled physical connection: an XA connection to the broker and its single XA session,
 * which every application handle on it works through (Jakarta EE allows one session per
 * connection). In a JTA transaction the server enlists {@link #getXAResource}; a resource-local
 * transaction is an XA branch of the same session committed in one phase.
 */
final class FerryManagedConnection implements ManagedConnection {

    private final FerryManagedConnectionFactory factory;
    private final Credentials credentials;
    private final jakarta.jms.XAConnection physical;
    private final FerryXASession session;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ConnectionHandle> handles = new CopyOnWriteArrayList<>();
    private volatile boolean broken;
    private PrintWriter logWriter;

    FerryManagedConnection(FerryManagedConnectionFactory factory, Credentials credentials, String url)
            throws ResourceException {
        this.factory = factory;
        this.credentials = credentials;
        try {
            physical = new FerryXAConnectionFactory(url).createXAConnection(credentials.user(), credentials.password());
            if (credentials.clientId() != null && !credentials.clientId().isBlank()) {
                physical.setClientID(credentials.clientId());
            }
            physical.setExceptionListener(this::connectionFailed);
            session = (FerryXASession) physical.createXASession();
        } catch (JMSException e) {
            throw new ResourceAdapterInternalException("FerryMQ could not open a connection for " + credentials + ": "
                    + e.getMessage(), e);
        }
    }

    FerryManagedConnectionFactory factory() {
        return factory;
    }

    Credentials credentials() {
        return credentials;
    }

    boolean isValid() {
        return !broken;
    }

    jakarta.jms.XAConnection physical() {
        return physical;
    }

    FerryXASession session() {
        return session;
    }

    // ---- handles ----

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        ConnectionHandle handle = new ConnectionHandle(this);
        handles.add(handle);
        return handle;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof ConnectionHandle handle)) {
            throw new ResourceException("Not a FerryMQ connection handle: " + connection);
        }
        handle.owner().handles.remove(handle);
        handle.reassign(this);
        handles.add(handle);
    }

    /** An application closed its handle: the server may pool this connection again. */
    void handleClosed(ConnectionHandle handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        listeners.forEach(l -> l.connectionClosed(event));
    }

    /** The physical connection failed: the server is told, and must not hand this connection out again. */
    void connectionFailed(JMSException cause) {
        broken = true;
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, cause);
        listeners.forEach(l -> l.connectionErrorOccurred(event));
    }

    /** Back to the pool: every handle and what it created is closed; the physical session stays. */
    @Override
    public void cleanup() throws ResourceException {
        try {
            for (ConnectionHandle handle : new ArrayList<>(handles)) {
                handle.invalidate();
            }
        } catch (JMSException e) {
            throw new ResourceAdapterInternalException("Cleaning up a FerryMQ connection: " + e.getMessage(), e);
        } finally {
            handles.clear();
        }
    }

    @Override
    public void destroy() throws ResourceException {
        cleanup();
        try {
            physical.close();
        } catch (JMSException e) {
            throw new ResourceAdapterInternalException("Closing a FerryMQ connection: " + e.getMessage(), e);
        }
    }

    // ---- transactions ----

    @Override
    public XAResource getXAResource() {
        return session.getXAResource();
    }

    @Override
    public LocalTransaction getLocalTransaction() {
        return new LocalTransaction() {
            private XidData xid;

            @Override
            public void begin() throws ResourceException {
                UUID id = UUID.randomUUID();
                xid = new XidData(0x46524C54, ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                        .putLong(id.getLeastSignificantBits()).array(), new byte[] {1});
                xa(() -> getXAResource().start(xid, XAResource.TMNOFLAGS));
            }

            @Override
            public void commit() throws ResourceException {
                xa(() -> {
                    getXAResource().end(xid, XAResource.TMSUCCESS);
                    getXAResource().commit(xid, true);
                });
            }

            @Override
            public void rollback() throws ResourceException {
                xa(() -> {
                    getXAResource().end(xid, XAResource.TMSUCCESS);
                    getXAResource().rollback(xid);
                });
            }
        };
    }

    private interface XaCall {
        void run() throws XAException;
    }

    private static void xa(XaCall call) throws ResourceException {
        try {
            call.run();
        } catch (XAException e) {
            throw new LocalTransactionException("FerryMQ local transaction: " + e.getMessage() + " (XA code "
                    + e.errorCode + ")", e);
        }
    }

    // ---- the rest of the contract ----

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "FerryMQ";
            }

            @Override
            public String getEISProductVersion() {
                try {
                    return physical.getMetaData().getProviderVersion();
                } catch (JMSException e) {
                    return "unknown";
                }
            }

            @Override
            public int getMaxConnections() {
                return 0;
            }

            @Override
            public String getUserName() {
                return credentials.user();
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }
}
