package org.ferrymq.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;

/**
 * Writes the records that create destinations and durable subscriptions, apart from the
 * {@link GroupCommitWriter}: a creation that waits for the database (another session's lock on
 * the same name, say) holds up neither the messages of existing queues nor the creation of
 * other names. Each batch is one transaction on a pooled connection of its own, every
 * statement limited to the journal timeout, on one of {@link #THREADS} threads; a further
 * creation waits for one of them.
 *
 * <p>Its batches commit independently of the group-commit writer's. That keeps every record's
 * effect because the broker writes nothing about a queue before its creation is durable.
 */
final class CreationWriter implements AutoCloseable {

    /** Creations that may wait for the database at once; each holds a pooled connection meanwhile. */
    static final int THREADS = 2;

    private final DataSource dataSource;
    private final ConnectionFailures failures;
    private final long timeoutMillis;
    private final ExecutorService threads;
    private volatile JournalException fatal;

    CreationWriter(String name, DataSource dataSource, ConnectionFailures failures, long timeoutMillis) {
        this.dataSource = dataSource;
        this.failures = failures;
        this.timeoutMillis = timeoutMillis;
        this.threads = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "ferrymq-" + name + "-creations");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether a batch is made of creations only, and so is written here. */
    static boolean takes(List<JournalRecord> batch) {
        for (JournalRecord record : batch) {
            if (!(record instanceof JournalRecord.DestinationCreated || record instanceof JournalRecord.SubscriptionCreated)) {
                return false;
            }
        }
        return !batch.isEmpty();
    }

    CompletableFuture<Void> submit(List<JournalRecord> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        JournalException refused = fatal;
        if (refused != null) {
            done.completeExceptionally(refused);
            return done;
        }
        try {
            threads.execute(() -> write(records, done));
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new JournalException("The journal is closed"));
        }
        return done;
    }

    /** From now on every write fails with {@code reason} (the broker lost its lease, say). */
    void refuse(JournalException reason) {
        fatal = reason;
    }

    private void write(List<JournalRecord> records, CompletableFuture<Void> done) {
        JournalException refused = fatal;
        if (refused != null) {
            done.completeExceptionally(refused);
            return;
        }
        int timeoutSeconds = (int) Math.max(1, (timeoutMillis + 999) / 1000);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (RecordStatements statements = new RecordStatements(connection, timeoutSeconds)) {
                for (JournalRecord record : records) {
                    statements.add(record);
                }
                statements.flush();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                throw e;
            } finally {
                connection.setAutoCommit(true); // back to the pool as it came
            }
            done.complete(null);
        } catch (SQLException e) {
            done.completeExceptionally(failures.describe("could not store " + records, e));
        } catch (RuntimeException e) {
            done.completeExceptionally(new JournalException("Could not store " + records + ": " + e, e));
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken; the pool drops it
        }
    }

    /** Lets the creations under way finish (within the journal timeout), then stops. */
    @Override
    public void close() {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(timeoutMillis + 5_000, TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
