package org.ferrymq.client;

import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one session's callbacks (message listeners, completion listeners) one at a time, in
 * submission order, on a pool shared by all sessions of the JVM. A session holds a thread
 * only while it has work, so idle consumers cost no threads.
 */
final class SerialExecutor {

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
                    org.slf4j.LoggerFactory.getLogger(SerialExecutor.class).warn("Session callback failed", e);
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
