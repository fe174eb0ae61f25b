package org.ferrymq.broker;

import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalOutcomeUnknownException;
import org.ferrymq.api.journal.JournalRecord;
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
 */
final class Storage {

    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    private final BrokerConfig config;
    private final Journal journal;
    /** Reads pages back from the journal, so no dispatching thread waits for the database. */
    private final ExecutorService pager;
    /**
     * Carries out what follows a journal write that settled after its caller gave up on it, in
     * the order the writes settle; never on the journal's own thread, which must not wait for itself.
     */
    private final ExecutorService lateWrites;
    /** Bytes of journaled messages held in memory, against {@link BrokerConfig#maxMemory()}. */
    private final AtomicLong memoryInUse = new AtomicLong();
    private final AtomicLong numbers = new AtomicLong();

    Storage(BrokerConfig config, Journal journal) {
        this.config = config;
        this.journal = journal;
        this.pager = Executors.newSingleThreadExecutor(Timers.daemonThreads(config.name() + "-pager"));
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

    /** Records that an entry leaves its queue for good (acknowledged, expired or discarded). */
    void removal(QueueEntry entry, List<JournalRecord> records) {
        if (entry.journaled() && !entry.queue.isDeleted()) {
            records.add(new JournalRecord.ReferenceRemoved(entry.queue.id, entry.sequence, entry.message));
        }
    }

    /** Entries whose removal is stored: their memory is free. */
    void removed(List<QueueEntry> entries) {
        for (QueueEntry entry : entries) {
            if (entry.journaled()) {
                memoryInUse.addAndGet(-entry.message.size);
            }
        }
    }

    /** An expired entry found while dispatching: it is dropped without delivery. */
    void discard(QueueEntry entry) {
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

    /** Whether journaled messages in memory exceed {@code maxMemory}: queues then leave new ones in the journal. */
    boolean memoryFull() {
        return memoryInUse.get() > config.maxMemory();
    }

    /** Bytes of journaled messages held in memory now, the figure {@code maxMemory} limits. */
    long memoryInUse() {
        return memoryInUse.get();
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
     * carried out.
     */
    void close() {
        pager.shutdownNow();
        journal.close();
        lateWrites.shutdown();
    }
}
