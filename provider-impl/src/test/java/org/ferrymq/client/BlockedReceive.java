package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/**
 * Waits until a thread is blocked in a consumer's receive: a close that comes earlier would
 * find no receive to wake, and the receive would then throw instead of returning null.
 */
final class BlockedReceive {

    private BlockedReceive() {
    }

    static void await(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!blockedInReceive(thread)) {
            assertTrue(System.nanoTime() < deadline, () -> "the receiving thread did not block in receive() within "
                    + "30 s: " + thread.getState() + " at " + Arrays.toString(thread.getStackTrace()));
            Thread.sleep(5);
        }
    }

    private static boolean blockedInReceive(Thread thread) {
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        // waiting inside the consumer: there it waits for a delivery
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(FerryMessageConsumer.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
