package org.ferrymq.client;

import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one session's callbacks (message listeners, completion listeners) one at a time, in
 * submission order, on a pool shared by all sessions of the JVM. A session holds a thread
 * only while it has work, so idle consumers cost no threads.
 *
 * <p>Invariant: whatever a task throws, {@code Error}s included, the tasks after it still run;
 * a failed task never leaves {@code running} set with nobody draining, which would leave the
 * session's later callbacks, and every close() or commit() waiting for them, stuck for good.
 */
final class SerialExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private static final AtomicLong THREADS = new AtomicLong();
    private static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "ferrymq-session-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    private volatile Thread current;

    void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        POOL.execute(this::drain);
    }

    private void drain() {
        current = Thread.currentThread();
        try {
            while (true) {
                Runnable task;
                synchronized (tasks) {
                    task = tasks.poll();
                    if (task == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("Session callback failed", e);
                } catch (Throwable e) {
                    // an Error (out of memory, stack overflow, a failed assertion) is reported loudly, never swallowed
                    LOG.error("Session callback failed with {}; the session carries on with its next callback",
                            e.toString(), e);
                }
            }
        } finally {
            current = null;
        }
    }

    boolean isCurrentThread() {
        return current == Thread.currentThread();
    }

    /** Waits until everything submitted so far has run (not to be called from the executor itself). */
    void awaitIdle() throws InterruptedException {
        if (isCurrentThread()) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        execute(done::countDown);
        done.await();
    }
}
