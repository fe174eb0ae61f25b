package org.ferrymq.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.TransactionRolledBackException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.LargeBody;
import org.ferrymq.protocol.MessageData;

/**
 * The broker's side of a session: the deliveries it has in flight and, when transacted,
 * the sends waiting for commit.
 *
 * <p>Invariant: a delivery id in {@code inFlight} names an entry dispatched to this session
 * and neither acknowledged nor returned. The session's generation grows on every recover and
 * rollback, so the client can tell deliveries that the broker has since taken back. Whatever
 * leaves {@code inFlight} is reported to its consumer as settled (after it is back on its
 * queue, when it goes back), which keeps each consumer's unacknowledged bound true.
 *
 * <p>A send carrying a duplicate ID claims it ({@link DuplicateIds}) outside a transaction as it
 * is sent, inside one when it commits; a duplicate is acknowledged (or committed) as if sent and
 * stores nothing.
 */
final class BrokerSession {

    final long id;
    final BrokerConnection connection;
    final boolean transacted;
    private final Broker broker;

    private final LinkedHashMap<Long, QueueEntry> inFlight = new LinkedHashMap<>();
    private final List<MessageData> pendingSends = new ArrayList<>();
    /** Large bodies the client is sending, by its id for them (see {@link LargeBodyTransfer}). */
    private final Map<Long, LargeBodyTransfer> transfers = new HashMap<>();
    /** Why the open local transaction can only roll back: a send of it refused where nobody waited for the answer. */
    private JMSException refusedSend;
    private int generation;
    /** The XA branch the session is associated with, if any: its sends go there. Read on every send, unlocked. */
    private volatile XaBranch branch;

    BrokerSession(Broker broker, BrokerConnection connection, long id, boolean transacted) {
        this.broker = broker;
        this.connection = connection;
        this.id = id;
        this.transacted = transacted;
    }

    /**
     * Called by a queue, under its monitor, for each entry it dispatches to one of our
     * consumers: the entry is in flight from now on; the queue sends the delivery.
     */
    Delivery register(BrokerConsumer consumer, QueueEntry entry) {
        long deliveryId = broker.nextDeliveryId();
        int gen;
        synchronized (this) {
            inFlight.put(deliveryId, entry);
            gen = generation;
        }
        return new Delivery(consumer.id, deliveryId, gen, entry.deliveryCount, entry.message.data);
    }

    /** A delivery that never reached the client goes back to its queue, as never seen. */
    void undeliver(long deliveryId) {
        QueueEntry entry;
        synchronized (this) {
            entry = inFlight.remove(deliveryId);
        }
        if (entry != null) {
            Map<BrokerConsumer, Integer> settled = byConsumer(List.of(entry));
            broker.giveBack(List.of(), List.of(entry));
            settled(settled);
        }
    }

    XaBranch branch() {
        return branch;
    }

    synchronized void associate(XaBranch branch) {
        this.branch = branch;
    }

    synchronized void dissociate(XaBranch ended) {
        if (branch == ended) {
            branch = null;
        }
    }

    /**
     * Sends {@code message}. A memory-only message that finds no room waits for it (see
     * {@link Storage#takeRoom}); with {@code mayWait} false it answers false instead, having
     * kept nothing, and the caller sends it again where it may wait.
     */
    boolean send(MessageData message, boolean mayWait) throws JMSException {
        MessageData sent = finishLargeBody(message);
        try {
            return sendFinished(sent, mayWait || sent.isLarge());
        } catch (JMSException | RuntimeException e) {
            releaseIfLarge(sent); // nothing of it is kept: neither is its body
            throw e;
        }
    }

