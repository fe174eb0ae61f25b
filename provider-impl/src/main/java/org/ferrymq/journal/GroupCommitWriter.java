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
import javax.sql.DataSource;
import org.ferrymq.api.journal.JournalException;
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
 * and batches commit in the order they were submitted.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    /** Batches written in one transaction at most, to bound its size. */
    private static final int MAX_GROUP = 512;

    private record Pending(List<JournalRecord> records, CompletableFuture<Void> done) {}

    private final DataSource dataSource;
    private final ConnectionFailures failures;
    private final long timeoutMillis;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile JournalException fatal;

    private Connection connection;
    private RecordStatements statements;

    GroupCommitWriter(String name, DataSource dataSource, ConnectionFailures failures, long timeoutMillis) {
        this.dataSource = dataSource;
        this.failures = failures;
        this.timeoutMillis = timeoutMillis;
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
            } catch (RuntimeException e) {
                LOG.error("Journal writer failed unexpectedly; the batches it held are reported failed", e);
                group.forEach(p -> p.done.completeExceptionally(new JournalException("Journal writer failed: " + e, e)));
            } finally {
                group.clear();
            }
        }
        queue.forEach(p -> p.done.completeExceptionally(new JournalException("The journal is closed")));
        disconnect();
    }

    private void write(List<Pending> group) {
        JournalException refused = fatal;
        if (refused != null) {
            group.forEach(p -> p.done.completeExceptionally(refused));
            return;
        }
        try {
            writeInOneTransaction(group);
        } catch (SQLException e) {
            rollback();
            if (group.size() > 1 && !failures.isConnectionFailure(e)) {
                // one bad batch must not fail the others that happened to share its transaction
                for (Pending p : group) {
                    write(List.of(p));
                }
                return;
            }
            if (failures.isConnectionFailure(e)) {
                disconnect(); // the next group starts on a fresh connection
            }
            JournalException failure = failures.describe("could not store " + group.size() + " batch(es)", e);
            group.forEach(p -> p.done.completeExceptionally(failure));
            return;
        }
        group.forEach(p -> p.done.complete(null));
    }

    private void writeInOneTransaction(List<Pending> group) throws SQLException {
        if (connection == null) {
            connect();
        }
        for (Pending p : group) {
            for (JournalRecord record : p.records) {
                statements.add(record);
            }
        }
        statements.flush();
        connection.commit();
    }

    private static final Executor DIRECT = Runnable::run;

    /** A fresh connection for the writer; the fields are set only once it is ready to use. */
    private void connect() throws SQLException {
        Connection fresh = dataSource.getConnection();
        try {
            fresh.setAutoCommit(false);
            try {
                // a database that stops answering fails the write instead of hanging it
                fresh.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
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

    private void rollback() {
        if (connection == null) {
            return;
        }
        try {
            statements.clear();
            connection.rollback();
        } catch (SQLException e) {
            disconnect();
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
