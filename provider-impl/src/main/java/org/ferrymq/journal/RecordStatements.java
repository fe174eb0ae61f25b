package org.ferrymq.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.PreparedTransaction;
import org.ferrymq.api.journal.StoredMessage;

/**
 * Turns journal records into SQL on one connection. The frequent records (messages,
 * references, delivery counts, removals, duplicate IDs) are collected into JDBC batches, one per
 * statement, and executed together in {@link #flush}, in an order that keeps every record's effect:
 * rows are inserted before they are updated, and counted down before they are deleted. The
 * rare ones (destinations, subscriptions, rolled-back XA branches) flush what is collected and run at once.
 */
final class RecordStatements implements AutoCloseable {

    /** The batched statements, in the order they are executed. */
    private enum Batched {
        INSERT_CHUNK("INSERT INTO FMQ_MSG_CHUNK (MSG_NO, CHUNK_NO, CHUNK_DATA) VALUES (?, ?, ?)"),
        // a copy's body, in the database: before RELEASE_CHUNKS below may delete the original's
        COPY_CHUNKS("INSERT INTO FMQ_MSG_CHUNK (MSG_NO, CHUNK_NO, CHUNK_DATA) "
                + "SELECT ?, CHUNK_NO, CHUNK_DATA FROM FMQ_MSG_CHUNK WHERE MSG_NO = ?"),
        INSERT_MESSAGE(MessageRows.INSERT_MESSAGE),
        INSERT_PROPERTY(MessageRows.INSERT_PROPERTY),
        INSERT_XA_BRANCH("INSERT INTO FMQ_XA_BRANCH (TX_NO, FORMAT_ID, GTRID, BQUAL, PREPARED_AT) VALUES (?, ?, ?, ?, ?)"),
        INSERT_XA_SEND("INSERT INTO FMQ_XA_SEND (TX_NO, QUEUE_ID, MSG_NO) VALUES (?, ?, ?)"),
        INSERT_XA_ACK("INSERT INTO FMQ_XA_ACK (TX_NO, QUEUE_ID, SEQ_NO) VALUES (?, ?, ?)"),
        INSERT_REF("INSERT INTO FMQ_QUEUE_REF (QUEUE_ID, SEQ_NO, MSG_NO, DELIVERY_COUNT, DELIVERY_TIME) "
                + "VALUES (?, ?, ?, ?, ?)"),
        INSERT_DUPLICATE_ID("INSERT INTO FMQ_DUPLICATE_WINDOW (ENTRY_NO, DEST_TYPE, DEST_NAME, SEQ_NO, DUP_ID, "
                + "SEEN_AT) VALUES (?, ?, ?, ?, ?, ?)"),
        // after the inserts: the entries a group pushed out of their windows go with it, by runs
        FORGET_DUPLICATE_IDS("DELETE FROM FMQ_DUPLICATE_WINDOW WHERE ENTRY_NO BETWEEN ? AND ?"),
        COUNT_DELIVERIES("UPDATE FMQ_QUEUE_REF SET DELIVERY_COUNT = ? WHERE QUEUE_ID = ? AND SEQ_NO BETWEEN ? AND ?"),
        // after the insert of a reference added in the same group; before a move, which clears the time
        SCHEDULE_REDELIVERY("UPDATE FMQ_QUEUE_REF SET DELIVERY_TIME = ? WHERE QUEUE_ID = ? AND SEQ_NO = ?"),
        MOVE_REF("UPDATE FMQ_QUEUE_REF SET QUEUE_ID = ?, SEQ_NO = ?, DELIVERY_COUNT = 0, DELIVERY_TIME = 0 "
                + "WHERE QUEUE_ID = ? AND SEQ_NO = ?"),
        // a message several queues share counts down only while the reference is still there: idempotent
        RELEASE_SHARED("UPDATE FMQ_MESSAGE SET REF_COUNT = REF_COUNT - 1 WHERE MSG_NO = ? AND EXISTS "
                + "(SELECT 1 FROM FMQ_QUEUE_REF WHERE QUEUE_ID = ? AND SEQ_NO = ?)"),
        // removals are collected and deleted by runs of consecutive numbers: a drained queue
        // deletes a whole acknowledged window in one statement per table
        DELETE_REF("DELETE FROM FMQ_QUEUE_REF WHERE QUEUE_ID = ? AND SEQ_NO BETWEEN ? AND ?"),
        DELETE_PROPERTIES("DELETE FROM FMQ_MSG_PROPERTY WHERE MSG_NO BETWEEN ? AND ?"),
        DELETE_MESSAGE("DELETE FROM FMQ_MESSAGE WHERE MSG_NO BETWEEN ? AND ?"),
        SWEEP_SHARED_PROPERTIES("DELETE FROM FMQ_MSG_PROPERTY WHERE MSG_NO IN "
                + "(SELECT MSG_NO FROM FMQ_MESSAGE WHERE MSG_NO = ? AND REF_COUNT <= 0)"),
        SWEEP_SHARED_MESSAGE("DELETE FROM FMQ_MESSAGE WHERE MSG_NO = ? AND REF_COUNT <= 0"),
        // a large body goes once its message is gone: after the message deletes above
        RELEASE_CHUNKS("DELETE FROM FMQ_MSG_CHUNK WHERE MSG_NO = ? AND NOT EXISTS "
                + "(SELECT 1 FROM FMQ_MESSAGE WHERE MSG_NO = ?)"),
        // an ended branch: after its references are added and removed
        DELETE_XA_SEND("DELETE FROM FMQ_XA_SEND WHERE TX_NO = ?"),
        DELETE_XA_ACK("DELETE FROM FMQ_XA_ACK WHERE TX_NO = ?"),
        DELETE_XA_BRANCH("DELETE FROM FMQ_XA_BRANCH WHERE TX_NO = ?");

