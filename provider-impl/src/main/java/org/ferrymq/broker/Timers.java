package org.ferrymq.broker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The broker's timed work: delayed deliveries, retries, XA branch timeouts.
 *
 * <p>The timer thread never waits for the journal: timed work that may wait for it (an XA
 * branch's timeout) is only handed over, when due, to a thread of its own, so a database outage
 * cannot hold up unrelated timers. Nothing runs once the broker is closed.
 */
final class Timers {

    /** Runs timed work that never waits for the journal: delayed deliveries above all. */
    private final ScheduledThreadPoolExecutor scheduler;
    /** Runs timed work that may wait for the journal, each task on a thread of its own. */
    private final ExecutorService journalWork;

    Timers(String brokerName) {
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads(brokerName + "-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.journalWork = Executors.newCachedThreadPool(daemonThreads(brokerName + "-journal-work"));
    }

    /** Threads named {@code ferrymq-<name>} that do not keep the JVM alive. */
    static ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, "ferrymq-" + name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs a task after a delay unless cancelled first; nothing runs once the broker is closed. */
    ScheduledFuture<?> scheduleCancellable(long delayMillis, Runnable task) {
        try {
            return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the broker is closing
        }
    }

    /**
     * As {@link #scheduleCancellable}, for a task that may wait for the journal: when due, the
     * scheduler only hands it over to a thread of its own, and runs the next timer at once.
     */
    ScheduledFuture<?> scheduleJournalWork(long delayMillis, Runnable task) {
        return scheduleCancellable(delayMillis, () -> {
            try {
                journalWork.execute(task);
            } catch (RejectedExecutionException e) {
                // the broker is closing
            }
        });
    }

    /**
     * Runs a task at a time; it must not wait for the journal (see {@link #scheduleJournalWork}).
     * Once the broker is closed the task is dropped: what it would have done ends with the broker.
     */
    void schedule(long atMillis, Runnable task) {
        scheduleCancellable(Math.max(0, atMillis - System.currentTimeMillis()), task);
    }

    /**
     * Stops the timers: nothing scheduled runs any more. Timed work already running is left to
     * end on its own, never interrupted: it may be reading the journal, and an interrupted
     * database read can break more than itself (H2 closes its database).
     */
    void close() {
        scheduler.shutdownNow();
        journalWork.shutdown();
    }
}
