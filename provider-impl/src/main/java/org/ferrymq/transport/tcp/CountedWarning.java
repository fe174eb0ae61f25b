package org.ferrymq.transport.tcp;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Counts the clients a server turned away for one reason, logging each at debug and warning at
 * most once a minute, with how many there were since the last warning: a flood of such
 * clients must not flood the log. The first one warns at once.
 */
final class CountedWarning {

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final String what;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong sinceWarning = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

    /** {@code what} completes "N clients ...", e.g. "closed for not completing the hello". */
    CountedWarning(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    void count(SocketAddress client, String detail) {
        total.incrementAndGet();
        long unwarned = sinceWarning.incrementAndGet();
        log.debug("Client {} {}: {}", client, what, detail);
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            sinceWarning.addAndGet(-unwarned);
            log.warn("{} client(s) {} since the last such warning (at most one a minute), the latest {}: {}",
                    unwarned, what, client, detail);
        }
    }

    /** How many were counted since the server started. */
    long total() {
        return total.get();
    }
}
