package org.ferrymq.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How long a failed login waits before it is answered: {@link #FIRST_DELAY_MILLIS} after the
 * first failure of a user name from a remote address, doubling with each further failure up to
 * {@link #MAX_DELAY_MILLIS}; a success, or {@link #FORGET_AFTER_MILLIS} without failures,
 * starts again. Guessing a password over one address is then slow, and a user who mistyped
 * once hardly notices. Until a failure's delay has passed, its address and user are
 * {@link #lockedOut}: a login of theirs is refused without its password being checked, so that
 * guesses sent at once (on parallel connections, or pipelined on one) are not checked at once.
 *
 * <p>At most {@link #MAX_TRACKED} address and user pairs are remembered, so that someone
 * trying many names cannot fill the memory; past that a new pair waits the longest delay.
 */
final class LoginThrottle {

    static final long FIRST_DELAY_MILLIS = 500;
    static final long MAX_DELAY_MILLIS = 5_000;
    static final long FORGET_AFTER_MILLIS = TimeUnit.MINUTES.toMillis(15);
    static final int MAX_TRACKED = 10_000;

    /** Failures in a row of one pair, when the last one was, and when its delay ends (System.nanoTime). */
    private record Failures(int count, long lastNanos, long untilNanos) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    /** Counts a failure; answers how many milliseconds it waits before it is answered. */
    long failed(String address, String user) {
        long now = System.nanoTime();
        String key = key(address, user);
        if (!failures.containsKey(key) && failures.size() >= MAX_TRACKED) {
            failures.values().removeIf(f -> forgotten(f, now));
            if (failures.size() >= MAX_TRACKED) {
                return MAX_DELAY_MILLIS;
            }
        }
        Failures counted = failures.merge(key, new Failures(1, now, now + nanos(delay(1))),
                (old, first) -> forgotten(old, now) ? first
                        : new Failures(old.count() + 1, now, now + nanos(delay(old.count() + 1))));
        return delay(counted.count());
    }

    /** Whether the delay of a failure of this pair has not yet passed: no login of theirs is checked then. */
    boolean lockedOut(String address, String user) {
        Failures f = failures.get(key(address, user));
        return f != null && System.nanoTime() - f.untilNanos() < 0;
    }

    /** A success: the pair starts again at the first delay. */
    void succeeded(String address, String user) {
        failures.remove(key(address, user));
    }

    /** The wait after the {@code count}th failure in a row. */
    static long delay(int count) {
        return count > 4 ? MAX_DELAY_MILLIS : Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << (count - 1));
    }

    private static boolean forgotten(Failures f, long now) {
        return now - f.lastNanos() > nanos(FORGET_AFTER_MILLIS);
    }

    private static long nanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static String key(String address, String user) {
        return address + '\u0000' + user;
    }
}
