package org.ferrymq.api;

/**
 * Implemented by every FerryMQ {@link jakarta.jms.Connection}: cast a connection to this
 * interface to follow its interruptions and resumptions, with nothing but provider-api on
 * the compile path.
 */
public interface ObservableConnection {

    /** Replaces the connection's state listener; null removes it. */
    void setConnectionStateListener(ConnectionStateListener listener);

    ConnectionStateListener getConnectionStateListener();
}
