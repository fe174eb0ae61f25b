package org.ferrymq.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalOutcomeUnknownException;
import org.ferrymq.api.journal.JournalRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes journal batches from every session in as few database transactions as it can. One
 * thread takes whatever batches are waiting, writes them all in one transaction and commits
 * once; batches that arrive meanwhile form the next group. A lone batch is written at once,
 * with no timer, and under load groups grow by themselves.
 *
 * <p>Invariant: a batch's future completes only after the transaction holding it committed,
 * and batches commit in the order they were submitted. A group that fails, whatever the
 * failure, is rolled back and its statements discarded before the next group starts, so
 * nothing of a batch reported failed can commit with a later one. Failing before the commit
 * call is a plain {@link JournalException} (nothing is stored); a failure of the commit call
 * itself is a {@link JournalOutcomeUnknownException}, as the database may have committed.
 *
 * <p>An {@link Error} (an OutOfMemoryError copying a large body, say) ends the writer: the
 * connection is dropped, every batch held or waiting fails, later ones are refused, and
 * {@code dead} hears why, so that the broker stops instead of running on without a journal.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    /** Batches written in one transaction at most, to bound its size. */
    private static final int MAX_GROUP = 512;

    private record Pending(List<JournalRecord> records, CompletableFuture<Void> done) {}

    private final String name;
    private final DataSource dataSource;
    private final ConnectionFailures failures;
    private final long timeoutMillis;
    private final Consumer<JournalException> dead;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile JournalException fatal;

    private Connection connection;
    private RecordStatements statements;
    /** Set while the database is asked to commit: a failure then leaves the outcome unknown. */
    private boolean committing;

    /**
     * @param name the broker's name, for the thread and the log
     * @param dead told, once and on the writer's thread, that the writer stopped for good because of an Error
     */
    GroupCommitWriter(String name, DataSource dataSource, ConnectionFailures failures, long timeoutMillis,
            Consumer<JournalException> dead) {
        this.name = name;
        this.dataSource = dataSource;
        this.failures = failures;
        this.timeoutMillis = timeoutMillis;
        this.dead = dead;
        this.thread = new Thread(this::run, "ferrymq-" + name + "-journal");
        thread.setDaemon(true);
        thread.start();
    }

    CompletableFuture<Void> submit(List<JournalRecord> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        JournalException refused = fatal;
        if (refused != null) {
            done.completeExceptionally(refused);
        } else if (closed) {
            done.completeExceptionally(new JournalException("The journal is closed"));
        } else {
            queue.add(new Pending(records, done));
            if (fatal != null) {
                failWaiting(fatal); // the writer died meanwhile: nobody else will
            }
        }
        return done;
    }

    /** From now on every write fails with {@code reason} (the broker lost its lease, say). */
    void refuse(JournalException reason) {
        fatal = reason;
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                write(group);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } catch (Error e) {
                died(e, group);
                return;
            } finally {
                group.clear();
            }
        }
        failWaiting(new JournalException("The journal is closed"));
        disconnect();
    }

    private void write(List<Pending> group) {
        JournalException refused = fatal;
        if (refused != null) {
            group.forEach(p -> p.done.completeExceptionally(refused));
            return;
        }
        try {
            flushInOneTransaction(group);
        } catch (SQLException | RuntimeException e) {
            boolean connectionLost = e instanceof SQLException sql && failures.isConnectionFailure(sql);
            if (e instanceof RuntimeException) {
                LOG.error("Broker '{}': the journal writer failed unexpectedly writing {} batch(es); they are rolled "
                        + "back and reported failed", name, group.size(), e);
            }
            if (connectionLost) {
                disconnect(); // the next group starts on a fresh connection
            } else {
                rollback();
            }
            if (group.size() > 1 && !connectionLost) {
                // one bad batch must not fail the others that happened to share its transaction
                for (Pending p : group) {
                    write(List.of(p));
                }
                return;
            }
            JournalException failure = e instanceof SQLException sql
                    ? failures.describe("could not store " + group.size() + " batch(es)", sql)
                    : new JournalException("Journal of broker '" + name + "': could not store " + group.size()
                            + " batch(es): " + e, e);
            group.forEach(p -> p.done.completeExceptionally(failure));
            return;
        }
        try {
            commit();
        } catch (SQLException | RuntimeException e) {
            // the database may have committed before failing to say so: the connection's state
            // is unknown, so it goes, and the batches are neither done nor failed
            disconnect();
            JournalException unknown = new JournalOutcomeUnknownException("Journal database " + failures.database()
                    + ": the commit of " + group.size() + " batch(es) failed, so whether they were stored is "
                    + "unknown: " + (e instanceof SQLException sql ? failures.explain(sql) : e.toString()), e);
            LOG.warn("Broker '{}': {}; what they change is held as it is until the broker restarts and reads the "
                    + "outcome from the database", name, unknown.getMessage());
            group.forEach(p -> p.done.completeExceptionally(unknown));
            return;
        }
        group.forEach(p -> p.done.complete(null));
    }

    /** Executes the group's statements in the connection's transaction, without committing it. */
    private void flushInOneTransaction(List<Pending> group) throws SQLException {
        if (connection == null) {
            connect();
        }
        for (Pending p : group) {
            for (JournalRecord record : p.records) {
                statements.add(record);
            }
        }
        statements.flush();
    }

    private void commit() throws SQLException {
        committing = true;
        try {
            connection.commit();
        } finally {
            committing = false;
        }
    }

    /**
     * The writer stops for good: the connection goes (the database rolls back whatever of the
     * group reached it), every batch held or waiting fails, and later ones are refused.
     */
    private void died(Error error, List<Pending> group) {
        boolean inCommit = committing;
        String what = group.size() + " batch(es) it was writing";
        JournalException reason = inCommit
                ? new JournalOutcomeUnknownException("the journal writer failed with " + error + " while committing "
                        + what + ", which may or may not be stored, and stopped", error)
                : new JournalException("the journal writer failed with " + error + " and stopped; nothing of the "
                        + what + " was committed", error);
        fatal = reason;
        abandonConnection();
        group.forEach(p -> p.done.completeExceptionally(reason));
        failWaiting(reason);
        LOG.error("Broker '{}' stops: its journal writer failed with {} while writing {} batch(es), {}; restart the "
                + "broker (if the heap ran out, with a larger one)", name, error, group.size(),
                inCommit ? "whose commit may or may not have happened" : "which were rolled back", error);
        try {
            dead.accept(reason);
        } catch (RuntimeException | Error e) {
            LOG.error("Broker '{}' could not be told that its journal writer stopped: {}", name, e.toString());
        }
    }

    private void failWaiting(JournalException reason) {
        for (Pending p; (p = queue.poll()) != null; ) {
            p.done.completeExceptionally(reason);
        }
    }

    private static final Executor DIRECT = Runnable::run;

    /** A fresh connection for the writer; the fields are set only once it is ready to use. */
    private void connect() throws SQLException {
        Connection fresh = dataSource.getConnection();
        try {
            fresh.setAutoCommit(false);
            try {
                // a database that stops answering fails the write instead of hanging it; but a slow
                // one (a lock held, a long checkpoint) gets longer than the callers' journalTimeout,
                // so the write it is doing still settles there instead of being cut off as callers give up
                long networkTimeout = Math.max(timeoutMillis, BrokerLease.LEASE_MILLIS);
                fresh.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, networkTimeout));
            } catch (SQLFeatureNotSupportedException e) {
                // an embedded database has no network to time out
            }
        } catch (SQLException e) {
            fresh.close();
            throw e;
        }
        connection = fresh;
        statements = new RecordStatements(fresh);
    }

    /**
     * Rolls back a failed group. Its statements are dropped, not cleared: a batch that failed
     * half-way may still hold parameters the driver kept, which must not run with a later group.
     */
    private void rollback() {
        if (connection == null) {
            return;
        }
        statements.close();
        try {
            connection.rollback();
            statements = new RecordStatements(connection);
        } catch (SQLException | RuntimeException e) {
            statements = null;
            disconnect();
        }
    }

    /** Drops the connection after an Error, rolling back first: a driver may commit on close. */
    private void abandonConnection() {
        try {
            if (connection != null) {
                connection.rollback();
            }
        } catch (Throwable e) {
            // the connection goes anyway; without a commit its work is not durable
        }
        try {
            disconnect();
        } catch (Throwable e) {
            connection = null;
            statements = null;
        }
    }

    private void disconnect() {
        if (statements != null) {
            statements.close();
            statements = null;
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // it is broken already
            }
            connection = null;
        }
    }

    /** Writes what was submitted before, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(timeoutMillis + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
