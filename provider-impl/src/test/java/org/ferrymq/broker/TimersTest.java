package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The broker's timers: work scheduled while the broker closes is dropped, never thrown back at the caller. */
class TimersTest {

    @Test
    void taskScheduledAtATimeRunsThen() throws Exception {
        Timers timers = new Timers("timers-test");
        try {
            CountDownLatch ran = new CountDownLatch(1);
            timers.schedule(System.currentTimeMillis() + 10, ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS), "the task did not run");
        } finally {
            timers.close();
        }
    }

    @Test
    void taskScheduledAfterCloseIsDroppedWithoutFailingItsCaller() throws Exception {
        Timers timers = new Timers("timers-test");
        timers.close();
        AtomicBoolean ran = new AtomicBoolean();
        // a send that routes a delayed message while the broker closes must not fail for it
        assertDoesNotThrow(() -> timers.schedule(System.currentTimeMillis(), () -> ran.set(true)));
        Thread.sleep(100);
        assertFalse(ran.get(), "a task ran after the timers were closed");
    }
}