    private boolean sendFinished(MessageData message, boolean mayWait) throws JMSException {
        XaBranch xa = branch();
        if (xa != null) {
            broker.checkDestination(message.destination()); // a bad destination fails the send, not the prepare
            broker.duplicateIds().idOf(message); // and so does a bad duplicate ID, claimed at prepare
            broker.xa().send(xa, broker.accept(message, connection));
            return true;
        }
        if (transacted) {
            broker.checkDestination(message.destination()); // a bad destination fails the send, not the commit
            broker.duplicateIds().idOf(message); // and so does a bad duplicate ID, claimed at commit
            synchronized (this) {
                pendingSends.add(message);
            }
            return true;
        }
        DuplicateIds.Claim claim = broker.duplicateIds().claim(message, mayWait, List.of());
        if (claim == DuplicateIds.Claim.BUSY) {
            return false;
        }
        if (claim.isDuplicate()) {
            releaseIfLarge(message); // dropped: nothing holds its body
            return true; // acknowledged as if sent
        }
        List<JournalRecord> records = new ArrayList<>(4);
        List<QueueEntry> entries;
        try {
            entries = broker.route(broker.accept(message, connection), records, mayWait);
        } catch (JMSException | RuntimeException e) {
            claim.released();
            throw e;
        }
        if (entries == null) {
            claim.released();
            return false;
        }
        if (!records.isEmpty()) {
            claim.journal(records);
        }
        broker.store(records, entries, List.of(), claim.holds() ? List.of(claim) : List.of());
        if (entries.isEmpty()) {
            releaseIfLarge(message); // a topic without subscribers: nobody holds the body
        }
        return true;
    }

    // ---- large messages ----

    /** Large bodies one session may be sending at once; a FerryMQ client sends one at a time. */
    static final int MAX_TRANSFERS = 8;

    /** Opens the transfer of a large body to {@code destination}, which must exist or be creatable. */
    void beginLargeBody(long bodyId, DestinationName destination) throws JMSException {
        broker.checkDestination(destination);
        synchronized (this) {
            if (transfers.containsKey(bodyId)) {
                throw new JMSException("Large message body " + bodyId + " is open already in session " + id);
            }
            if (transfers.size() >= MAX_TRANSFERS) {
                throw new ResourceAllocationException("Session " + id + " has " + transfers.size() + " large message "
                        + "bodies open, as many as one session may send at once; finish or abort one first");
            }
            transfers.put(bodyId, new LargeBodyTransfer(broker.storage(), bodyId, destination));
        }
    }

    void largeBodyChunk(long bodyId, byte[] data, boolean confirm) throws JMSException {
        LargeBodyTransfer transfer = transfer(bodyId, false);
        try {
            transfer.chunk(data, confirm);
        } catch (JMSException | RuntimeException e) {
            transfer(bodyId, true); // failed for good: forgotten, its chunks deleted
            throw e;
        }
    }

    void abortLargeBody(long bodyId) {
        LargeBodyTransfer transfer;
        synchronized (this) {
            transfer = transfers.remove(bodyId);
        }
        if (transfer != null) {
            transfer.abandon();
        }
    }

    private LargeBodyTransfer transfer(long bodyId, boolean remove) throws JMSException {
        LargeBodyTransfer transfer;
        synchronized (this) {
            transfer = remove ? transfers.remove(bodyId) : transfers.get(bodyId);
        }
        if (transfer == null && !remove) {
            throw new JMSException("Session " + id + " has no large message body " + bodyId + " open (it failed, was "
                    + "aborted, or the connection was lost meanwhile); send the message again");
        }
        return transfer;
    }

    /** A sent message whose body is a large one: its transfer ends, and the body is the broker's. */
    private MessageData finishLargeBody(MessageData message) throws JMSException {
        if (!(message.body() instanceof LargeBody sent)) {
            return message;
        }
        LargeBodyTransfer transfer = transfer(sent.bodyId(), true);
        if (transfer == null) { // e.g. a send repeated on a new connection: the body went with the old one
            throw new JMSException("Session " + id + " has no large message body " + sent.bodyId() + " open for the "
                    + "message sent to " + message.destination() + " (it failed, was aborted, or the connection was "
                    + "lost meanwhile); send the message again");
        }
        LargeBody stored = transfer.finish(sent);
        return message.toBuilder().body(stored).build();
    }

    private void releaseIfLarge(MessageData message) {
        releaseLarge(List.of(message));
    }

    /** The bodies of those of {@code messages} that are large are no longer needed: deleted before this answers. */
    private void releaseLarge(List<MessageData> messages) {
        List<Long> bodies = new ArrayList<>();
        for (MessageData message : messages) {
            if (message.body() instanceof LargeBody large) {
                bodies.add(large.bodyId());
            }
        }
        if (!bodies.isEmpty()) {
            broker.storage().awaitRelease(broker.storage().releaseBodies(bodies));
        }
    }

