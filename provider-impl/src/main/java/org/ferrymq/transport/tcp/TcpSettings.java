package org.ferrymq.transport.tcp;

import java.util.Map;

/**
 * The settings of one side of a TCP connection, checked when made: the heartbeat period
 * ({@code heartbeat}, milliseconds, 0 for none) and the largest frame this side accepts
 * ({@code maxFrameSize}, bytes). The same keys serve as URL parameters on the client and as
 * server settings. A server also closes a client that has not completed its hello within
 * {@code handshakeTimeout} (milliseconds); a client gives up on a server after
 * {@code connectTimeout}.
 */
public record TcpSettings(int heartbeatMillis, int maxFrameSize, int connectTimeoutMillis, int handshakeTimeoutMillis) {

    public static final String HEARTBEAT = "heartbeat";
    public static final String MAX_FRAME_SIZE = "maxFrameSize";
    public static final String CONNECT_TIMEOUT = "connectTimeout";
    public static final String HANDSHAKE_TIMEOUT = "handshakeTimeout";

    public static final int DEFAULT_HEARTBEAT_MILLIS = 5_000;
    public static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
    /** A client's hello is a few bytes sent at once; ten seconds is room for a slow network, not for a loris. */
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Smaller frames could not carry a message with a few headers. */
    public static final int MIN_MAX_FRAME_SIZE = 1024;
    /** Silence for this many heartbeat periods ends a connection. */
    static final int SILENT_PERIODS = 3;

    public static final TcpSettings DEFAULTS =
            new TcpSettings(DEFAULT_HEARTBEAT_MILLIS, DEFAULT_MAX_FRAME_SIZE, DEFAULT_CONNECT_TIMEOUT_MILLIS,
                    DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);

    public TcpSettings {
        if (heartbeatMillis < 0) {
            throw new IllegalArgumentException(HEARTBEAT + " is " + heartbeatMillis
                    + "; use a period in milliseconds, or 0 for no heartbeats (default " + DEFAULT_HEARTBEAT_MILLIS + ")");
        }
        if (maxFrameSize < MIN_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException(MAX_FRAME_SIZE + " is " + maxFrameSize + "; use at least "
                    + MIN_MAX_FRAME_SIZE + " bytes (default " + DEFAULT_MAX_FRAME_SIZE + ")");
        }
        if (connectTimeoutMillis < 1) {
            throw new IllegalArgumentException(CONNECT_TIMEOUT + " is " + connectTimeoutMillis
                    + "; use a positive number of milliseconds (default " + DEFAULT_CONNECT_TIMEOUT_MILLIS + ")");
        }
        if (handshakeTimeoutMillis < 1) {
            throw new IllegalArgumentException(HANDSHAKE_TIMEOUT + " is " + handshakeTimeoutMillis
                    + "; use a positive number of milliseconds (default " + DEFAULT_HANDSHAKE_TIMEOUT_MILLIS + ")");
        }
    }

    /**
     * The settings among {@code parameters} (other keys are left alone for others to read);
     * missing ones take their defaults. A value that is not a number fails with a message
     * naming the key.
     */
    public static TcpSettings from(Map<String, String> parameters) {
        return new TcpSettings(
                number(parameters, HEARTBEAT, DEFAULT_HEARTBEAT_MILLIS),
                number(parameters, MAX_FRAME_SIZE, DEFAULT_MAX_FRAME_SIZE),
                number(parameters, CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT_MILLIS),
                number(parameters, HANDSHAKE_TIMEOUT, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS));
    }

    public TcpSettings withHeartbeatMillis(int millis) {
        return new TcpSettings(millis, maxFrameSize, connectTimeoutMillis, handshakeTimeoutMillis);
    }

    public TcpSettings withMaxFrameSize(int bytes) {
        return new TcpSettings(heartbeatMillis, bytes, connectTimeoutMillis, handshakeTimeoutMillis);
    }

    public TcpSettings withHandshakeTimeoutMillis(int millis) {
        return new TcpSettings(heartbeatMillis, maxFrameSize, connectTimeoutMillis, millis);
    }

    private static int number(Map<String, String> parameters, String key, int defaultValue) {
        String value = parameters.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is '" + value + "'; use a whole number (default "
                    + defaultValue + ")");
        }
    }
}
