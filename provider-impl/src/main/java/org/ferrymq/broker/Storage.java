package org.ferrymq.broker;

import jakarta.jms.JMSException;
import jakarta.jms.ResourceAllocationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalOutcomeUnknownException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.protocol.LargeBody;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's storage: its writes to the journal and the waits for them, the memory that
 * journaled messages hold (which decides when a queue pages), the reads of pages back from the
 * journal, and the numbers that are unique in it.
 *
 * <p>A caller never waits for the journal longer than the journal timeout: past it, the
 * outcome of a write is unknown, and what follows it when it settles runs here, on a thread of
 * its own, in the order the writes settle. Memory is counted per journaled entry from the moment
 * a queue holds it until its removal is stored.
 *
 * <p>Entries the journal never holds (non-persistent messages, and every message on a temporary
 * queue or a non-durable subscription) cannot page: they are counted apart, against
 * {@code maxNonPersistentMemory} and, per queue, {@code maxDestinationMemory}, from the moment
 * a send takes room for them until they leave their queue (acknowledged, expired,
 * dead-lettered, or their queue deleted). A send that finds no room waits for it or is refused,
 * and then nothing of it is kept.
 *
 * <p>Large messages (a {@link LargeBody}): the body is in the journal's chunks whatever the
 * message's delivery mode, and never in memory; only the headers count against the limits
 * above. The chunks go once nothing needs them: the journal deletes them after the removal of
 * the message's last durable reference unless a memory-only entry still holds the body (each
 * such entry {@linkplain #bodyPins pins} it), and when the last pin goes unless the message is
 * still stored.
 */
final class Storage {

    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    private final BrokerConfig config;
    private final Journal journal;
    /** Reads pages back from the journal, so no dispatching thread waits for the database. */
    private final ThreadPoolExecutor pager;
    /**
     * Carries out what follows a journal write that settled after its caller gave up on it, in
     * the order the writes settle; never on the journal's own thread, which must not wait for itself.
     */
    private final ExecutorService lateWrites;
    /** Bytes of journaled messages held in memory, against {@link BrokerConfig#maxMemory()}. */
    private final AtomicLong memoryInUse = new AtomicLong();
    private final AtomicLong numbers = new AtomicLong();
    /**
     * Guards the accounting of memory-only entries: {@link #memoryOnlyInUse}, each queue's
     * {@link MessageQueue#memoryOnlyBytes} and each entry's {@link QueueEntry#roomCounted}.
     * Never held while taking a queue's monitor (a queue may take it under its own), so a
     * sender waiting for room holds nothing that consumers need to make it.
     */
    private final Object room = new Object();
    private long memoryOnlyInUse;
    private volatile Consumer<QueueEntry> onExpired = this::discard;
    /** Memory-only entries holding each large body, by message number; guarded by {@link #room}. */
    private final Map<Long, Integer> bodyPins = new HashMap<>();

    Storage(BrokerConfig config, Journal journal) {
        this.config = config;
        this.journal = journal;
        this.pager = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Timers.daemonThreads(config.name() + "-pager"));
        this.lateWrites = Executors.newSingleThreadExecutor(Timers.daemonThreads(config.name() + "-late-writes"));
    }

    /** Writes a batch to the journal and waits until it is durable. */
    void persist(List<JournalRecord> records) throws JMSException {
        if (!records.isEmpty()) {
            await(journal.append(records));
        }
    }

    /** Appends a batch (none when it is empty) without waiting. */
    CompletableFuture<Void> append(List<JournalRecord> records) {
        return records.isEmpty() ? CompletableFuture.completedFuture(null) : journal.append(records);
    }

    /**
     * Waits for a journal write, at most the journal timeout: a sender hears of a database
     * outage as a JMSException, not as a hang. A write still unfinished by then, or one whose
     * commit the database failed to confirm, may still be stored: that is an
     * {@link OutcomeUnknownException}, never a plain failure.
     */
    void await(CompletableFuture<Void> written) throws JMSException {
        long timeout = config.journalTimeoutMillis();
        try {
            written.get(timeout, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutcomeUnknownException("Interrupted while waiting for the journal of broker '" + config.name()
                    + "'; the change may still be stored", e);
        } catch (TimeoutException e) {
            throw new OutcomeUnknownException("The journal of broker '" + config.name() + "' did not confirm the "
                    + "change within " + timeout + " ms (setting " + BrokerConfig.JOURNAL_TIMEOUT + "); its database "
                    + "may be down, overloaded or waiting for a lock. The change is not applied yet, but its outcome "
                    + "is unknown: it may still be stored", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JournalOutcomeUnknownException) {
                throw new OutcomeUnknownException("The journal of broker '" + config.name() + "' cannot tell whether "
                        + "the change was stored: " + cause.getMessage(), cause);
            }
            JMSException failure = new JMSException("The journal of broker '" + config.name()
                    + "' could not store the change: " + cause.getMessage());
            failure.initCause(cause);
            throw failure;
        }
    }

    /**
     * Runs {@code then} once a journal write a caller gave up on settles, with its failure
     * (null once stored), on the broker's own thread for late writes, in settling order.
     */
    void afterSettled(CompletableFuture<Void> written, Consumer<Throwable> then) {
        written.whenCompleteAsync((ok, failure) -> {
            Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
            try {
                then.accept(cause);
            } catch (RuntimeException e) {
                LOG.error("Broker '{}' could not settle a late journal write", config.name(), e);
            }
        }, lateWrites);
    }

    /** A new message number, XA branch number or queue id, unique in the journal. */
    long nextNumber() {
        return numbers.incrementAndGet();
    }

    /** Numbers handed out from now on are above {@code highest}, the highest number the journal holds. */
    void numbersAfter(long highest) {
        numbers.accumulateAndGet(highest, Math::max);
    }

    /**
     * Records that an entry leaves its queue for good (acknowledged, expired or discarded); a
     * large message's body goes with its last reference, unless a memory-only entry still holds it.
     */
    void removal(QueueEntry entry, List<JournalRecord> records) {
        if (entry.journaled() && !entry.queue.isDeleted()) {
            records.add(new JournalRecord.ReferenceRemoved(entry.queue.id, entry.sequence, entry.message));
            if (entry.message.data.isLarge() && !pinned(entry.message.messageNo)) {
                records.add(new JournalRecord.LargeBodyReleased(entry.message.messageNo));
            }
        }
    }

    // ---- large bodies ----

    private boolean pinned(long messageNo) {
        synchronized (room) {
            return bodyPins.containsKey(messageNo);
        }
    }

    /** A memory-only entry holds {@code message}'s body from now on (under {@link #room}). */
    private void pin(ServerMessage message) {
        if (message.data.isLarge()) {
            bodyPins.merge(message.messageNo, 1, Integer::sum);
        }
    }

    /** A memory-only entry no longer holds {@code message}'s body (under {@link #room}); the last one releases it. */
    private void unpin(ServerMessage message) {
        if (message.data.isLarge() && bodyPins.merge(message.messageNo, -1, (held, one) -> held + one == 0
                ? null : held + one) == null) {
            releaseBody(message.messageNo);
        }
    }

    /**
     * The broker no longer needs the chunks of large message {@code messageNo} (its send was
     * abandoned or refused, or its last memory-only entry left): the journal deletes them unless
     * the message is stored. Not waited for: a failure leaves chunks that the next start removes.
     */
    void releaseBody(long messageNo) {
        releaseBodies(List.of(messageNo));
    }

    /**
     * As {@link #releaseBody}, for several bodies in one write; answers when it ends, failed or not
     * (see {@link #awaitRelease}).
     */
    CompletableFuture<Void> releaseBodies(List<Long> messageNos) {
        if (messageNos.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<JournalRecord> records = new ArrayList<>(messageNos.size());
        messageNos.forEach(n -> records.add(new JournalRecord.LargeBodyReleased(n)));
        return journal.append(records).exceptionally(e -> {
            LOG.warn("Broker '{}' could not delete the body chunks of large message(s) {}; the next start removes them:"
                    + " {}", config.name(), messageNos, e.toString());
            return null;
        });
    }

    /**
     * Waits, at most the journal timeout, for a release: what a client undid (a rollback, an
     * abandoned send) is gone from the journal when it hears so. A release that fails or takes
     * longer is only logged; the next start removes what it left.
     */
    void awaitRelease(CompletableFuture<Void> released) {
        try {
            released.get(config.journalTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // logged by releaseBodies, or still on its way
        }
    }

    /** Chunk {@code chunkNo} of large message {@code messageNo}'s body, or null past its end. */
    byte[] readBodyChunk(long messageNo, int chunkNo) throws JMSException {
        try {
            return journal.readBodyChunk(messageNo, chunkNo);
        } catch (JournalException e) {
            JMSException failure = new JMSException("Broker '" + config.name() + "' could not read the body of a large "
                    + "message from its journal: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    /** Entries whose removal is stored: their memory is free. */
    void removed(List<QueueEntry> entries) {
        for (QueueEntry entry : entries) {
            entry.queue.statistics.removed(1);
            if (entry.group != null) {
                entry.queue.acknowledgedInGroup(entry);
            }
            if (entry.journaled()) {
                memoryInUse.addAndGet(-entry.message.size);
            } else {
                giveBackRoom(entry);
            }
        }
    }

    /**
     * Hands an expired entry a queue took off (held: neither waiting nor delivered) to what the
     * broker does with expired messages ({@link Expiry}). Called under the queue's monitor.
     */
    void expired(QueueEntry entry) {
        onExpired.accept(entry);
    }

    /** Makes {@code handler} take the expired entries of every queue; until then they are {@link #discard}ed. */
    void onExpired(Consumer<QueueEntry> handler) {
        this.onExpired = handler;
    }

    /** Drops an expired entry: its removal is journaled without waiting, and it counts as expired on its queue. */
    void discard(QueueEntry entry) {
        entry.queue.countExpired(1);
        List<JournalRecord> records = new ArrayList<>(1);
        removal(entry, records);
        removed(List.of(entry));
        if (!records.isEmpty()) {
            journal.append(records).exceptionally(e -> {
                LOG.warn("Could not record the expiry of message {} on '{}': {}", entry.message.messageId(),
                        entry.queue.name, e.toString());
                return null;
            });
        }
    }

    /** A journaled entry is held in memory from now on, until its removal is stored. */
    void memoryAcquired(QueueEntry entry) {
        memoryInUse.addAndGet(entry.message.size);
    }

    /** A journaled entry leaves memory but not its queue: it waits in the journal (for its redelivery). */
    void memoryReleased(QueueEntry entry) {
        memoryInUse.addAndGet(-entry.message.size);
    }

    /** Whether journaled messages in memory exceed {@code maxMemory}: queues then leave new ones in the journal. */
    boolean memoryFull() {
        return memoryInUse.get() > config.maxMemory();
    }

    /** Bytes of journaled messages held in memory now, the figure {@code maxMemory} limits. */
    long memoryInUse() {
        return memoryInUse.get();
    }

    // ---- memory-only entries ----

    /** Whether {@code queue} would hold {@code message} in memory only, never in the journal. */
    static boolean memoryOnly(MessageQueue queue, ServerMessage message) {
        return !(queue.durable && message.persistent());
    }

    /**
     * Takes room for {@code message} on each of {@code targets} that would hold it in memory
     * only, within {@code maxNonPersistentMemory} and {@code maxDestinationMemory}. Without
     * room, it waits for consumers to make some (onFull=block, up to blockOnFullTimeout), then
     * refuses the send with a ResourceAllocationException; with {@code mayWait} false it answers
     * null instead of waiting, having taken nothing. Answers the targets room was taken on: the
     * caller hands them to {@link #roomTaken} once it has made the entries.
     */
    List<MessageQueue> takeRoom(ServerMessage message, List<MessageQueue> targets, boolean mayWait)
            throws ResourceAllocationException {
        List<MessageQueue> memoryOnly = new ArrayList<>(targets.size());
        for (MessageQueue target : targets) {
            if (memoryOnly(target, message)) {
                memoryOnly.add(target);
            }
        }
        if (memoryOnly.isEmpty()) {
            return memoryOnly;
        }
        long size = message.size;
        long need = size * memoryOnly.size();
        long perQueue = config.maxDestinationMemory();
        if (need > config.maxNonPersistentMemory() || (perQueue > 0 && size > perQueue)) {
            throw new ResourceAllocationException(describe(message) + " takes " + size + " bytes"
                    + (memoryOnly.size() > 1 ? " on each of " + memoryOnly.size() + " subscriptions" : "")
                    + ", more than broker '" + config.name() + "' ever holds in memory only (broker settings '"
                    + BrokerConfig.MAX_NON_PERSISTENT_MEMORY + "' " + config.maxNonPersistentMemory() + " bytes, '"
                    + BrokerConfig.MAX_DESTINATION_MEMORY + "' " + (perQueue > 0 ? perQueue + " bytes" : "no limit")
                    + "); send it persistent to a durable queue or topic subscription, or raise the setting");
        }
        boolean block = config.onFull() == BrokerConfig.OnFull.BLOCK && config.blockOnFullTimeoutMillis() > 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.blockOnFullTimeoutMillis());
        synchronized (room) {
            while (true) {
                String full = noRoom(message, memoryOnly, need);
                if (full == null) {
                    memoryOnlyInUse += need;
                    for (MessageQueue queue : memoryOnly) {
                        queue.memoryOnlyBytes += size;
                    }
                    return memoryOnly;
                }
                if (!block) {
                    throw new ResourceAllocationException(full + "; the send is refused at once (broker setting '"
                            + BrokerConfig.ON_FULL + "' is " + config.onFull().name().toLowerCase(java.util.Locale.ROOT)
                            + ", '" + BrokerConfig.BLOCK_ON_FULL_TIMEOUT + "' " + config.blockOnFullTimeoutMillis()
                            + " ms)" + REMEDY);
                }
                if (!mayWait) {
                    return null;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ResourceAllocationException(full + "; the send waited " + config.blockOnFullTimeoutMillis()
                            + " ms (broker setting '" + BrokerConfig.BLOCK_ON_FULL_TIMEOUT + "') for consumers to make"
                            + " room, and is refused" + REMEDY);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(room, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ResourceAllocationException(full + "; the send was interrupted while it waited for room,"
                            + " and is refused");
                }
            }
        }
    }

    private static final String REMEDY = ". Nothing of the message is kept. Let consumers catch up, send persistent"
            + " messages to a durable queue or subscription (the journal pages those), or raise the setting";

    /** Why there is no room for {@code message} on {@code queues} now; null when there is. Under {@link #room}. */
    private String noRoom(ServerMessage message, List<MessageQueue> queues, long need) {
        long limit = config.maxNonPersistentMemory();
        if (memoryOnlyInUse + need > limit) {
            return "Broker '" + config.name() + "' holds " + memoryOnlyInUse + " bytes of messages kept in memory only"
                    + " (non-persistent ones, and those on temporary queues and non-durable subscriptions); "
                    + describe(message) + " (" + message.size + " bytes" + (queues.size() > 1 ? " on each of "
                    + queues.size() + " subscriptions" : "") + ") would take it past the limit of " + limit
                    + " bytes (broker setting '" + BrokerConfig.MAX_NON_PERSISTENT_MEMORY + "')";
        }
        long perQueue = config.maxDestinationMemory();
        if (perQueue > 0) {
            for (MessageQueue queue : queues) {
                if (queue.memoryOnlyBytes + message.size > perQueue) {
                    String where = message.data.destination().kind().isQueue() ? "Queue '" + shown(queue.name) + "'"
                            : "Subscription '" + shown(queue.name) + "' of topic '"
                            + shown(message.data.destination().name()) + "'";
                    return where + " holds " + queue.memoryOnlyBytes + " bytes of messages kept in memory only; "
                            + describe(message) + " (" + message.size + " bytes) would take it past the limit of "
                            + perQueue + " bytes per queue or subscription (broker setting '"
                            + BrokerConfig.MAX_DESTINATION_MEMORY + "')";
                }
            }
        }
        return null;
    }

    private static String describe(ServerMessage message) {
        return "the message sent to " + (message.data.destination().kind().isQueue() ? "queue '" : "topic '")
                + shown(message.data.destination().name()) + "'";
    }

    /**
     * The entries {@link #takeRoom} made room for now hold it, until they leave their queues;
     * room taken on a queue that got no entry (deleted meanwhile) is given back.
     */
    void roomTaken(ServerMessage message, List<MessageQueue> reserved, List<QueueEntry> entries) {
        if (reserved.isEmpty()) {
            return;
        }
        List<MessageQueue> unused = new ArrayList<>(reserved);
        synchronized (room) {
            for (QueueEntry entry : entries) {
                if (memoryOnly(entry.queue, entry.message) && unused.remove(entry.queue)) {
                    entry.roomCounted = true;
                    pin(entry.message);
                }
            }
            for (MessageQueue queue : unused) {
                queue.memoryOnlyBytes -= message.size;
                memoryOnlyInUse -= message.size;
            }
            if (!unused.isEmpty()) {
                room.notifyAll();
            }
        }
    }

    /**
     * Counts memory-only entries that must be taken whatever the limits (the sends of a
     * committing XA transaction, messages moved to the dead-letter queue): they may take the
     * figures past their limits, which then refuse other sends until room is made.
     */
    void countWithoutLimit(List<QueueEntry> entries) {
        synchronized (room) {
            for (QueueEntry entry : entries) {
                if (memoryOnly(entry.queue, entry.message) && !entry.roomCounted) {
                    entry.roomCounted = true;
                    pin(entry.message);
                    entry.queue.memoryOnlyBytes += entry.message.size;
                    memoryOnlyInUse += entry.message.size;
                }
            }
        }
    }

    /** A memory-only entry left its queue for good: its room is free, and senders waiting for room hear of it. */
    void giveBackRoom(QueueEntry entry) {
        synchronized (room) {
            if (entry.roomCounted) {
                entry.roomCounted = false;
                unpin(entry.message);
                entry.queue.memoryOnlyBytes -= entry.message.size;
                memoryOnlyInUse -= entry.message.size;
                room.notifyAll();
            }
        }
    }

    Journal journal() {
        return journal;
    }

    /** Runs a queue's read of its next page on the pager's thread (not once closing). */
    void readPageLater(Runnable pageRead) {
        try {
            pager.execute(pageRead);
        } catch (RejectedExecutionException e) {
            // the broker is closing
        }
    }

    /**
     * Why the journal cannot keep a name exactly as it is, or null when it can: too long for
     * its columns, or holding what not every database stores (PostgreSQL refuses NUL; an
     * unpaired surrogate is no character, and a driver would store it as '?').
     */
    static String unstorable(String name) {
        if (name.length() > Journal.MAX_NAME_LENGTH) {
            return "is " + name.length() + " characters long; the journal keeps names of at most "
                    + Journal.MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\u0000') {
                return "contains a NUL character (U+0000), which not every journal database can store";
            }
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate (at index " + i + "), which is not a character";
            }
        }
        return null;
    }

    /** A name for an error message: a long one cut short. */
    static String shown(String name) {
        return name.length() <= 40 ? name : name.substring(0, 40) + "...";
    }

    /**
     * Stops reading pages and closes the journal; what the journal settles on closing is still
     * carried out. A page read under way finishes first: interrupting a thread in the middle of
     * a database read can break more than the read (H2 closes its database), so the pager is
     * never interrupted; the reads still queued are dropped.
     */
    void close() {
        pager.shutdown();
        pager.getQueue().clear();
        try {
            if (!pager.awaitTermination(config.journalTimeoutMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Broker '{}': a page read did not end within {} ms; closing the journal under it",
                        config.name(), config.journalTimeoutMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journal.close();
        lateWrites.shutdown();
    }
}