        final String sql;

        Batched(String sql) {
            this.sql = sql;
        }
    }

    private final Connection connection;
    /** Seconds any one statement may run before the driver cancels it; 0 for no limit. */
    private final int queryTimeoutSeconds;
    private final PreparedStatement[] statements = new PreparedStatement[Batched.values().length];
    private final boolean[] pending = new boolean[Batched.values().length];
    /** Removals collected for the range deletes: places per queue id, and message numbers. */
    private final Map<Long, List<Long>> removedPlaces = new HashMap<>();
    private final List<Long> removedMessages = new ArrayList<>();
    private final List<Long> removedProperties = new ArrayList<>();
    /** Per destination (its kind and name), the highest duplicate-ID number forgotten: one delete each. */
    private final List<Long> forgottenEntries = new ArrayList<>();

    RecordStatements(Connection connection) {
        this(connection, 0);
    }

    RecordStatements(Connection connection, int queryTimeoutSeconds) {
        this.connection = connection;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        if (queryTimeoutSeconds > 0) {
            statement.setQueryTimeout(queryTimeoutSeconds);
        }
        return statement;
    }

    void add(JournalRecord record) throws SQLException {
        if (record instanceof JournalRecord.MessageStored r) {
            StoredMessage message = r.message();
            MessageRows.bindMessage(batch(Batched.INSERT_MESSAGE), message);
            added(Batched.INSERT_MESSAGE);
            if (MessageRows.hasPropertyRows(message.content())) {
                MessageRows.addProperties(batch(Batched.INSERT_PROPERTY), message);
                pending[Batched.INSERT_PROPERTY.ordinal()] = true;
            }
        } else if (record instanceof JournalRecord.BodyChunkAdded r) {
            PreparedStatement s = batch(Batched.INSERT_CHUNK);
            s.setLong(1, r.messageNo());
            s.setInt(2, r.chunkNo());
            s.setBytes(3, r.data());
            added(Batched.INSERT_CHUNK);
        } else if (record instanceof JournalRecord.LargeBodyCopied r) {
            PreparedStatement s = batch(Batched.COPY_CHUNKS);
            s.setLong(1, r.toMessageNo());
            s.setLong(2, r.fromMessageNo());
            added(Batched.COPY_CHUNKS);
        } else if (record instanceof JournalRecord.LargeBodyReleased r) {
            PreparedStatement s = batch(Batched.RELEASE_CHUNKS);
            s.setLong(1, r.messageNo());
            s.setLong(2, r.messageNo());
            added(Batched.RELEASE_CHUNKS);
        } else if (record instanceof JournalRecord.ReferenceAdded r) {
            PreparedStatement s = batch(Batched.INSERT_REF);
            s.setLong(1, r.queueId());
            s.setLong(2, r.seq());
            s.setLong(3, r.messageNo());
            s.setInt(4, r.deliveryCount());
            s.setLong(5, r.deliveryTime());
            added(Batched.INSERT_REF);
        } else if (record instanceof JournalRecord.DeliveriesCounted r) {
            PreparedStatement s = batch(Batched.COUNT_DELIVERIES);
            s.setInt(1, r.deliveryCount());
            s.setLong(2, r.queueId());
            s.setLong(3, r.firstSeq());
            s.setLong(4, r.lastSeq());
            added(Batched.COUNT_DELIVERIES);
        } else if (record instanceof JournalRecord.RedeliveryScheduled r) {
            PreparedStatement s = batch(Batched.SCHEDULE_REDELIVERY);
            s.setLong(1, r.deliveryTime());
            s.setLong(2, r.queueId());
            s.setLong(3, r.seq());
            added(Batched.SCHEDULE_REDELIVERY);
        } else if (record instanceof JournalRecord.ReferenceMoved r) {
            PreparedStatement s = batch(Batched.MOVE_REF);
            s.setLong(1, r.toQueueId());
            s.setLong(2, r.toSeq());
            s.setLong(3, r.fromQueueId());
            s.setLong(4, r.fromSeq());
            added(Batched.MOVE_REF);
        } else if (record instanceof JournalRecord.ReferenceRemoved r) {
            removeReference(r);
        } else if (record instanceof JournalRecord.DuplicateIdAdded r) {
            PreparedStatement s = batch(Batched.INSERT_DUPLICATE_ID);
            s.setLong(1, r.entry());
            s.setString(2, r.kind());
            s.setString(3, r.destination());
            s.setLong(4, r.seq());
            s.setString(5, r.duplicateId());
            s.setLong(6, r.seenAt());
            added(Batched.INSERT_DUPLICATE_ID);
        } else if (record instanceof JournalRecord.DuplicateIdsForgotten r) {
            forgottenEntries.addAll(r.entries());
        } else if (record instanceof JournalRecord.TransactionPrepared r) {
            prepare(r.transaction());
        } else if (record instanceof JournalRecord.TransactionEnded r && r.committed()) {
            end(r.txNo());
        } else {
            flush();
            runAtOnce(record);
        }
    }

