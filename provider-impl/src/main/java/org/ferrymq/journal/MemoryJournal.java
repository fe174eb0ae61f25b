package org.ferrymq.journal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.JournalReplay;
import org.ferrymq.api.journal.PreparedTransaction;
import org.ferrymq.api.journal.StoredMessage;
import org.ferrymq.api.journal.StoredReference;

/**
 * A journal that keeps its records in this JVM's memory. It survives a broker restart in the
 * same JVM (the same instance handed to the new broker) but not the JVM: for tests and for
 * brokers configured with {@code journal=memory}.
 */
public final class MemoryJournal implements Journal {

    private record Reference(long messageNo, int deliveryCount, long deliveryTime) {}

    /** A delayed reference's key, in the order {@link #readDelayed} reads them. */
    private record Delayed(long time, long seq) implements Comparable<Delayed> {
        @Override
        public int compareTo(Delayed other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }

    private record DestinationKey(String kind, String name) {}

    /** Queues and topics in the order they were created, by kind and name. */
    private final Map<DestinationKey, JournalRecord.DestinationCreated> destinations = new LinkedHashMap<>();
    /** Durable subscriptions by queue id. */
    private final Map<Long, JournalRecord.SubscriptionCreated> subscriptions = new LinkedHashMap<>();
    private final Map<Long, StoredMessage> messages = new HashMap<>();
    /** Per queue id, its references by place. */
    private final Map<Long, TreeMap<Long, Reference>> references = new HashMap<>();
    /** Per queue id, its references with a delivery time, in delivery-time order. */
    private final Map<Long, TreeSet<Delayed>> delayed = new HashMap<>();
    /** Per stored message, how many queues still reference it; at zero it is forgotten. */
    private final Map<Long, Integer> referenceCounts = new HashMap<>();
    /** The duplicate IDs of every window, by entry. */
    private final TreeMap<Long, JournalRecord.DuplicateIdAdded> duplicateIds = new TreeMap<>();
    /** Prepared XA branches by number; their sends' messages are in {@link #messages}, on no queue yet. */
    private final Map<Long, PreparedTransaction> prepared = new LinkedHashMap<>();
    private long highestNumber;
    /** Chunks of large bodies by message number, each in chunk order. */
    private final Map<Long, List<byte[]>> chunks = new HashMap<>();

    @Override
    public synchronized void load(JournalReplay replay) {
        chunks.keySet().removeIf(messageNo -> !messages.containsKey(messageNo)); // sends that never finished
        destinations.values().forEach(replay::destination);
        subscriptions.values().forEach(replay::subscription);
        references.forEach((queue, refs) -> {
            if (!refs.isEmpty()) {
                replay.queue(queue, refs.size(), refs.lastKey());
                // a delivered reference with a delivery time waits for its redelivery
                long waitingUntil = refs.values().stream().filter(ref -> ref.deliveryCount() > 0)
                        .mapToLong(Reference::deliveryTime).max().orElse(0);
                if (waitingUntil > 0) {
                    replay.redeliveriesWaiting(queue, waitingUntil);
                }
            }
        });
        duplicateIds.values().forEach(replay::duplicateId);
        for (PreparedTransaction tx : prepared.values()) {
            List<PreparedTransaction.Ack> acks = new ArrayList<>();
            for (PreparedTransaction.Ack ack : tx.acks()) {
                Reference ref = references.getOrDefault(ack.queueId(), new TreeMap<>()).get(ack.reference().seq());
                if (ref != null) {
                    acks.add(new PreparedTransaction.Ack(ack.queueId(), new StoredReference(ack.reference().seq(),
                            ref.deliveryCount(), messages.get(ref.messageNo()), ref.deliveryTime())));
                }
            }
            replay.prepared(new PreparedTransaction(tx.txNo(), tx.formatId(), tx.globalId(), tx.branchId(), tx.sends(),
                    acks));
        }
        replay.highestNumber(highestNumber);
    }

