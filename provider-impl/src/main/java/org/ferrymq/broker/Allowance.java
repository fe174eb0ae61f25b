package org.ferrymq.broker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of one kind of thing a client holds, kept within a limit: a slot is taken before the
 * thing is made, so that clients making them at once never pass the limit together, and given
 * back when the thing goes, or when making it failed. Never more slots are given back than taken.
 */
final class Allowance {

    private final AtomicInteger taken = new AtomicInteger();

    /** Takes a slot if fewer than {@code limit} are taken; false, taking none, otherwise. */
    boolean take(int limit) {
        for (;;) {
            int now = taken.get();
            if (now >= limit) {
                return false;
            }
            if (taken.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void giveBack() {
        taken.decrementAndGet();
    }
}
