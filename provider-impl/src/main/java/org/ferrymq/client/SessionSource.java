package org.ferrymq.client;

import jakarta.jms.Connection;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

/**
 * What a {@link FerryJMSContext} works through, and all that differs between the two places
 * a context lives: in an application of its own ({@link StandaloneSessionSource}: a session
 * of the context's own on a connection it shares with the contexts made from it) and in a
 * Jakarta EE container (the resource adapter's: a pooled connection's session, enlisted in
 * the JTA transaction, with the container's refusals of Jakarta Messaging 3.1, section 12.2).
 *
 * <p>The context keeps the rest: its closed state (no method here is called once it is
 * closed, but {@link #close}, once), autoStart, and the simplified API over the session.
 * A refusal is a checked {@link JMSException}, which the context turns into its runtime twin.
 */
public interface SessionSource {

    /** The connection under the context: its getClientID, getMetaData and start go here. */
    Connection connection();

    /** Makes the context's session; called once, when the context first needs it. */
    Session createSession() throws JMSException;

    /**
     * The producer without a destination through which the context's JMSProducers send, on
     * {@code session}; kept for the next send or made again, as the source's rules require.
     */
    FerryMessageProducer producer(Session session) throws JMSException;

    /** {@link jakarta.jms.JMSContext#getSessionMode()}: fixed, or following the JTA transaction of the moment. */
    int sessionMode() throws JMSException;

    /** {@link jakarta.jms.JMSContext#acknowledge()} on the context's session, once it has one. */
    void acknowledge(Session session) throws JMSException;

    /** The JMSConsumer over a consumer the context's session just made. */
    JMSConsumer consumer(MessageConsumer consumer);

    /** The source of another context on this connection, for {@link jakarta.jms.JMSContext#createContext(int)}. */
    SessionSource another(int sessionMode) throws JMSException;

    default void setClientID(String clientID) throws JMSException {
        connection().setClientID(clientID);
    }

    default ExceptionListener getExceptionListener() throws JMSException {
        return connection().getExceptionListener();
    }

    default void setExceptionListener(ExceptionListener listener) throws JMSException {
        connection().setExceptionListener(listener);
    }

    default void stop() throws JMSException {
        connection().stop();
    }

    /** Closes the context's session, {@code null} if it never made one, and lets go of the connection. */
    void close(Session session) throws JMSException;
}
