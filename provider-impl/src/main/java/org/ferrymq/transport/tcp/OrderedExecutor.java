package org.ferrymq.transport.tcp;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection's commands one at a time, in arrival order, on a shared pool: a
 * command that waits for the journal holds up its own connection only, never Netty's I/O
 * thread or another connection. A connection without work holds no thread. A command that
 * never waits may instead run in the caller's thread when nothing of the connection is queued
 * or running ({@link #runIfIdle}), which spares it the hand-off to a pool thread.
 *
 * <p>Invariant: while no drain runs, no task is queued.
 */
final class OrderedExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedExecutor.class);

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    OrderedExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the acceptor is shutting down: the connection's last commands (its close) still run
            drain();
        }
    }

    /**
     * Runs {@code task} now, in this thread, if no earlier task of this executor is queued or
     * running, and returns true; otherwise leaves it and returns false (the caller then
     * {@link #execute}s it, behind the others). Tasks handed to {@link #execute} meanwhile run
     * after it, on the pool.
     */
    boolean runIfIdle(Runnable task) {
        synchronized (tasks) {
            if (running) {
                return false;
            }
            running = true;
        }
        try {
            task.run();
        } catch (Throwable e) { // as in drain(): the connection's next command must still run
            LOG.error("A command of a TCP connection failed unexpectedly: {}", e.toString(), e);
        } finally {
            boolean more;
            synchronized (tasks) {
                more = !tasks.isEmpty();
                running = more;
            }
            if (more) {
                try {
                    pool.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    drain();
                }
            }
        }
        return true;
    }

    private void drain() {
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
            } catch (Throwable e) { // the next command must still run, or the connection hangs
                LOG.error("A command of a TCP connection failed unexpectedly: {}", e.toString(), e);
            }
        }
    }
}