    private void removeReference(JournalRecord.ReferenceRemoved r) throws SQLException {
        long messageNo = r.message().messageNo();
        boolean shared = r.message().references() > 1;
        if (shared) {
            PreparedStatement release = batch(Batched.RELEASE_SHARED);
            release.setLong(1, messageNo);
            release.setLong(2, r.queueId());
            release.setLong(3, r.seq());
            added(Batched.RELEASE_SHARED);
        }
        removedPlaces.computeIfAbsent(r.queueId(), q -> new ArrayList<>()).add(r.seq());
        if (shared) {
            batch(Batched.SWEEP_SHARED_PROPERTIES).setLong(1, messageNo);
            added(Batched.SWEEP_SHARED_PROPERTIES);
            batch(Batched.SWEEP_SHARED_MESSAGE).setLong(1, messageNo);
            added(Batched.SWEEP_SHARED_MESSAGE);
        } else {
            if (MessageRows.hasPropertyRows(r.message().content())) {
                removedProperties.add(messageNo);
            }
            removedMessages.add(messageNo);
        }
    }

    private void runAtOnce(JournalRecord record) throws SQLException {
        long now = System.currentTimeMillis();
        if (record instanceof JournalRecord.DestinationCreated r) {
            try (PreparedStatement s = prepare(
                    "INSERT INTO FMQ_DESTINATION (QUEUE_ID, DEST_TYPE, DEST_NAME, CREATED_AT) VALUES (?, ?, ?, ?)")) {
                if (r.queueId() == 0) {
                    s.setNull(1, Types.BIGINT); // a topic: its messages are on its subscriptions' queues
                } else {
                    s.setLong(1, r.queueId());
                }
                s.setString(2, r.kind());
                s.setString(3, r.name());
                s.setLong(4, now);
                s.executeUpdate();
            }
        } else if (record instanceof JournalRecord.DestinationDeleted r) {
            releaseQueue(r.queueId());
            update("DELETE FROM FMQ_DUPLICATE_WINDOW WHERE DEST_TYPE = ? AND DEST_NAME = ?", r.kind(), r.name());
            update("DELETE FROM FMQ_DESTINATION WHERE DEST_TYPE = ? AND DEST_NAME = ?", r.kind(), r.name());
        } else if (record instanceof JournalRecord.SubscriptionCreated r) {
            update("INSERT INTO FMQ_SUBSCRIPTION (QUEUE_ID, CLIENT_ID, SUB_NAME, TOPIC_NAME, SELECTOR_TEXT, NO_LOCAL, "
                    + "IS_SHARED, CREATED_AT) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", r.queueId(),
                    JournalSchema.clientIdColumn(r.clientId()), r.name(), r.topic(), r.selector(),
                    (short) (r.noLocal() ? 1 : 0), (short) (r.shared() ? 1 : 0), now);
        } else if (record instanceof JournalRecord.SubscriptionDeleted r) {
            releaseQueue(r.queueId());
            update("DELETE FROM FMQ_SUBSCRIPTION WHERE QUEUE_ID = ?", r.queueId());
        } else if (record instanceof JournalRecord.TransactionEnded r) { // rolled back: its messages reached no queue
            update("DELETE FROM FMQ_MSG_CHUNK WHERE MSG_NO IN (SELECT MSG_NO FROM FMQ_XA_SEND WHERE TX_NO = ?)",
                    r.txNo());
            update("DELETE FROM FMQ_MSG_PROPERTY WHERE MSG_NO IN (SELECT MSG_NO FROM FMQ_XA_SEND WHERE TX_NO = ?)",
                    r.txNo());
            update("DELETE FROM FMQ_MESSAGE WHERE MSG_NO IN (SELECT MSG_NO FROM FMQ_XA_SEND WHERE TX_NO = ?)",
                    r.txNo());
            end(r.txNo());
        } else {
            throw new IllegalArgumentException("The JDBC journal cannot store " + record);
        }
    }

