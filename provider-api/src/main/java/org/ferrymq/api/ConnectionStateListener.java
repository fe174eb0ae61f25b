package org.ferrymq.api;

/**
 * Hears when a FerryMQ connection loses its server and when it has reconnected. Over a
 * {@code tcp://} URL the client reconnects by itself (see the README, "Clients that survive
 * the server's restart"): between {@link #interrupted} and {@link #resumed} the application's
 * calls wait, and afterwards its sessions, consumers and producers work on the new connection
 * as before. The connection's {@link jakarta.jms.ExceptionListener} hears only the end: when
 * reconnection gives up.
 *
 * <p>Both methods are called on a thread of the client's own, one at a time and in order;
 * they must return promptly and must not call the connection (it is being rebuilt).
 */
public interface ConnectionStateListener {

    /** The connection to the server was lost; the client is reconnecting. */
    void interrupted(Exception cause);

    /**
     * The client has reconnected to {@code serverUrl} (one of the URL's servers, passwords
     * hidden) and rebuilt its sessions and consumers there.
     */
    void resumed(String serverUrl);
}
