package org.ferrymq.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the database itself manages from one thread over one JDBC connection, as the yardstick
 * for the brokers: rows of one id and one binary value the size of a message body, written
 * (a) one INSERT and one COMMIT per row, and (b) in JDBC batches, one COMMIT per batch. Each part
 * runs on a scratch table it creates and drops, first for a second untimed, then for the
 * measured time.
 */
final class RawJdbcProbe {

    private static final String TABLE = "JDBCBENCH_PROBE";
    private static final long WARMUP_NANOS = 1_000_000_000L;

    /**
     * @param singleRowCommitsPerSecond rows a second with one COMMIT per row
     * @param commitLatency the time of each single-row INSERT + COMMIT
     * @param batchRowsPerSecond rows a second in batches of {@code batchRows}, one COMMIT per batch
     */
    record Result(double singleRowCommitsPerSecond, LatencySamples commitLatency, double batchRowsPerSecond) {
    }

    private final ScratchDatabase database;
    private final String binaryColumnType;
    private final long measuredNanos;
    private final int batchRows;
    private final byte[] row;

    RawJdbcProbe(ScratchDatabase database, String binaryColumnType, int seconds, int batchRows, byte[] row) {
        this.database = database;
        this.binaryColumnType = binaryColumnType;
        this.measuredNanos = seconds * 1_000_000_000L;
        this.batchRows = batchRows;
        this.row = row.clone();
    }

    Result run() throws SQLException {
        try (Connection connection = database.open()) {
            connection.setAutoCommit(false);
            LatencySamples latency = new LatencySamples();
            double singleRows = measure(connection, false, latency);
            double batchedRows = measure(connection, true, new LatencySamples());
            return new Result(singleRows, latency, batchedRows);
        }
    }

    /** Rows a second for one part of the probe; {@code latency} gets the time of every commit. */
    private double measure(Connection connection, boolean batched, LatencySamples latency) throws SQLException {
        execute(connection, "CREATE TABLE " + TABLE + " (ID BIGINT PRIMARY KEY, PAYLOAD " + binaryColumnType
                + " NOT NULL)");
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + TABLE + " (ID, PAYLOAD) VALUES (?, ?)")) {
            long id = 0;
            long warmupEnd = System.nanoTime() + WARMUP_NANOS;
            while (System.nanoTime() < warmupEnd) {
                id = write(connection, insert, id, batched, new LatencySamples());
            }
            long rowsBefore = id;
            long start = System.nanoTime();
            long end = start + measuredNanos;
            long now = start;
            while (now < end) {
                id = write(connection, insert, id, batched, latency);
                now = System.nanoTime();
            }
            return (id - rowsBefore) / ((now - start) / 1e9);
        } finally {
            connection.rollback(); // after a failed insert PostgreSQL refuses every statement until then
            execute(connection, "DROP TABLE " + TABLE);
        }
    }

    /** Writes one row, or one batch of rows, and commits; returns the next free id. */
    private long write(Connection connection, PreparedStatement insert, long nextId, boolean batched,
                       LatencySamples latency) throws SQLException {
        long started = System.nanoTime();
        long id = nextId;
        if (batched) {
            for (int i = 0; i < batchRows; i++) {
                insert.setLong(1, id++);
                insert.setBytes(2, row);
                insert.addBatch();
            }
            insert.executeBatch();
        } else {
            insert.setLong(1, id++);
            insert.setBytes(2, row);
            insert.executeUpdate();
        }
        connection.commit();
        latency.add(System.nanoTime() - started);
        return id;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        connection.commit(); // PostgreSQL's DDL is transactional too
    }
}