    @Override
    public synchronized List<StoredReference> readQueue(long queueId, long afterSeq, long uptoSeq, int max) {
        TreeMap<Long, Reference> refs = references.get(queueId);
        List<StoredReference> page = new ArrayList<>();
        if (refs == null) {
            return page;
        }
        for (Map.Entry<Long, Reference> e : refs.subMap(afterSeq, false, uptoSeq, true).entrySet()) {
            if (page.size() == max) {
                break;
            }
            if (e.getValue().deliveryTime() == 0) {
                page.add(stored(e.getKey(), e.getValue()));
            }
        }
        return page;
    }

    @Override
    public synchronized List<StoredReference> readDelayed(long queueId, long afterTime, long afterSeq, long dueBy,
            int max) {
        List<StoredReference> page = new ArrayList<>();
        TreeSet<Delayed> keys = delayed.get(queueId);
        if (keys == null) {
            return page;
        }
        for (Delayed key : keys.tailSet(new Delayed(afterTime, afterSeq), false)) {
            if (page.size() == max || key.time() > dueBy) {
                break;
            }
            page.add(stored(key.seq(), references.get(queueId).get(key.seq())));
        }
        return page;
    }

    @Override
    public synchronized List<StoredReference> readExpired(long queueId, long afterSeq, long now, int max) {
        List<StoredReference> page = new ArrayList<>();
        TreeMap<Long, Reference> refs = references.get(queueId);
        if (refs == null) {
            return page;
        }
        for (Map.Entry<Long, Reference> e : refs.tailMap(afterSeq, false).entrySet()) {
            if (page.size() == max) {
                break;
            }
            long expiration = messages.get(e.getValue().messageNo()).expiration();
            if (expiration > 0 && expiration <= now) {
                page.add(stored(e.getKey(), e.getValue()));
            }
        }
        return page;
    }

    @Override
    public synchronized byte[] readBodyChunk(long messageNo, int chunkNo) {
        List<byte[]> body = chunks.get(messageNo);
        return body == null || chunkNo < 0 || chunkNo >= body.size() ? null : body.get(chunkNo);
    }

    private StoredReference stored(long seq, Reference ref) {
        return new StoredReference(seq, ref.deliveryCount(), messages.get(ref.messageNo()), ref.deliveryTime());
    }

    @Override
    public synchronized CompletableFuture<Void> append(List<JournalRecord> batch) {
        for (JournalRecord record : batch) {
            apply(record);
        }
        return CompletableFuture.completedFuture(null);
    }

