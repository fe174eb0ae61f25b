package org.ferrymq.transport.failover;

import java.util.Properties;

/**
 * How a client reconnects, from its URL's parameters, checked when read:
 * {@code reconnectAttempts} (rounds over the servers after a loss; -1 for ever, 0 for never),
 * {@code reconnectDelay} (milliseconds before the second round, doubling each round) and
 * {@code maxReconnectDelay} (the most it grows to).
 *
 * <p>The defaults ride out a server's restart of up to about two minutes (30 rounds: 0.1, 0.2,
 * 0.4 ... seconds, then every 5 seconds), then report the loss: an application that hangs for
 * ever on a server that never comes back helps nobody, and one that wants that can say -1.
 */
public record FailoverSettings(int reconnectAttempts, long reconnectDelayMillis, long maxReconnectDelayMillis) {

    public static final String RECONNECT_ATTEMPTS = "reconnectAttempts";
    public static final String RECONNECT_DELAY = "reconnectDelay";
    public static final String MAX_RECONNECT_DELAY = "maxReconnectDelay";

    public static final int DEFAULT_RECONNECT_ATTEMPTS = 30;
    public static final long DEFAULT_RECONNECT_DELAY_MILLIS = 100;
    public static final long DEFAULT_MAX_RECONNECT_DELAY_MILLIS = 5_000;

    public FailoverSettings {
        if (reconnectAttempts < -1) {
            throw new IllegalArgumentException(RECONNECT_ATTEMPTS + " is " + reconnectAttempts
                    + "; use -1 (for ever), 0 (never reconnect) or a number of rounds over the servers (default "
                    + DEFAULT_RECONNECT_ATTEMPTS + ")");
        }
        if (reconnectDelayMillis < 1) {
            throw new IllegalArgumentException(RECONNECT_DELAY + " is " + reconnectDelayMillis
                    + "; use a positive number of milliseconds (default " + DEFAULT_RECONNECT_DELAY_MILLIS + ")");
        }
        if (maxReconnectDelayMillis < reconnectDelayMillis) {
            throw new IllegalArgumentException(MAX_RECONNECT_DELAY + " is " + maxReconnectDelayMillis
                    + " ms, less than " + RECONNECT_DELAY + " (" + reconnectDelayMillis + " ms); use at least that "
                    + "(default " + DEFAULT_MAX_RECONNECT_DELAY_MILLIS + ")");
        }
    }

    /** The settings among a URL's parameters; missing ones take their defaults. */
    public static FailoverSettings from(Properties parameters) {
        long attempts = number(parameters, RECONNECT_ATTEMPTS, DEFAULT_RECONNECT_ATTEMPTS);
        return new FailoverSettings(
                (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, attempts)),
                number(parameters, RECONNECT_DELAY, DEFAULT_RECONNECT_DELAY_MILLIS),
                number(parameters, MAX_RECONNECT_DELAY, DEFAULT_MAX_RECONNECT_DELAY_MILLIS));
    }

    /** Whether the client reconnects at all. */
    public boolean reconnects() {
        return reconnectAttempts != 0;
    }

    /** Whether a round numbered {@code round} (from 1) may still be tried. */
    boolean mayTry(int round) {
        return reconnectAttempts < 0 || round <= reconnectAttempts;
    }

    /** The wait after round {@code round} (from 1) failed: reconnectDelay doubling up to maxReconnectDelay. */
    long delayAfter(int round) {
        long delay = reconnectDelayMillis;
        for (int i = 1; i < round && delay < maxReconnectDelayMillis; i++) {
            delay *= 2;
        }
        return Math.min(delay, maxReconnectDelayMillis);
    }

    private static long number(Properties parameters, String key, long defaultValue) {
        String value = parameters.getProperty(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is '" + value + "'; use a whole number (default "
                    + defaultValue + ")");
        }
    }
}
