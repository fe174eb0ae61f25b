package org.ferrymq.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.JournalReplay;
import org.ferrymq.api.journal.PreparedTransaction;
import org.ferrymq.api.journal.SqlDialect;
import org.ferrymq.api.journal.StoredMessage;
import org.ferrymq.api.journal.StoredReference;
import org.ferrymq.journal.dialect.Dialects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal in a relational database: H2 by default, PostgreSQL, MariaDB or any database a
 * {@link SqlDialect} describes. Writes go through one {@link GroupCommitWriter}, except the
 * creations of destinations and subscriptions, which a {@link CreationWriter} writes apart;
 * reads (start and pages) use pooled connections of their own. The README documents the tables.
 */
public final class JdbcJournal implements Journal {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcJournal.class);

    private final String database;
    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final ConnectionFailures failures;
    private final BrokerLease lease;
    private final String broker;
    private final GroupCommitWriter writer;
    private final CreationWriter creations;
    private final ScheduledExecutorService leaseRenewal;
    private final long timeoutMillis;
    /** Why the journal failed beyond repair, once it has; then the broker is told, once. */
    private JournalException failed;
    private Consumer<JournalException> failureListener;
    private boolean failureReported;

    private JdbcJournal(String name, String database, DataSource dataSource, HikariDataSource ownedPool,
            ConnectionFailures failures, BrokerLease lease, long timeoutMillis) {
        this.database = database;
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.failures = failures;
        this.lease = lease;
        this.broker = name;
        this.timeoutMillis = timeoutMillis;
        this.writer = new GroupCommitWriter(name, dataSource, failures, timeoutMillis, this::writerDied);
        this.creations = new CreationWriter(name, dataSource, failures, timeoutMillis);
        this.leaseRenewal = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferrymq-" + name + "-lease");
            t.setDaemon(true);
            return t;
        });
        long every = BrokerLease.LEASE_MILLIS / 3;
        leaseRenewal.scheduleWithFixedDelay(this::renewLease, every, every, TimeUnit.MILLISECONDS);
    }

    /** Opens the journal a broker configuration describes: connects, creates or checks the schema, takes the lease. */
    public static JdbcJournal open(BrokerConfig config) throws JournalException {
        DataSource dataSource = config.journalDataSource();
        HikariDataSource pool = null;
        String url = null;
        SqlDialect dialect = null;
        if (dataSource == null) {
            url = config.journalUrl() != null ? config.journalUrl() : defaultUrl(config);
            dialect = Dialects.select(config.journalDialect(), url);
            JournalUrls.check(url, dialect);
            url = JournalUrls.closedByTheBroker(url);
            requireDriver(url, dialect);
            pool = pool(config, url, dialect);
            dataSource = pool;
        }
        String shown = JournalUrls.shown(url);
        try (Connection connection = dataSource.getConnection()) {
            if (dialect == null) {
                url = connection.getMetaData().getURL();
                shown = JournalUrls.shown(url);
                dialect = Dialects.select(config.journalDialect(), url);
            }
            ConnectionFailures failures = new ConnectionFailures(shown, dialect);
            try {
                JournalSchema.ensure(connection, dialect, shown);
                BrokerLease lease = new BrokerLease(config.name());
                lease.acquire(connection, shown);
                LOG.info("Broker '{}' journals to {} ({} dialect)", config.name(), shown, dialect.name());
                return new JdbcJournal(config.name(), shown, dataSource, pool, failures, lease,
                        config.journalTimeoutMillis());
            } catch (SQLException e) {
                throw failures.describe("cannot prepare the journal tables", e);
            }
        } catch (SQLException e) {
            closeQuietly(pool);
            throw new ConnectionFailures(shown, dialect).describe("cannot connect", e);
        } catch (JournalException | RuntimeException e) {
            closeQuietly(pool);
            throw e;
        }
    }

    /**
     * The default journal: an H2 file named after the broker in the data directory. H2 reads a
     * ';' in its URL as the start of a setting, so a directory with one in its path is refused.
     */
    static String defaultUrl(BrokerConfig config) throws JournalException {
        Path directory = config.dataDirectory().toAbsolutePath();
        if (directory.toString().indexOf(';') >= 0) {
            throw new JournalException("Broker setting '" + BrokerConfig.DATA_DIRECTORY + "' names a directory whose"
                    + " path contains ';', which the H2 journal would read as a setting; choose a directory without"
                    + " ';' in its path");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new JournalException("Cannot create the data directory " + directory + " for broker '"
                    + config.name() + "': " + e + "; set dataDirectory to a writable directory");
        }
        String file = config.name().replaceAll("[^A-Za-z0-9._-]", "_");
        // WRITE_DELAY=0: H2 writes each commit to its file at once, so a killed process loses nothing committed.
        // (open adds DB_CLOSE_ON_EXIT=FALSE to this and any other H2 URL: JournalUrls.closedByTheBroker)
        return "jdbc:h2:file:" + directory.resolve(file) + ";WRITE_DELAY=0";
    }

    private static void requireDriver(String url, SqlDialect dialect) throws JournalException {
        try {
            Driver driver = DriverManager.getDriver(url);
            if (driver == null) {
                throw new SQLException("no driver");
            }
        } catch (SQLException e) {
            throw new JournalException("No JDBC driver on the class path accepts the journal URL "
                    + JournalUrls.shown(url) + "; add " + dialect.driverHint());
        }
    }

    private static HikariDataSource pool(BrokerConfig config, String url, SqlDialect dialect) throws JournalException {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("ferrymq-" + config.name());
        hikari.setJdbcUrl(url);
        hikari.setUsername(config.journalUser());
        hikari.setPassword(config.journalPassword());
        dialect.connectionProperties().forEach(hikari::addDataSourceProperty);
        // the writer, page reads, the lease, one to spare, and one for each creation waiting on the database
        hikari.setMaximumPoolSize(4 + CreationWriter.THREADS);
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(Math.max(250, config.journalTimeoutMillis()));
        hikari.setValidationTimeout(Math.max(250, Math.min(5_000, config.journalTimeoutMillis())));
        hikari.setInitializationFailTimeout(1); // a bad URL or password fails the start at once
        try {
            return new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            ConnectionFailures failures = new ConnectionFailures(JournalUrls.shown(url), dialect);
            if (e.getCause() instanceof SQLException sql) {
                throw failures.describe("cannot connect", sql);
            }
            throw new JournalException("Journal database " + JournalUrls.shown(url) + ": cannot connect: "
                    + e.getMessage(), e);
        }
    }

    private static void closeQuietly(HikariDataSource pool) {
        if (pool != null) {
            pool.close();
        }
    }

    // ---- reading ----

    @Override
    public void load(JournalReplay replay) throws JournalException {
        try (Connection connection = dataSource.getConnection(); Statement query = connection.createStatement()) {
            removeUnfinishedBodies(query);
            long highest = 0;
            try (ResultSet rs = query.executeQuery(
                    "SELECT QUEUE_ID, DEST_TYPE, DEST_NAME FROM FMQ_DESTINATION ORDER BY CREATED_AT, DEST_NAME")) {
                while (rs.next()) {
                    long queueId = rs.getLong(1); // 0 for a topic's NULL
                    replay.destination(new JournalRecord.DestinationCreated(queueId, rs.getString(2), rs.getString(3)));
                    highest = Math.max(highest, queueId);
                }
            }
            try (ResultSet rs = query.executeQuery("SELECT QUEUE_ID, CLIENT_ID, SUB_NAME, TOPIC_NAME, SELECTOR_TEXT, "
                    + "NO_LOCAL, IS_SHARED FROM FMQ_SUBSCRIPTION ORDER BY CREATED_AT, QUEUE_ID")) {
                while (rs.next()) {
                    replay.subscription(new JournalRecord.SubscriptionCreated(rs.getLong(1),
                            JournalSchema.clientId(rs.getString(2)), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getShort(6) != 0, rs.getShort(7) != 0));
                    highest = Math.max(highest, rs.getLong(1));
                }
            }
            // a delivered reference with a delivery time waits for its redelivery, until then if that is still ahead
            try (ResultSet rs = query.executeQuery("SELECT QUEUE_ID, COUNT(*), MAX(SEQ_NO), MAX(CASE WHEN "
                    + "DELIVERY_COUNT > 0 THEN DELIVERY_TIME ELSE 0 END) FROM FMQ_QUEUE_REF GROUP BY QUEUE_ID")) {
                while (rs.next()) {
                    replay.queue(rs.getLong(1), rs.getLong(2), rs.getLong(3));
                    if (rs.getLong(4) > 0) {
                        replay.redeliveriesWaiting(rs.getLong(1), rs.getLong(4));
                    }
                    highest = Math.max(highest, rs.getLong(1)); // a queue gone but for its references: never reused
                }
            }
            // the window entries in the order they were given: the primary key's order
            try (ResultSet rs = query.executeQuery("SELECT ENTRY_NO, DEST_TYPE, DEST_NAME, SEQ_NO, DUP_ID, SEEN_AT "
                    + "FROM FMQ_DUPLICATE_WINDOW ORDER BY ENTRY_NO")) {
                while (rs.next()) {
                    replay.duplicateId(new JournalRecord.DuplicateIdAdded(rs.getLong(1), rs.getString(2),
                            rs.getString(3), rs.getLong(4), rs.getString(5), rs.getLong(6)));
                }
            }
            highest = Math.max(highest, loadPrepared(connection, replay));
            try (ResultSet rs = query.executeQuery("SELECT MAX(MSG_NO) FROM FMQ_MESSAGE")) {
                rs.next();
                replay.highestNumber(Math.max(rs.getLong(1), highest));
            }
        } catch (SQLException e) {
            throw failures.describe("cannot read the journal", e);
        }
    }

    /**
     * Deletes the chunks that belong to no stored message: the bodies of large sends the last
     * run never finished (it stopped, or was killed, while one was arriving), and of
     * non-persistent large messages, which do not outlive the broker. A message row is written
     * only after all of its chunks, so a message is whole or absent, never torn.
     */
    private void removeUnfinishedBodies(Statement query) throws SQLException {
        int removed = query.executeUpdate("DELETE FROM FMQ_MSG_CHUNK WHERE NOT EXISTS "
                + "(SELECT 1 FROM FMQ_MESSAGE m WHERE m.MSG_NO = FMQ_MSG_CHUNK.MSG_NO)");
        if (removed > 0) {
            LOG.info("Broker '{}': removed {} chunk(s) of large message bodies that no stored message holds (sends "
                    + "that did not finish, non-persistent messages of the last run)", broker, removed);
        }
    }

    @Override
    public byte[] readBodyChunk(long messageNo, int chunkNo) throws JournalException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT CHUNK_DATA FROM FMQ_MSG_CHUNK WHERE MSG_NO = ? AND CHUNK_NO = ?")) {
            select.setLong(1, messageNo);
            select.setInt(2, chunkNo);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw failures.describe("cannot read chunk " + chunkNo + " of the body of message " + messageNo, e);
        }
    }

    /** Replays the prepared XA branches, each with its messages; answers the highest branch number. */
    private long loadPrepared(Connection connection, JournalReplay replay) throws SQLException {
        record Branch(long txNo, int formatId, String globalId, String branchId, List<PreparedTransaction.Send> sends,
                List<PreparedTransaction.Ack> acks) {}
        Map<Long, Branch> branches = new java.util.LinkedHashMap<>();
        try (Statement query = connection.createStatement()) {
            try (ResultSet rs = query.executeQuery(
                    "SELECT TX_NO, FORMAT_ID, GTRID, BQUAL FROM FMQ_XA_BRANCH ORDER BY TX_NO")) {
                while (rs.next()) {
                    branches.put(rs.getLong(1), new Branch(rs.getLong(1), rs.getInt(2), rs.getString(3),
                            rs.getString(4), new ArrayList<>(), new ArrayList<>()));
                }
            }
            if (branches.isEmpty()) {
                return 0;
            }
            String ackedMessages = "SELECT r.MSG_NO FROM FMQ_XA_ACK a JOIN FMQ_QUEUE_REF r "
                    + "ON r.QUEUE_ID = a.QUEUE_ID AND r.SEQ_NO = a.SEQ_NO";
            Map<Long, Map<String, Object>> properties = new HashMap<>();
            try (ResultSet rs = query.executeQuery("SELECT MSG_NO, PROP_NAME, PROP_TYPE, PROP_VALUE FROM FMQ_MSG_PROPERTY "
                    + "WHERE MSG_NO IN (SELECT MSG_NO FROM FMQ_XA_SEND) OR MSG_NO IN (" + ackedMessages + ")")) {
                while (rs.next()) {
                    MessageRows.readProperty(rs, 1, properties);
                }
            }
            Map<Long, StoredMessage> messages = new HashMap<>();
            try (ResultSet rs = query.executeQuery("SELECT s.TX_NO, s.QUEUE_ID, " + prefixed("m.")
                    + " FROM FMQ_XA_SEND s JOIN FMQ_MESSAGE m ON m.MSG_NO = s.MSG_NO ORDER BY s.TX_NO, s.MSG_NO")) {
                while (rs.next()) {
                    long messageNo = rs.getLong(3);
                    StoredMessage message = messages.get(messageNo);
                    if (message == null) { // a message sent to several queues comes once per queue
                        message = MessageRows.readMessage(rs, 3, properties.get(messageNo));
                        messages.put(messageNo, message);
                    }
                    branches.get(rs.getLong(1)).sends().add(new PreparedTransaction.Send(rs.getLong(2), message));
                }
            }
            try (ResultSet rs = query.executeQuery("SELECT a.TX_NO, a.QUEUE_ID, r.SEQ_NO, r.DELIVERY_COUNT, "
                    + "r.DELIVERY_TIME, " + prefixed("m.") + " FROM FMQ_XA_ACK a JOIN FMQ_QUEUE_REF r "
                    + "ON r.QUEUE_ID = a.QUEUE_ID AND r.SEQ_NO = a.SEQ_NO JOIN FMQ_MESSAGE m ON m.MSG_NO = r.MSG_NO "
                    + "ORDER BY a.TX_NO, a.QUEUE_ID, r.SEQ_NO")) {
                while (rs.next()) {
                    StoredMessage message = MessageRows.readMessage(rs, 6, properties.get(rs.getLong(6)));
                    branches.get(rs.getLong(1)).acks().add(new PreparedTransaction.Ack(rs.getLong(2),
                            new StoredReference(rs.getLong(3), rs.getInt(4), message, rs.getLong(5))));
                }
            }
        } catch (MessageRows.DamagedMessage e) {
            // a branch cannot be recovered without all of its messages: the broker does not start
            throw new SQLException("a prepared XA branch cannot be recovered: its " + e.getMessage() + "; repair "
                    + "or delete its rows (FMQ_MESSAGE and FMQ_MSG_PROPERTY with MSG_NO = " + e.messageNo + ")", e);
        }
        HexFormat hex = HexFormat.of();
        long highest = 0;
        for (Branch b : branches.values()) {
            replay.prepared(new PreparedTransaction(b.txNo(), b.formatId(), hex.parseHex(b.globalId()),
                    hex.parseHex(b.branchId()), b.sends(), b.acks()));
            highest = Math.max(highest, b.txNo());
        }
        return highest;
    }

    /** The columns a page selects, from the reference {@code r} and its message {@code m}; the message's from the 5th. */
    private static final String PAGE_COLUMNS = "r.SEQ_NO, r.DELIVERY_COUNT, r.DELIVERY_TIME, m.PROPERTY_COUNT, "
            + prefixed("m.");

    /** Messages whose properties one query reads, at most: the IN list stays well within every driver's limit. */
    private static final int PROPERTY_QUERY_MESSAGES = 500;

    /**
     * Reads in windows of places ({@code (lo, lo + max]}): a range bounded on both sides is
     * an index range on every database, where an open one with ORDER BY and LIMIT can make a
     * database sort the whole rest of the queue for each page. Empty windows are skipped with
     * one index lookup of the next place. References with a delivery time are left to
     * {@link #readDelayed}.
     */
    @Override
    public List<StoredReference> readQueue(long queueId, long afterSeq, long uptoSeq, int max) throws JournalException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(failures.dialect().limited(
                        "SELECT " + PAGE_COLUMNS + " FROM FMQ_QUEUE_REF r JOIN FMQ_MESSAGE m ON m.MSG_NO = r.MSG_NO "
                                + "WHERE r.QUEUE_ID = ? AND r.SEQ_NO > ? AND r.SEQ_NO <= ? AND r.DELIVERY_TIME = 0 "
                                + "ORDER BY r.SEQ_NO"));
                PreparedStatement next = connection.prepareStatement("SELECT MIN(SEQ_NO) FROM FMQ_QUEUE_REF "
                        + "WHERE QUEUE_ID = ? AND SEQ_NO > ? AND SEQ_NO <= ? AND DELIVERY_TIME = 0")) {
            Page page = new Page(queueId);
            long lo = afterSeq;
            while (page.size() < max && lo < uptoSeq) {
                long hi = Math.min(uptoSeq, lo + max);
                int limit = max - page.size();
                select.setLong(1, queueId);
                select.setLong(2, lo);
                select.setLong(3, hi);
                select.setInt(4, limit);
                int read = page.addRows(select);
                if (read == limit) {
                    lo = page.lastSeq; // damaged rows were left out: the window may hold more
                    continue;
                }
                lo = hi;
                if (read == 0 && lo < uptoSeq) {
                    next.setLong(1, queueId);
                    next.setLong(2, lo);
                    next.setLong(3, uptoSeq);
                    try (ResultSet rs = next.executeQuery()) {
                        rs.next();
                        long found = rs.getLong(1);
                        lo = rs.wasNull() ? uptoSeq : found - 1;
                    }
                }
            }
            return page.finish(connection);
        } catch (SQLException e) {
            throw failures.describe("cannot read the queue with id " + queueId, e);
        }
    }

    /**
     * One ordered range of the index on (queue, delivery time, place), from just after
     * {@code (afterTime, afterSeq)} up to {@code dueBy}; the references without a delivery
     * time (0) sort before it and are never touched.
     */
    @Override
    public List<StoredReference> readDelayed(long queueId, long afterTime, long afterSeq, long dueBy, int max)
            throws JournalException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(failures.dialect().limited(
                        "SELECT " + PAGE_COLUMNS + " FROM FMQ_QUEUE_REF r JOIN FMQ_MESSAGE m ON m.MSG_NO = r.MSG_NO "
                                + "WHERE r.QUEUE_ID = ? AND r.DELIVERY_TIME >= ? AND r.DELIVERY_TIME <= ? "
                                + "AND (r.DELIVERY_TIME > ? OR r.SEQ_NO > ?) ORDER BY "
                                + failures.dialect().queueOrder("r.QUEUE_ID", "r.DELIVERY_TIME, r.SEQ_NO")))) {
            Page page = new Page(queueId);
            long time = Math.max(1, afterTime);
            long seq = afterTime < 1 ? Long.MIN_VALUE : afterSeq;
            while (page.size() < max && time <= dueBy) {
                int limit = max - page.size();
                select.setLong(1, queueId);
                select.setLong(2, time);
                select.setLong(3, dueBy);
                select.setLong(4, time);
                select.setLong(5, seq);
                select.setInt(6, limit);
                if (page.addRows(select) < limit) {
                    break;
                }
                time = page.lastTime; // damaged rows were left out: there may be more
                seq = page.lastSeq;
            }
            return page.finish(connection);
        } catch (SQLException e) {
            throw failures.describe("cannot read the delayed messages of the queue with id " + queueId, e);
        }
    }

    /**
     * The queue's references in place order from {@code afterSeq} on, along its primary key,
     * each joined with its message to keep the expired ones. There is no index on expiration
     * (every send would pay for it): the scan reads a queue's journal only while the queue holds
     * messages there that it does not hold in memory, from the first such place.
     */
    @Override
    public List<StoredReference> readExpired(long queueId, long afterSeq, long now, int max) throws JournalException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(failures.dialect().limited(
                        "SELECT " + PAGE_COLUMNS + " FROM FMQ_QUEUE_REF r JOIN FMQ_MESSAGE m ON m.MSG_NO = r.MSG_NO "
                                + "WHERE r.QUEUE_ID = ? AND r.SEQ_NO > ? AND m.EXPIRATION > 0 AND m.EXPIRATION <= ? "
                                + "ORDER BY " + failures.dialect().queueOrder("r.QUEUE_ID", "r.SEQ_NO")))) {
            Page page = new Page(queueId);
            long seq = afterSeq;
            while (page.size() < max) {
                int limit = max - page.size();
                select.setLong(1, queueId);
                select.setLong(2, seq);
                select.setLong(3, now);
                select.setInt(4, limit);
                if (page.addRows(select) < limit) {
                    break;
                }
                seq = page.lastSeq; // damaged rows were left out: there may be more
            }
            return page.finish(connection);
        } catch (SQLException e) {
            throw failures.describe("cannot read the expired messages of the queue with id " + queueId, e);
        }
    }

    /** The references of one page as they are read, then given their messages' properties. */
    private final class Page {
        private final long queueId;
        private final List<StoredReference> references = new ArrayList<>();
        private final List<Long> withProperties = new ArrayList<>();
        /** The place and delivery time of the last row read, damaged or not. */
        long lastSeq;
        long lastTime;

        Page(long queueId) {
            this.queueId = queueId;
        }

        int size() {
            return references.size();
        }

        /** Runs a query selecting {@link #PAGE_COLUMNS} and adds its rows; answers how many it read, damaged ones included. */
        int addRows(PreparedStatement select) throws SQLException {
            int read = 0;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    read++;
                    lastSeq = rs.getLong(1);
                    lastTime = rs.getLong(3);
                    MessageRows.Loaded message;
                    try {
                        message = MessageRows.readMessage(rs, 5, null);
                    } catch (MessageRows.DamagedMessage e) {
                        reportDamaged(queueId, lastSeq, e);
                        continue;
                    }
                    references.add(new StoredReference(lastSeq, rs.getInt(2), message, lastTime));
                    if (rs.getInt(4) > 0) {
                        withProperties.add(message.messageNo());
                    }
                }
            }
            return read;
        }

        /**
         * The page, its messages with their properties; a message whose properties do not read
         * back is reported and left out.
         */
        List<StoredReference> finish(Connection connection) throws SQLException {
            if (withProperties.isEmpty()) {
                return references;
            }
            Map<Long, Map<String, Object>> properties = new HashMap<>();
            Map<Long, MessageRows.DamagedMessage> damaged = new HashMap<>();
            for (int from = 0; from < withProperties.size(); from += PROPERTY_QUERY_MESSAGES) {
                List<Long> some = withProperties.subList(from,
                        Math.min(withProperties.size(), from + PROPERTY_QUERY_MESSAGES));
                String marks = String.join(", ", Collections.nCopies(some.size(), "?"));
                try (PreparedStatement select = connection.prepareStatement("SELECT MSG_NO, PROP_NAME, PROP_TYPE, "
                        + "PROP_VALUE FROM FMQ_MSG_PROPERTY WHERE MSG_NO IN (" + marks + ")")) {
                    for (int i = 0; i < some.size(); i++) {
                        select.setLong(i + 1, some.get(i));
                    }
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            try {
                                MessageRows.readProperty(rs, 1, properties);
                            } catch (MessageRows.DamagedMessage e) {
                                damaged.putIfAbsent(e.messageNo, e);
                            }
                        }
                    }
                }
            }
            List<StoredReference> page = new ArrayList<>(references.size());
            for (StoredReference reference : references) {
                long messageNo = reference.message().messageNo();
                MessageRows.DamagedMessage failure = damaged.get(messageNo);
                Map<String, Object> p = properties.get(messageNo);
                if (failure != null) {
                    reportDamaged(queueId, reference.seq(), failure);
                } else if (p == null) {
                    page.add(reference);
                } else {
                    page.add(new StoredReference(reference.seq(), reference.deliveryCount(),
                            MessageRows.Loaded.withProperties(reference.message(), p), reference.deliveryTime()));
                }
            }
            return page;
        }
    }

    /**
     * A message that cannot be read back is left where it is, for an operator to repair or
     * delete, and skipped: deleting it would lose what may still be saved, moving it would
     * only move the same failure to another queue, and stopping would hold back every message
     * behind it. It is reported again on every start while it is there.
     */
    private static void reportDamaged(long queueId, long seq, MessageRows.DamagedMessage e) {
        LOG.error("Queue id {}: the message at place {} is skipped, the rest of the queue is delivered; {}. It stays "
                + "in the journal: repair or delete its rows (FMQ_MESSAGE and FMQ_MSG_PROPERTY with MSG_NO = {}, "
                + "FMQ_QUEUE_REF with QUEUE_ID = {} AND SEQ_NO = {})", queueId, seq, e.getMessage(), e.messageNo,
                queueId, seq);
    }

    private static String prefixed(String alias) {
        return alias + MessageRows.MESSAGE_COLUMNS.replace(", ", ", " + alias);
    }

    // ---- writing ----

    @Override
    public CompletableFuture<Void> append(List<JournalRecord> batch) {
        return CreationWriter.takes(batch) ? creations.submit(batch) : writer.submit(batch);
    }

    /**
     * Ends the renewals, letting one under way finish: never by interrupting it, since an
     * interrupted database call can break more than itself (H2 closes its database, and the
     * lease could then not be released).
     */
    private void stopRenewingLease() {
        leaseRenewal.shutdown();
        try {
            leaseRenewal.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void renewLease() {
        try (Connection connection = dataSource.getConnection()) {
            if (!lease.renew(connection)) {
                JournalException lost = new JournalException("The broker lost its lease on the journal database "
                        + database + " to another broker; it no longer writes there. Stop one of the two brokers "
                        + "and restart this one");
                LOG.error(lost.getMessage());
                writer.refuse(lost);
                creations.refuse(lost);
                leaseRenewal.shutdown();
            }
        } catch (SQLException e) {
            LOG.warn("Could not renew the journal lease on {}: {}", database, failures.explain(e));
        }
    }

    /**
     * The writer stopped for good: the lease is no longer renewed (a broker without a journal
     * must not keep the database from another), and the broker hears of it on a thread of its
     * own, so that stopping it never waits for the writer's thread from within it.
     */
    private void writerDied(JournalException reason) {
        leaseRenewal.shutdown();
        creations.refuse(reason);
        synchronized (this) {
            failed = reason;
        }
        reportFailure();
    }

    @Override
    public void onFailure(Consumer<JournalException> listener) {
        synchronized (this) {
            failureListener = listener;
        }
        reportFailure();
    }

    private void reportFailure() {
        Consumer<JournalException> listener;
        JournalException reason;
        synchronized (this) {
            if (failed == null || failureListener == null || failureReported) {
                return;
            }
            failureReported = true;
            listener = failureListener;
            reason = failed;
        }
        Thread report = new Thread(() -> listener.accept(reason), "ferrymq-" + broker + "-journal-failed");
        report.setDaemon(true);
        report.start();
    }

    @Override
    public void close() {
        stopRenewingLease();
        creations.close();
        writer.close();
        try (Connection connection = dataSource.getConnection()) {
            lease.release(connection);
        } catch (SQLException e) {
            LOG.warn("Could not release the journal lease on {}: {}", database, failures.explain(e));
        }
        closeQuietly(ownedPool);
    }
}