    /**
     * A prepared branch: its messages (each once), then the branch, the queues its messages
     * go to on commit and the places it acknowledged.
     */
    private void prepare(PreparedTransaction tx) throws SQLException {
        Set<Long> stored = new HashSet<>();
        for (PreparedTransaction.Send send : tx.sends()) {
            if (stored.add(send.message().messageNo())) {
                add(new JournalRecord.MessageStored(send.message()));
            }
        }
        HexFormat hex = HexFormat.of();
        PreparedStatement branch = batch(Batched.INSERT_XA_BRANCH);
        branch.setLong(1, tx.txNo());
        branch.setInt(2, tx.formatId());
        branch.setString(3, hex.formatHex(tx.globalId()));
        branch.setString(4, hex.formatHex(tx.branchId()));
        branch.setLong(5, System.currentTimeMillis());
        added(Batched.INSERT_XA_BRANCH);
        for (PreparedTransaction.Send send : tx.sends()) {
            PreparedStatement s = batch(Batched.INSERT_XA_SEND);
            s.setLong(1, tx.txNo());
            s.setLong(2, send.queueId());
            s.setLong(3, send.message().messageNo());
            added(Batched.INSERT_XA_SEND);
        }
        for (PreparedTransaction.Ack ack : tx.acks()) {
            PreparedStatement s = batch(Batched.INSERT_XA_ACK);
            s.setLong(1, tx.txNo());
            s.setLong(2, ack.queueId());
            s.setLong(3, ack.reference().seq());
            added(Batched.INSERT_XA_ACK);
        }
    }

