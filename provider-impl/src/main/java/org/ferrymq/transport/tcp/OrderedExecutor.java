package org.ferrymq.transport.tcp;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection's commands one at a time, in arrival order, on a shared pool: a
 * command that waits for the journal holds up its own connection only, never Netty's I/O
 * thread or another connection. A connection without work holds no thread.
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
