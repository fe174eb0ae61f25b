package org.ferrymq.client;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

/**
 * The session source of a context made by {@link FerryConnectionFactory} (or
 * {@link FerryXAConnectionFactory}): one connection, shared with every context made from it by
 * {@code createContext(int)}, and one session of the context's own.
 *
 * <p>Invariant: the connection closes exactly when the last open context that shares it
 * closes.
 */
final class StandaloneSessionSource implements SessionSource {

    private final SharedConnection shared;
    private final int sessionMode;
    /** Whether the session is an XA session (the source of an XAJMSContext). */
    private final boolean xa;
    /** Made on the first send, and kept: the session never changes. */
    private FerryMessageProducer producer;

    /** The source of a context that owns a new connection. */
    StandaloneSessionSource(FerryConnection connection, int sessionMode, boolean xa) {
        this(new SharedConnection(connection), sessionMode, xa);
    }

    private StandaloneSessionSource(SharedConnection shared, int sessionMode, boolean xa) {
        this.shared = shared;
        this.sessionMode = sessionMode;
        this.xa = xa;
    }

    @Override
    public Connection connection() {
        return shared.connection;
    }

    @Override
    public Session createSession() throws JMSException {
        return xa ? ((FerryXAConnection) shared.connection).createXASession()
                : shared.connection.createSession(sessionMode);
    }

    @Override
    public synchronized FerryMessageProducer producer(Session session) throws JMSException {
        if (producer == null) {
            producer = (FerryMessageProducer) session.createProducer(null);
        }
        return producer;
    }

    @Override
    public int sessionMode() {
        return sessionMode;
    }

    @Override
    public void acknowledge(Session session) throws JMSException {
        ((FerrySession) session).acknowledgeAll();
    }

    @Override
    public JMSConsumer consumer(MessageConsumer consumer) {
        return new FerryJMSConsumer((FerryMessageConsumer) consumer);
    }

    /** A context of its own on this connection: not an XA one, even from an XAJMSContext. */
    @Override
    public SessionSource another(int sessionMode) {
        FerryJMSContext.checkSessionMode(sessionMode);
        shared.acquire();
        return new StandaloneSessionSource(shared, sessionMode, false);
    }

    @Override
    public void close(Session session) throws JMSException {
        JMSException failure = null;
        try {
            if (session != null) {
                session.close();
            }
        } catch (JMSException e) {
            failure = e;
        }
        try {
            shared.release();
        } catch (JMSException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return shared.connection + ", session mode " + sessionMode;
    }

    /** A connection and the number of open contexts using it; the last one to go closes it. */
    private static final class SharedConnection {

        final FerryConnection connection;
        private int openContexts = 1;

        SharedConnection(FerryConnection connection) {
            this.connection = connection;
        }

        synchronized void acquire() {
            if (openContexts == 0) {
                throw new IllegalStateRuntimeException("The connection of this JMSContext is closed");
            }
            openContexts++;
        }

        void release() throws JMSException {
            synchronized (this) {
                if (--openContexts > 0) {
                    return;
                }
            }
            connection.close();
        }
    }
}