    /**
     * Chunk {@code chunkNo} of the body of the large message delivered as {@code deliveryId},
     * while it is in flight here; null past the body's end.
     */
    byte[] readLargeBody(long deliveryId, int chunkNo) throws JMSException {
        QueueEntry entry;
        synchronized (this) {
            entry = inFlight.get(deliveryId);
        }
        if (entry == null) {
            throw new IllegalStateException("The body of delivery " + deliveryId + " cannot be read: session " + id
                    + " no longer holds it (acknowledged, committed, or taken back by a recover, rollback or close); "
                    + "read a large message's body before acknowledging it");
        }
        if (!(entry.message.data.body() instanceof LargeBody large)) {
            throw new JMSException("Delivery " + deliveryId + " is not a large message; its body came with it");
        }
        return broker.storage().readBodyChunk(large.bodyId(), chunkNo);
    }

    void acknowledge(long[] deliveryIds) throws JMSException {
        List<QueueEntry> acked = take(deliveryIds);
        List<JournalRecord> records = new ArrayList<>(acked.size());
        broker.store(records, List.of(), acked);
    }

    /**
     * Acknowledges without waiting for the journal: the deliveries leave flight now, and the
     * client hears through its channel when their removal is settled.
     */
    void acknowledgeAsync(long[] deliveryIds) {
        int deliveries = deliveryIds.length;
        broker.acknowledgeAsync(take(deliveryIds),
                failure -> connection.channel.acknowledgementsSettled(id, deliveries, failure));
    }

    /**
     * A send of this session was refused and its sender did not wait to hear it (a transport's
     * one-way send): when it belonged to the open local transaction, that transaction can only
     * roll back now, so its commit fails rather than store the rest without it.
     */
    synchronized void sendRefusedUnheard(JMSException refusal) {
        if (transacted && branch == null && refusedSend == null) {
            refusedSend = refusal;
        }
    }

    void commit(long[] consumed) throws JMSException {
        List<MessageData> sends;
        JMSException refused;
        synchronized (this) {
            sends = new ArrayList<>(pendingSends);
            pendingSends.clear();
            refused = refusedSend;
            refusedSend = null;
        }
        if (refused != null) { // what it consumed stays in flight: the client's rollback gives it back
            releaseLarge(sends);
            TransactionRolledBackException e = new TransactionRolledBackException("A message sent in this "
                    + "transaction was refused, so none of its " + sends.size() + " accepted send(s) is stored: "
                    + refused.getMessage());
            e.setLinkedException(refused);
            e.initCause(refused);
            throw e;
        }
        List<JournalRecord> records = new ArrayList<>();
        List<QueueEntry> routed = new ArrayList<>();
        List<DuplicateIds.Claim> claims = new ArrayList<>();
        try {
            for (MessageData message : sends) {
                // duplicate IDs are taken now: a rolled-back send never took its own
                DuplicateIds.Claim claim = broker.duplicateIds().claim(message, true, claims);
                if (claim.isDuplicate()) {
                    continue; // committed as if sent
                }
                if (claim.holds()) {
                    claims.add(claim);
                }
                int before = records.size();
                routed.addAll(broker.route(broker.accept(message, connection), records, true));
                if (records.size() > before) {
                    claim.journal(records);
                }
            }
        } catch (JMSException | RuntimeException e) { // e.g. no room: none of the transaction's sends is kept
            routed.forEach(entry -> entry.queue.abandon(entry));
            claims.forEach(DuplicateIds.Claim::released);
            releaseLarge(sends);
            throw e;
        }
        try {
            broker.store(records, routed, take(consumed), claims);
        } catch (JMSException | RuntimeException e) {
            releaseLarge(sends); // stored after all (an unknown outcome), the message keeps its body
            throw e;
        }
        for (MessageData message : sends) {
            if (message.body() instanceof LargeBody large
                    && routed.stream().noneMatch(entry -> entry.message.messageNo == large.bodyId())) {
                releaseIfLarge(message); // a duplicate, or a topic without subscribers: nobody holds the body
            }
        }
    }

    int rollback(long[] consumed) {
        List<MessageData> dropped;
        synchronized (this) {
            dropped = new ArrayList<>(pendingSends);
            pendingSends.clear();
            refusedSend = null;
        }
        releaseLarge(dropped);
        return recover(consumed);
    }