    /** Forgets an ended branch's rows. */
    private void end(long txNo) throws SQLException {
        for (Batched b : new Batched[] {Batched.DELETE_XA_SEND, Batched.DELETE_XA_ACK, Batched.DELETE_XA_BRANCH}) {
            batch(b).setLong(1, txNo);
            added(b);
        }
    }

    /** Drops every reference a queue holds, and the messages no other queue references. */
    private void releaseQueue(long queueId) throws SQLException {
        update("UPDATE FMQ_MESSAGE SET REF_COUNT = REF_COUNT - 1 WHERE MSG_NO IN "
                + "(SELECT MSG_NO FROM FMQ_QUEUE_REF WHERE QUEUE_ID = ?)", queueId);
        update("DELETE FROM FMQ_QUEUE_REF WHERE QUEUE_ID = ?", queueId);
        update("DELETE FROM FMQ_MSG_CHUNK WHERE MSG_NO IN (SELECT MSG_NO FROM FMQ_MESSAGE WHERE REF_COUNT <= 0)");
        update("DELETE FROM FMQ_MSG_PROPERTY WHERE MSG_NO IN (SELECT MSG_NO FROM FMQ_MESSAGE WHERE REF_COUNT <= 0)");
        update("DELETE FROM FMQ_MESSAGE WHERE REF_COUNT <= 0");
    }

    private void update(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = prepare(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        }
    }

    /** Executes every collected batch, in {@link Batched} order. */
    void flush() throws SQLException {
        for (Map.Entry<Long, List<Long>> places : removedPlaces.entrySet()) {
            addRanges(Batched.DELETE_REF, places.getKey(), places.getValue());
        }
        addRanges(Batched.DELETE_PROPERTIES, null, removedProperties);
        addRanges(Batched.DELETE_MESSAGE, null, removedMessages);
        addRanges(Batched.FORGET_DUPLICATE_IDS, null, forgottenEntries);
        forgetRemovals();
        for (Batched b : Batched.values()) {
            if (pending[b.ordinal()]) {
                pending[b.ordinal()] = false;
                statements[b.ordinal()].executeBatch();
            }
        }
    }

    /** One batch entry per run of consecutive numbers, after the queue id when there is one. */
    private void addRanges(Batched b, Long queueId, List<Long> numbers) throws SQLException {
        if (numbers.isEmpty()) {
            return;
        }
        Collections.sort(numbers);
        PreparedStatement s = batch(b);
        int first = queueId == null ? 1 : 2;
        long start = numbers.get(0);
        long end = start;
        for (int i = 1; i <= numbers.size(); i++) {
            long n = i < numbers.size() ? numbers.get(i) : Long.MIN_VALUE;
            if (i < numbers.size() && (n == end + 1 || n == end)) {
                end = n;
                continue;
            }
            if (queueId != null) {
                s.setLong(1, queueId);
            }
            s.setLong(first, start);
            s.setLong(first + 1, end);
            added(b);
            start = n;
            end = n;
        }
    }

    private void forgetRemovals() {
        removedPlaces.clear();
        removedMessages.clear();
        removedProperties.clear();
        forgottenEntries.clear();
    }

    /** Forgets what was collected, after a failed transaction. */
    void clear() throws SQLException {
        forgetRemovals();
        for (Batched b : Batched.values()) {
            if (pending[b.ordinal()]) {
                pending[b.ordinal()] = false;
                statements[b.ordinal()].clearBatch();
            }
        }
    }

    private PreparedStatement batch(Batched b) throws SQLException {
        PreparedStatement s = statements[b.ordinal()];
        if (s == null) {
            s = prepare(b.sql);
            statements[b.ordinal()] = s;
        }
        return s;
    }

    private void added(Batched b) throws SQLException {
        statements[b.ordinal()].addBatch();
        pending[b.ordinal()] = true;
    }

    @Override
    public void close() {
        for (PreparedStatement s : statements) {
            if (s != null) {
                try {
                    s.close();
                } catch (SQLException e) {
                    // the connection is going too
                }
            }
        }
    }
}
