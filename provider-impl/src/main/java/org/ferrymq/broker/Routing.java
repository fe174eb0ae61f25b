package org.ferrymq.broker;

import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.JournalOutcomeUnknownException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a sent message goes, and the write that makes sends and acknowledgements take effect.
 *
 * <p>A message sent to a queue goes to that queue; one sent to a topic goes to each of the
 * topic's subscriptions that accepts it, each of which is a queue. Routing only makes entries
 * and their journal records: an entry joins its queue once its records are stored, in one batch
 * with the removal of what the same call acknowledged ({@link #store}), so that a persistent
 * message is stored before any consumer can see it and an acknowledgement is stored before the
 * message leaves its queue for good.
 */
final class Routing {

    private static final Logger LOG = LoggerFactory.getLogger(Routing.class);

    private final BrokerConfig config;
    private final Timers timers;
    private final Storage storage;
    private final Destinations destinations;
    private final Redelivery redelivery;

    Routing(BrokerConfig config, Timers timers, Storage storage, Destinations destinations, Redelivery redelivery) {
        this.config = config;
        this.timers = timers;
        this.storage = storage;
        this.destinations = destinations;
        this.redelivery = redelivery;
    }

    /** The queues a message goes to: the queue it was sent to, or each subscription of its topic that accepts it. */
    List<MessageQueue> targets(ServerMessage message) throws JMSException {
        DestinationName destination = message.data.destination();
        if (destination.kind().isQueue()) {
            return List.of(destinations.queue(destination, false));
        }
        List<MessageQueue> targets = new ArrayList<>();
        for (Subscription subscription : destinations.topic(destination, false).subscriptions) {
            if (subscription.accepts(message)) {
                targets.add(subscription.queue);
            }
        }
        return targets;
    }

    /**
     * The queue entries a message produces: one for a queue, one per accepting subscription
     * for a topic. Journal records for the durable ones are added to {@code records}; until
     * they are stored, the caller must {@link MessageQueue#enqueue} or {@link MessageQueue#abandon}
     * every entry.
     */
    List<QueueEntry> route(ServerMessage message, List<JournalRecord> records) throws JMSException {
        List<QueueEntry> entries = place(message, targets(message), records, true);
        storage.countWithoutLimit(entries); // a committing XA transaction's: its sends were accepted already
        return entries;
    }

    /**
     * As {@link #route}, for a send the broker may still refuse: room for its memory-only
     * entries is taken first (see {@link Storage#takeRoom}), waiting for it as configured; a
     * send refused stores nothing. With {@code mayWait} false, answers null instead of waiting.
     */
    List<QueueEntry> routeWithinLimits(ServerMessage message, List<JournalRecord> records, boolean mayWait)
            throws JMSException {
        List<MessageQueue> targets = targets(message);
        List<MessageQueue> reserved = storage.takeRoom(message, targets, mayWait);
        if (reserved == null) {
            return null;
        }
        List<QueueEntry> entries = place(message, targets, records, true);
        storage.roomTaken(message, reserved, entries);
        return entries;
    }

    /**
     * Entries for a message on each of {@code targets} still there, with the records of the
     * journaled ones; {@code storeMessage} adds the message itself when any is journaled.
     */
    List<QueueEntry> place(ServerMessage message, List<MessageQueue> targets, List<JournalRecord> records,
            boolean storeMessage) {
        List<QueueEntry> entries = new ArrayList<>(targets.size());
        int references = 0;
        for (MessageQueue target : targets) {
            if (!target.isDeleted()) {
                QueueEntry entry = target.newEntry(message);
                entries.add(entry);
                if (entry.journaled()) {
                    references++;
                }
            }
        }
        if (references > 0) {
            if (storeMessage) {
                message.references(references);
                records.add(new JournalRecord.MessageStored(message));
            }
            for (QueueEntry entry : entries) {
                if (entry.journaled()) {
                    records.add(new JournalRecord.ReferenceAdded(entry.queue.id, entry.sequence, message.messageNo,
                            entry.journaledDeliveryCount, entry.delayedUntil));
                }
            }
        }
        return entries;
    }

    /**
     * Journals {@code routed} entries and the removal of {@code acked} ones in one batch, then
     * makes the change visible. If the journal fails, nothing changes: the routed entries are
     * dropped and the acknowledged ones go back for redelivery. If its outcome is unknown (see
     * {@link #store(List, List, List, Consumer)}), an {@link OutcomeUnknownException} says so.
     */
    void store(List<JournalRecord> records, List<QueueEntry> routed, List<QueueEntry> acked) throws JMSException {
        store(records, routed, acked, stored -> { });
    }

    /**
     * As {@link #store(List, List, List)}; when the journal does not confirm the write within
     * the journal timeout, or cannot tell whether it committed, the outcome is unknown: an
     * {@link OutcomeUnknownException} is thrown and the acknowledged entries are held (neither
     * available nor redelivered, locked as a prepared XA branch's are) until the write
     * settles. Stored after all, the change then takes effect, once; failed, it is undone as
     * above. {@code settled} then hears which (true: stored). If even the journal cannot tell,
     * nothing is undone and {@code settled} is not called: the held entries wait for a restart,
     * which reads the outcome from the database.
     */
    void store(List<JournalRecord> records, List<QueueEntry> routed, List<QueueEntry> acked, Consumer<Boolean> settled)
            throws JMSException {
        for (QueueEntry entry : acked) {
            storage.removal(entry, records);
        }
        CompletableFuture<Void> written = storage.append(records);
        try {
            storage.await(written);
        } catch (OutcomeUnknownException e) {
            storage.afterSettled(written, failure -> {
                if (failure == null) {
                    applied(routed, acked);
                    settled.accept(true);
                } else if (failure instanceof JournalOutcomeUnknownException) {
                    routed.forEach(entry -> entry.queue.abandon(entry)); // the journal, if anything, holds them
                    LOG.warn("Broker '{}' holds {} acknowledged message(s) and {} sent one(s) of a write whose outcome "
                            + "the journal cannot tell; restart the broker to settle them from the database",
                            config.name(), acked.size(), routed.size());
                } else {
                    undone(routed, acked);
                    settled.accept(false);
                }
            });
            throw e;
        } catch (JMSException e) {
            undone(routed, acked);
            throw e;
        }
        applied(routed, acked);
    }

    /** A store took effect: the acknowledged entries are gone, the routed ones join their queues. */
    private void applied(List<QueueEntry> routed, List<QueueEntry> acked) {
        storage.removed(acked);
        for (QueueEntry entry : routed) {
            entry.queue.enqueue(entry);
        }
    }

    /** A store failed: the routed entries never join their queues, the acknowledged ones are delivered again. */
    private void undone(List<QueueEntry> routed, List<QueueEntry> acked) {
        routed.forEach(entry -> entry.queue.abandon(entry));
        redelivery.giveBack(acked, List.of());
    }

    /**
     * Journals the removal of acknowledged entries without waiting for it (AUTO_ACKNOWLEDGE and
     * DUPS_OK_ACKNOWLEDGE). Meanwhile the entries are held: on no queue and in no session's
     * flight, so nothing delivers them again. Once the removal is stored they are gone; if it
     * fails they go back to their queues counted as delivered, to come again flagged as
     * redelivered (each was journaled as delivered before it went out). {@code settled} runs
     * exactly once: when the outcome is known, or with a failure when the journal timeout passes
     * first; the entries stay held until the write itself ends, since it may still land.
     */
    void acknowledgeAsync(List<QueueEntry> acked, Consumer<JMSException> settled) {
        List<JournalRecord> records = new ArrayList<>(acked.size());
        for (QueueEntry entry : acked) {
            storage.removal(entry, records);
        }
        if (records.isEmpty()) { // nothing journaled: settled at once
            storage.removed(acked);
            settled.accept(null);
            return;
        }
        CompletableFuture<JMSException> outcome = new CompletableFuture<>();
        outcome.thenAccept(settled);
        long timeout = config.journalTimeoutMillis();
        outcome.completeOnTimeout(new JMSException("The journal of broker '" + config.name() + "' did not store "
                + "an acknowledgement within " + timeout + " ms (setting " + BrokerConfig.JOURNAL_TIMEOUT + "); "
                + "its database may be down or overloaded"), timeout, TimeUnit.MILLISECONDS);
        storage.append(records).whenComplete((ok, failure) -> {
            if (failure == null) {
                storage.removed(acked);
                outcome.complete(null);
                return;
            }
            JMSException reported = new JMSException("The journal of broker '" + config.name()
                    + "' could not store an acknowledgement: " + failure.getMessage());
            reported.initCause(failure);
            // Also when the journal cannot tell whether the removal committed: these messages may then
            // come again, flagged, which AUTO_ACKNOWLEDGE and DUPS_OK allow after a failure, rather
            // than stay held until a restart. Not on the journal's thread: giving back may dead-letter,
            // which waits for the journal.
            if (timers.scheduleJournalWork(0, () -> {
                redelivery.giveBack(acked, List.of());
                outcome.complete(reported);
            }) == null) {
                outcome.complete(reported); // the broker is closing: nothing left to give back to
            }
        });
    }
}