    private void apply(JournalRecord record) {
        if (record instanceof JournalRecord.DestinationCreated r) {
            destinations.put(new DestinationKey(r.kind(), r.name()), r);
            highestNumber = Math.max(highestNumber, r.queueId());
        } else if (record instanceof JournalRecord.DestinationDeleted r) {
            destinations.remove(new DestinationKey(r.kind(), r.name()));
            duplicateIds.values().removeIf(id -> id.kind().equals(r.kind()) && id.destination().equals(r.name()));
            removeQueue(r.queueId());
        } else if (record instanceof JournalRecord.SubscriptionCreated r) {
            subscriptions.put(r.queueId(), r);
            highestNumber = Math.max(highestNumber, r.queueId());
        } else if (record instanceof JournalRecord.SubscriptionDeleted r) {
            subscriptions.remove(r.queueId());
            removeQueue(r.queueId());
        } else if (record instanceof JournalRecord.MessageStored r) {
            messages.put(r.message().messageNo(), r.message());
            highestNumber = Math.max(highestNumber, r.message().messageNo());
        } else if (record instanceof JournalRecord.BodyChunkAdded r) {
            List<byte[]> body = chunks.computeIfAbsent(r.messageNo(), n -> new ArrayList<>());
            if (r.chunkNo() == body.size()) {
                body.add(r.data());
            }
        } else if (record instanceof JournalRecord.LargeBodyCopied r) {
            List<byte[]> body = chunks.get(r.fromMessageNo());
            if (body != null) {
                chunks.put(r.toMessageNo(), new ArrayList<>(body)); // nobody writes to a chunk
            }
        } else if (record instanceof JournalRecord.LargeBodyReleased r) {
            if (!messages.containsKey(r.messageNo())) {
                chunks.remove(r.messageNo());
            }
        } else if (record instanceof JournalRecord.ReferenceAdded r) {
            if (references.computeIfAbsent(r.queueId(), q -> new TreeMap<>())
                    .put(r.seq(), new Reference(r.messageNo(), r.deliveryCount(), r.deliveryTime())) == null) {
                referenceCounts.merge(r.messageNo(), 1, Integer::sum);
            }
            if (r.deliveryTime() > 0) {
                delayed.computeIfAbsent(r.queueId(), q -> new TreeSet<>()).add(new Delayed(r.deliveryTime(), r.seq()));
            }
        } else if (record instanceof JournalRecord.ReferenceRemoved r) {
            Reference removed = removeReference(r.queueId(), r.seq());
            if (removed != null) {
                unreference(removed.messageNo());
            }
        } else if (record instanceof JournalRecord.ReferenceMoved r) {
            Reference moved = removeReference(r.fromQueueId(), r.fromSeq());
            if (moved != null) {
                references.computeIfAbsent(r.toQueueId(), q -> new TreeMap<>())
                        .put(r.toSeq(), new Reference(moved.messageNo(), 0, 0));
            }
        } else if (record instanceof JournalRecord.TransactionPrepared r) {
            PreparedTransaction tx = r.transaction();
            tx.sends().forEach(send -> messages.put(send.message().messageNo(), send.message()));
            prepared.put(tx.txNo(), tx);
            highestNumber = Math.max(highestNumber, tx.txNo());
        } else if (record instanceof JournalRecord.TransactionEnded r) {
            PreparedTransaction tx = prepared.remove(r.txNo());
            if (tx != null && !r.committed()) {
                tx.sends().forEach(send -> messages.remove(send.message().messageNo()));
                tx.sends().forEach(send -> chunks.remove(send.message().messageNo()));
            }
        } else if (record instanceof JournalRecord.RedeliveryScheduled r) {
            TreeMap<Long, Reference> refs = references.get(r.queueId());
            Reference ref = refs == null ? null : refs.get(r.seq());
            if (ref != null) {
                if (ref.deliveryTime() > 0) {
                    delayed.get(r.queueId()).remove(new Delayed(ref.deliveryTime(), r.seq()));
                }
                refs.put(r.seq(), new Reference(ref.messageNo(), ref.deliveryCount(), r.deliveryTime()));
                delayed.computeIfAbsent(r.queueId(), q -> new TreeSet<>()).add(new Delayed(r.deliveryTime(), r.seq()));
            }
        } else if (record instanceof JournalRecord.DuplicateIdAdded r) {
            duplicateIds.put(r.entry(), r);
        } else if (record instanceof JournalRecord.DuplicateIdsForgotten r) {
            duplicateIds.keySet().removeAll(r.entries());
        } else if (record instanceof JournalRecord.DeliveriesCounted r) {
            TreeMap<Long, Reference> refs = references.get(r.queueId());
            if (refs != null) {
                refs.subMap(r.firstSeq(), true, r.lastSeq(), true).replaceAll(
                        (seq, ref) -> new Reference(ref.messageNo(), r.deliveryCount(), ref.deliveryTime()));
            }
        }
    }

    private Reference removeReference(long queueId, long seq) {
        TreeMap<Long, Reference> refs = references.get(queueId);
        Reference removed = refs == null ? null : refs.remove(seq);
        if (removed != null && removed.deliveryTime() > 0) {
            delayed.get(queueId).remove(new Delayed(removed.deliveryTime(), seq));
        }
        return removed;
    }

    private void removeQueue(long queueId) {
        delayed.remove(queueId);
        TreeMap<Long, Reference> refs = references.remove(queueId);
        if (refs != null) {
            refs.values().forEach(ref -> unreference(ref.messageNo()));
            refs.values().forEach(ref -> {
                if (!messages.containsKey(ref.messageNo())) {
                    chunks.remove(ref.messageNo()); // as the JDBC journal does when a queue goes
                }
            });
        }
    }

    private void unreference(long messageNo) {
        if (referenceCounts.merge(messageNo, -1, Integer::sum) <= 0) {
            referenceCounts.remove(messageNo);
            messages.remove(messageNo);
        }
    }

    /** The number of stored messages, for tests and management. */
    public synchronized int messageCount() {
        return messages.size();
    }

    @Override
    public void close() {
    }
}