    /**
     * Takes back everything in flight: {@code consumed} deliveries (all of them when null)
     * come back flagged as redelivered, the rest (prefetched, never seen) as they were.
     * Answers the new generation.
     */
    int recover(long[] consumed) {
        return recover(consumed, new long[0]);
    }

    /**
     * {@link #recover(long[])}, where the {@code refused} deliveries (bodies receiveBody could
     * not return) come back as never seen but each refusal counts as a delivery attempt.
     */
    int recover(long[] consumed, long[] refused) {
        Set<Long> seen = consumed == null ? null : toSet(consumed);
        Set<Long> refusedIds = toSet(refused);
        List<QueueEntry> redeliver = new ArrayList<>();
        List<QueueEntry> release = new ArrayList<>();
        Map<BrokerConsumer, Integer> settled;
        int newGeneration;
        synchronized (this) {
            for (Map.Entry<Long, QueueEntry> e : inFlight.entrySet()) {
                (seen == null || seen.contains(e.getKey()) ? redeliver : release).add(e.getValue());
                if (refusedIds.contains(e.getKey())) {
                    e.getValue().refusedAttempts++; // read when the queue takes it back, on this thread
                }
            }
            settled = byConsumer(inFlight.values());
            inFlight.clear();
            newGeneration = ++generation;
        }
        broker.giveBack(redeliver, release);
        settled(settled); // only now: a consumer freed earlier could be sent later messages ahead of these
        return newGeneration;
    }

    /** A consumer closed: what it had only prefetched goes back; what it consumed stays with the session. */
    void consumerClosed(BrokerConsumer consumer, long[] consumed) {
        Set<Long> seen = toSet(consumed);
        List<QueueEntry> release = new ArrayList<>();
        synchronized (this) {
            Iterator<Map.Entry<Long, QueueEntry>> it = inFlight.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Long, QueueEntry> e = it.next();
                if (e.getValue().consumer == consumer && !seen.contains(e.getKey())) {
                    release.add(e.getValue());
                    it.remove();
                }
            }
        }
        broker.giveBack(List.of(), release);
        consumer.settled(release.size());
    }

    /** Queues that hold deliveries this session has not yet settled. */
    synchronized Set<MessageQueue> queuesInFlight() {
        Set<MessageQueue> result = new HashSet<>();
        for (QueueEntry entry : inFlight.values()) {
            result.add(entry.queue);
        }
        return result;
    }

    void close(long[] consumed) {
        broker.xa().sessionClosed(this, consumed);
        List<MessageData> dropped;
        List<LargeBodyTransfer> open;
        synchronized (this) {
            dropped = new ArrayList<>(pendingSends);
            pendingSends.clear();
            open = new ArrayList<>(transfers.values());
            transfers.clear();
        }
        releaseLarge(dropped);
        open.forEach(LargeBodyTransfer::abandon);
        recover(consumed);
    }

    /** Takes deliveries out of flight, for acknowledgement; unknown ids are skipped. */
    List<QueueEntry> take(long[] deliveryIds) {
        List<QueueEntry> taken = new ArrayList<>(deliveryIds.length);
        Map<BrokerConsumer, Integer> settled;
        synchronized (this) {
            for (long deliveryId : deliveryIds) {
                QueueEntry entry = inFlight.remove(deliveryId);
                if (entry != null) {
                    taken.add(entry);
                }
            }
            settled = byConsumer(taken);
        }
        settled(settled);
        return taken;
    }

    /** How many of {@code entries} each consumer was dispatched; read before a give-back clears their consumer. */
    private static Map<BrokerConsumer, Integer> byConsumer(Collection<QueueEntry> entries) {
        if (entries.size() == 1) { // one acknowledgement at a time, the common case: no map to fill
            QueueEntry only = entries.iterator().next();
            return only.consumer == null ? Map.of() : Map.of(only.consumer, 1);
        }
        Map<BrokerConsumer, Integer> counts = new HashMap<>();
        for (QueueEntry entry : entries) {
            if (entry.consumer != null) {
                counts.merge(entry.consumer, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static void settled(Map<BrokerConsumer, Integer> counts) {
        counts.forEach(BrokerConsumer::settled);
    }

    private static Set<Long> toSet(long[] ids) {
        Set<Long> set = new HashSet<>(ids.length * 2);
        for (long id : ids) {
            set.add(id);
        }
        return set;
    }
}
