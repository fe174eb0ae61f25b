package org.ferrymq.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.StoredReference;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.selector.Selector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages waiting for one queue or one topic subscription, and the consumers competing
 * for them.
 *
 * <p>Invariant: an entry is either waiting here ({@code available}) or dispatched to exactly
 * one consumer, never both; all of it is guarded by this queue's monitor. Dispatch runs on
 * whichever thread changed the queue (a send, a credit, a release), so an idle consumer
 * costs no thread.
 *
 * <p>Selectors: each consumer with a selector keeps the waiting entries its selector matches
 * ({@link BrokerConsumer#matching}), in delivery order; an entry is matched once against
 * each such consumer when it starts waiting, and a new consumer matches the waiting entries
 * once. Dispatch then looks only at the first entry each consumer with credit would take, so
 * entries that no consumer matches, or that only consumers without credit match, cost it
 * nothing however many there are.
 *
 * <p>Message groups: an entry with a {@code JMSXGroupID} waits in {@link MessageGroups}, which
 * offers only each group's first entry, and only where the group may go (to the consumer it is
 * pinned to, through {@link BrokerConsumer#groupHeads}, or among the available entries); an
 * entry without one costs dispatch no group lookup.
 *
 * <p>Paging: when the broker's memory is full, a durable queue stops holding new persistent
 * entries and leaves them in the journal ({@code paging}); every journaled entry placed after
 * {@code pageCursor} is then in the journal only, every one at or before it is in memory.
 * As consumers catch up, pages are read back in place order until none is left.
 *
 * <p>Delayed messages: a journaled entry whose delivery time was still ahead when it was
 * routed here waits in the journal only, never in memory, however long the delay; paging
 * leaves such entries to reads by delivery time. Between them, every delayed journaled entry
 * whose (delivery time, place) is at or before the <em>due horizon</em> is in memory (or gone),
 * every one after it is in the journal only; {@code nextDue} is the earliest delivery time
 * after the horizon, and when it comes the due ones are read back, a page at a time, and the
 * horizon moves past them.
 *
 * <p>Redelivery after a crash: before an entry goes to a consumer for the n-th time, the
 * journal must hold a delivery count of at least n, so that a crash brings it back flagged as
 * redelivered. One {@link JournalRecord.DeliveriesCounted} covers a run of consecutive places,
 * and an entry routed to a queue whose consumer is waiting is stored already counted, so a
 * busy queue writes no more per delivery than it did per send.
 *
 * <p>Redelivery delay: an entry given back seen waits out its destination's redelivery delay
 * in {@link #redeliveries}, neither available nor in flight; a journaled one leaves memory and
 * is read back when due like a delayed message. With strict order the queue delivers nothing
 * while one waits. {@link RedeliverySchedule} states the rules.
 */
final class MessageQueue {

    private static final Logger LOG = LoggerFactory.getLogger(MessageQueue.class);

    /** References read back from the journal at a time. */
    static final int PAGE_SIZE = 1000;
    private static final long RETRY_MILLIS = 1000;

    /** The id of a queue whose references are never journaled (temporary queues, non-durable subscriptions). */
    static final long NOT_JOURNALED = 0;

    final String name;
    /**
     * The name destination policies match for this queue: its own, or its topic's for a
     * subscription.
     */
    final String destination;
    /** The queue's id in the journal, which names it in every record; {@link #NOT_JOURNALED} for none. */
    final long id;
    /** Whether references to persistent messages are journaled (queues and durable subscriptions). */
    final boolean durable;
    private final Timers timers;
    private final Storage storage;
    private final Policies policies;

    /**
     * Bytes of the memory-only entries this queue holds (waiting or in flight), against
     * {@code maxDestinationMemory}; guarded by Storage's room lock, not this queue's monitor.
     */
    long memoryOnlyBytes;

    private final TreeSet<QueueEntry> available = new TreeSet<>(QueueEntry.DELIVERY_ORDER);
    /** Entries given back that wait for their redelivery; guarded by this queue's monitor too. */
    private final RedeliverySchedule redeliveries;
    private final List<BrokerConsumer> consumers = new ArrayList<>();
    private int nextConsumer;
    /** The consumers with a selector, each with its index of the waiting entries it matches. */
    private final List<BrokerConsumer> selectorConsumers = new ArrayList<>();
    private final MessageGroups groups = new MessageGroups(this);
    private long selectorEvaluations;
    /** What happened here since the broker started: messages added, removed, redelivered, expired, dead-lettered. */
    final QueueStatistics statistics = new QueueStatistics();
    private boolean deleted;

    /** The highest place handed out. */
    private long lastSeq;
    /** Places of journaled entries routed here whose store has not finished yet. */
    private final TreeSet<Long> unsettled = new TreeSet<>();

    private boolean paging;
    private long pageCursor;
    /** The highest place left in the journal only. */
    private long pagedHigh;
    /** The highest place of a journaled entry held in memory. */
    private long memoryHigh;
    private boolean pageReadPending;
    /** Places acknowledged by prepared XA branches recovered from the journal: a page read skips them. */
    private final Set<Long> locked = new HashSet<>();

    /** The due horizon, a (delivery time, place): delayed journaled entries up to it are in memory, the rest not. */
    private long horizonTime;
    private long horizonSeq = Long.MAX_VALUE;
    /** The earliest delivery time of a delayed entry waiting in the journal only; Long.MAX_VALUE for none. */
    private long nextDue = Long.MAX_VALUE;
    /** When the timer for {@code nextDue} fires; Long.MAX_VALUE while none is set. */
    private long dueTimerAt = Long.MAX_VALUE;
    /**
     * While a read of due entries is under way: the first (delivery time, place) of a delayed
     * entry left in the journal meanwhile. The read may have missed it, so the horizon must
     * stay before it.
     */
    private boolean dueReadUnderWay;
    private long leftTime;
    private long leftSeq;

    /** Completes when every delivery dispatched so far has gone out; later ones wait for it, keeping order. */
    private CompletableFuture<Void> deliveryGate = CompletableFuture.completedFuture(null);

    MessageQueue(Timers timers, Storage storage, Policies policies, String name, String destination, long id) {
        this.timers = timers;
        this.storage = storage;
        this.policies = policies;
        this.name = name;
        this.destination = destination;
        this.id = id;
        this.durable = id != NOT_JOURNALED;
        this.redeliveries = new RedeliverySchedule(this, timers, storage);
    }

    /**
     * A new entry for a message routed here, at the next place. A journaled entry counts as
     * unsettled until it is {@link #enqueue enqueued} or {@link #abandon abandoned}.
     */
    synchronized QueueEntry newEntry(ServerMessage message) {
        long deliveryTime = message.data.deliveryTime();
        QueueEntry entry = new QueueEntry(this, message, ++lastSeq, 0,
                deliveryTime > System.currentTimeMillis() ? deliveryTime : 0);
        if (entry.journaled()) {
            unsettled.add(entry.sequence);
            if (entry.delayedUntil == 0 && !paging && takenAtOnce(message)) {
                // a consumer is waiting: store it counted as delivered once, and deliver it without another write
                entry.journaledDeliveryCount = 1;
            }
        }
        return entry;
    }

    /** The entry's store failed: it never joins the queue. */
    synchronized void abandon(QueueEntry entry) {
        unsettled.remove(entry.sequence);
        storage.giveBackRoom(entry);
    }

    /**
     * Makes a stored entry available now, or at its delivery time if that is still ahead: a
     * journaled one by leaving it in the journal until then, any other by a timer.
     */
    void enqueue(QueueEntry entry) {
        statistics.added();
        if (entry.journaled()) {
            if (admit(entry)) {
                enqueueNow(List.of(entry)); // what admit keeps is due
            }
            return; // the journal holds it until a read brings it back
        }
        long deliveryTime = entry.message.data.deliveryTime();
        if (deliveryTime > System.currentTimeMillis()) {
            timers.schedule(deliveryTime, () -> enqueueNow(List.of(entry)));
        } else {
            enqueueNow(List.of(entry));
        }
    }

    /** Decides whether a journaled entry is held in memory (true) or left in the journal. */
    private synchronized boolean admit(QueueEntry entry) {
        unsettled.remove(entry.sequence);
        if (deleted) {
            return false;
        }
        if (entry.delayedUntil > 0) {
            if (afterHorizon(entry.delayedUntil, entry.sequence)) {
                leftInJournal(entry.delayedUntil, entry.sequence);
                return false;
            }
            // it came due while it was being stored, and the journal has been read past it
            storage.memoryAcquired(entry);
            return true;
        }
        boolean pageOut = paging ? entry.sequence > pageCursor
                : entry.sequence > memoryHigh && storage.memoryFull();
        if (pageOut) {
            if (!paging) {
                paging = true;
                pageCursor = memoryHigh;
                LOG.info("Queue '{}' is paging: the broker's memory limit is reached, new messages stay in the journal",
                        name);
            }
            pagedHigh = Math.max(pagedHigh, entry.sequence);
            return false;
        }
        memoryHigh = Math.max(memoryHigh, entry.sequence);
        storage.memoryAcquired(entry);
        return true;
    }

    synchronized void enqueueNow(Collection<QueueEntry> entries) {
        if (deleted) {
            return;
        }
        entries.forEach(this::addAvailable);
        dispatch();
    }

    /** The queue held {@code references} journaled entries, up to place {@code lastSeq}, when the broker started. */
    synchronized void recovered(long references, long lastSeq) {
        statistics.recovered(references);
        this.lastSeq = Math.max(this.lastSeq, lastSeq);
        if (references > 0) {
            paging = true;
            pageCursor = 0;
            pagedHigh = lastSeq;
            nextDue = 0; // some may be delayed: the first read finds out
        }
    }

    /** The journal held entries of this queue waiting for their redelivery, the last until {@code until}. */
    synchronized void redeliveriesRecovered(long until) {
        redeliveries.recovered(until);
    }

    /** An entry a recovered prepared branch acknowledged: it is not delivered while the branch is undecided. */
    synchronized void lock(QueueEntry entry) {
        locked.add(entry.sequence);
    }

    /**
     * The branch holding an entry ends. Answers whether the entry is in memory, to be given
     * back if the branch rolled back; a locked entry in the part of the queue still in the
     * journal is not, as a page read brings it back.
     */
    synchronized boolean unlock(QueueEntry entry, boolean rolledBack) {
        if (!locked.remove(entry.sequence)) {
            return true;
        }
        if (rolledBack && entry.delayedUntil > 0 && afterHorizon(entry.delayedUntil, entry.sequence)) {
            leftInJournal(entry.delayedUntil, entry.sequence); // the next read of due entries brings it back
            return false;
        }
        if (rolledBack && entry.delayedUntil == 0 && paging && entry.sequence > pageCursor) {
            return false;
        }
        storage.memoryAcquired(entry);
        return true;
    }

    synchronized void addConsumer(BrokerConsumer consumer) {
        consumers.add(consumer);
        if (consumer.selector != null) {
            selectorConsumers.add(consumer);
            for (QueueEntry entry : available) {
                if (matches(consumer, entry.message.data)) {
                    consumer.matching.add(entry);
                }
            }
        }
        dispatch();
    }

    synchronized void removeConsumer(BrokerConsumer consumer) {
        if (consumers.remove(consumer) && consumer.selector != null) {
            selectorConsumers.remove(consumer);
            consumer.matching.clear();
        }
        groups.consumerClosed(consumer);
    }

    /** This queue's destination policy now (a server's settings may change it while it runs). */
    DestinationPolicy policy() {
        return policies.of(destination);
    }

    synchronized int consumerCount() {
        return consumers.size();
    }

    synchronized void addCredit(BrokerConsumer consumer, int credit) {
        consumer.credit += credit;
        dispatch();
    }

    /** Dispatches what is available to consumers that have credit. */
    synchronized void dispatch() {
        if (consumers.isEmpty() || (available.isEmpty() && !groups.offeredToOwners())
                || redeliveries.holdsBack()) {
            readPageIfLow();
            return;
        }
        long now = System.currentTimeMillis();
        List<Outgoing> outgoing = new ArrayList<>();
        List<QueueEntry> toCount = new ArrayList<>();
        QueueEntry entry;
        while ((entry = nextTaken()) != null) {
            if (entry.message.data.isExpired(now)) {
                if (entry.group == null) {
                    removeAvailable(entry);
                } else {
                    groups.discarded(entry);
                }
                storage.expired(entry);
                continue;
            }
            BrokerConsumer consumer;
            if (entry.group == null) {
                consumer = pickConsumer(entry);
                removeAvailable(entry);
            } else {
                consumer = entry.group.owner != null ? entry.group.owner : pickConsumer(entry);
                groups.dispatched(entry, consumer);
            }
            consumer.dispatched();
            entry.consumer = consumer;
            entry.deliveryCount++;
            if (entry.deliveryCount > 1) {
                statistics.redelivered();
            }
            outgoing.add(new Outgoing(consumer.session, consumer.session.register(consumer, entry)));
            if (entry.journaled() && entry.deliveryCount > entry.journaledDeliveryCount) {
                toCount.add(entry);
            }
        }
        readPageIfLow();
        send(outgoing, toCount);
    }

    /** The first waiting entry, in delivery order, that a consumer with credit takes; null if there is none. */
    private QueueEntry nextTaken() {
        QueueEntry first = null;
        for (BrokerConsumer consumer : consumers) {
            if (!consumer.mayTake()) {
                continue;
            }
            TreeSet<QueueEntry> takes = consumer.selector == null ? available : consumer.matching;
            if (!takes.isEmpty() && (first == null || QueueEntry.DELIVERY_ORDER.compare(takes.first(), first) < 0)) {
                first = takes.first();
            }
            TreeSet<QueueEntry> groupHeads = consumer.groupHeads;
            if (groupHeads != null && !groupHeads.isEmpty()
                    && (first == null || QueueEntry.DELIVERY_ORDER.compare(groupHeads.first(), first) < 0)) {
                first = groupHeads.first();
            }
        }
        return first;
    }

    /**
     * Whether a consumer with credit would take a new message at once, nothing it takes
     * waiting ahead of it: then the message is stored counted as delivered once.
     */
    private boolean takenAtOnce(ServerMessage serverMessage) {
        if (redeliveries.holdsBack()) {
            return false; // strict order: nothing goes out while a redelivery waits
        }
        MessageData message = serverMessage.data;
        if (serverMessage.groupId != null) {
            Boolean byGroup = groups.takenAtOnce(serverMessage.groupId, message);
            if (byGroup != null) {
                return byGroup;
            }
        }
        for (BrokerConsumer consumer : consumers) {
            if (consumer.mayTake() && (consumer.selector == null ? available.isEmpty()
                    : consumer.matching.isEmpty() && matches(consumer, message))) {
                return true;
            }
        }
        return false;
    }

    /** An entry starts waiting: in its message group, or available to every consumer that takes it. */
    private void addAvailable(QueueEntry entry) {
        if (entry.message.groupId == null || !groups.add(entry)) {
            makeAvailable(entry);
        }
    }

    /** An entry is available: it joins the index of every consumer whose selector matches it. */
    void makeAvailable(QueueEntry entry) {
        available.add(entry);
        for (BrokerConsumer consumer : selectorConsumers) {
            if (matches(consumer, entry.message.data)) {
                consumer.matching.add(entry);
            }
        }
    }

    /** An entry is no longer available (dispatched, or a group's head taken back). */
    void removeAvailable(QueueEntry entry) {
        available.remove(entry);
        for (BrokerConsumer consumer : selectorConsumers) {
            consumer.matching.remove(entry);
        }
    }

    /** Whether a consumer takes a message: it has no selector, or its selector matches. */
    boolean takes(BrokerConsumer consumer, MessageData message) {
        return consumer.selector == null || matches(consumer, message);
    }

    /** Entries waiting here: available, or held back by their message group. */
    private int waitingCount() {
        return available.size() + groups.waiting();
    }

    /**
     * An entry of a message group leaves the queue for good; if it was dispatched (acknowledged),
     * its group may move on. Called by the storage, possibly on the journal's thread, so what this
     * frees is dispatched on a timer.
     */
    synchronized void acknowledgedInGroup(QueueEntry entry) {
        if (entry.consumer != null && !deleted && groups.settled(entry)) {
            timers.scheduleCancellable(0, this::dispatch);
        }
    }

    private record Outgoing(BrokerSession session, Delivery delivery) {
        void deliver() {
            session.connection.channel.deliver(delivery);
        }
    }

    /**
     * Hands deliveries to their consumers, after the journal has their delivery counts when it
     * needs them, and never ahead of deliveries dispatched earlier. Called under the monitor.
     */
    private void send(List<Outgoing> outgoing, List<QueueEntry> toCount) {
        if (outgoing.isEmpty()) {
            return;
        }
        if (toCount.isEmpty()) {
            if (deliveryGate.isDone()) {
                outgoing.forEach(Outgoing::deliver);
            } else {
                deliveryGate = deliveryGate.thenRun(() -> outgoing.forEach(Outgoing::deliver));
            }
            return;
        }
        CompletableFuture<Void> counted = storage.journal().append(countRecords(toCount));
        deliveryGate = deliveryGate.thenCompose(ignored -> counted.handle((ok, failure) -> {
            if (failure == null) {
                outgoing.forEach(Outgoing::deliver);
            } else {
                countFailed(outgoing, toCount, failure);
            }
            return null;
        }));
    }

    /** One record per run of consecutive places with the same count; the entries count as journaled. */
    private List<JournalRecord> countRecords(List<QueueEntry> entries) {
        entries.sort(Comparator.comparingLong(e -> e.sequence));
        List<JournalRecord> records = new ArrayList<>();
        QueueEntry first = null;
        QueueEntry last = null;
        for (QueueEntry entry : entries) {
            if (first != null && (entry.sequence != last.sequence + 1 || entry.deliveryCount != first.deliveryCount)) {
                records.add(new JournalRecord.DeliveriesCounted(id, first.sequence, last.sequence, first.deliveryCount));
                first = null;
            }
            if (first == null) {
                first = entry;
            }
            last = entry;
            entry.journaledDeliveryCount = entry.deliveryCount;
        }
        records.add(new JournalRecord.DeliveriesCounted(id, first.sequence, last.sequence, first.deliveryCount));
        return records;
    }

    /**
     * The journal could not record the delivery counts: the deliveries do not go out (a crash
     * would bring them back unflagged); they return to the queue a little later, to try again.
     */
    private void countFailed(List<Outgoing> outgoing, List<QueueEntry> toCount, Throwable failure) {
        LOG.warn("Queue '{}': could not journal the delivery of {} message(s); they stay on the queue: {}", name,
                toCount.size(), failure.getMessage());
        synchronized (this) {
            toCount.forEach(entry -> entry.journaledDeliveryCount = 0); // written again next time
        }
        timers.schedule(System.currentTimeMillis() + RETRY_MILLIS, () -> {
            for (Outgoing o : outgoing) {
                o.session.undeliver(o.delivery.deliveryId());
            }
        });
    }

    /**
     * For a clean shutdown: entries the journal counts as delivered more often than they were
     * (stored counted for a waiting consumer, or prefetched and returned unseen) are counted
     * right, so that they do not come back flagged as redelivered.
     */
    synchronized List<JournalRecord> settleDeliveryCounts() {
        List<QueueEntry> overCounted = new ArrayList<>();
        for (Collection<QueueEntry> waiting : List.of(available, groups.held())) {
            for (QueueEntry entry : waiting) {
                if (entry.journaled() && entry.journaledDeliveryCount > entry.deliveryCount) {
                    overCounted.add(entry);
                }
            }
        }
        return overCounted.isEmpty() ? List.of() : countRecords(overCounted);
    }

    /** The next consumer in turn that has credit and takes the entry (there is one: {@link #nextTaken} found it). */
    private BrokerConsumer pickConsumer(QueueEntry entry) {
        int n = consumers.size();
        for (int i = 0; i < n; i++) {
            int index = (nextConsumer + i) % n;
            BrokerConsumer candidate = consumers.get(index);
            if (candidate.mayTake() && (candidate.selector == null || candidate.matching.contains(entry))) {
                nextConsumer = (index + 1) % n;
                return candidate;
            }
        }
        throw new IllegalStateException("no consumer of queue '" + name + "' takes the entry it was found for");
    }

    /** Whether a consumer's selector selects a message; every evaluation is counted. */
    private boolean matches(BrokerConsumer consumer, MessageData message) {
        selectorEvaluations++;
        return consumer.selector.matches(message);
    }

    /** How many times this queue has matched a message against a consumer's selector: the work selectors cost it. */
    synchronized long selectorEvaluations() {
        return selectorEvaluations;
    }

    /** Counts messages that expired here, once each is dropped or moved to an expiry queue. */
    void countExpired(int messages) {
        statistics.expired(messages);
    }

    /** How many messages have expired on this queue since the broker started. */
    long expiredCount() {
        return statistics.expired();
    }

    /** This queue's figures now (see {@link QueueStatistics}). */
    QueueStatistics.Snapshot statistics() {
        return statistics.snapshot(consumerCount());
    }

    // ---- the expiry scan (see Expiry) ----

    /**
     * Takes the waiting entries that have expired by {@code now} off the queue, those their
     * message group holds back included; they are the caller's.
     */
    synchronized List<QueueEntry> takeExpired(long now) {
        List<QueueEntry> expired = new ArrayList<>();
        for (Collection<QueueEntry> waiting : List.of(available, groups.held())) {
            for (QueueEntry entry : waiting) {
                if (entry.message.data.isExpired(now)) {
                    expired.add(entry);
                }
            }
        }
        for (QueueEntry entry : expired) {
            if (entry.group == null) {
                removeAvailable(entry);
            } else {
                groups.discarded(entry);
            }
        }
        return expired;
    }

    /**
     * The place after which the journal may hold entries this queue does not hold in memory
     * (paged out, or delayed past the due horizon, which may be anywhere); -1 when it holds none.
     */
    synchronized long journalOnlyAfter() {
        if (deleted || !durable) {
            return -1;
        }
        return nextDue != Long.MAX_VALUE ? 0 : paging ? pageCursor : -1;
    }

    /**
     * Of the expired references the journal gave back, the entries of those this queue holds in
     * the journal only, each held ({@link #lock}ed) so that no page read brings it back until
     * the caller {@link #unlock}s it: removed for good, or given back.
     */
    synchronized List<QueueEntry> holdExpiredInJournal(List<StoredReference> expired) {
        List<QueueEntry> held = new ArrayList<>();
        for (StoredReference reference : expired) {
            long seq = reference.seq();
            long time = reference.deliveryTime();
            boolean journalOnly = time > 0 ? afterHorizon(time, seq) : paging && seq > pageCursor;
            if (deleted || !journalOnly || unsettled.contains(seq) || locked.contains(seq)
                    || redeliveries.beingJournaled(seq)) {
                continue; // in memory, still being stored or rescheduled (it decides for itself), or held by XA
            }
            QueueEntry entry = new QueueEntry(this, ServerMessage.restored(reference.message()), seq,
                    reference.deliveryCount(), time);
            locked.add(seq);
            held.add(entry);
        }
        return held;
    }

    // ---- paging ----

    private void readPageIfLow() {
        // read the next page while a page's worth is still waiting, so consumers never wait for the database
        boolean full = waitingCount() >= PAGE_SIZE;
        // but a queue held back for a redelivery (strict order) dispatches nothing: it must still read what comes due
        if (pageReadPending || deleted || (full && !redeliveries.holdsBack())) {
            return;
        }
        long now = System.currentTimeMillis();
        if ((paging && !full) || nextDue <= now) {
            pageReadPending = true;
            storage.readPageLater(this::readPage);
        } else if (nextDue < dueTimerAt) {
            dueTimerAt = nextDue;
            timers.scheduleCancellable(nextDue - now, this::dueTimerFired);
        }
    }

    private synchronized void dueTimerFired() {
        if (dueTimerAt <= System.currentTimeMillis()) {
            dueTimerAt = Long.MAX_VALUE;
        }
        readPageIfLow();
    }

    /** Whether a delayed entry's (delivery time, place) is after the due horizon. */
    private boolean afterHorizon(long time, long seq) {
        return time > horizonTime || (time == horizonTime && seq > horizonSeq);
    }

    /** A delayed entry waits in the journal only: it is read back when due. */
    private void leftInJournal(long time, long seq) {
        nextDue = Math.min(nextDue, time);
        if (dueReadUnderWay && (time < leftTime || (time == leftTime && seq < leftSeq))) {
            leftTime = time;
            leftSeq = seq;
        }
        readPageIfLow();
    }

    /**
     * Reads back what is due of the delayed entries, then the next page of entries kept in the
     * journal only; called off the dispatch path. Whatever goes wrong (the database, or an
     * unchecked failure of a journal implementation), the read is given up and tried again
     * later: a queue never stops reading its backlog.
     */
    void readPage() {
        boolean done = false;
        try {
            readDue();
            readNextPage();
            done = true;
        } catch (JournalException | RuntimeException e) {
            LOG.warn("Queue '{}': could not read messages back from the journal, trying again in {} ms: {}", name,
                    RETRY_MILLIS, e.toString());
        } finally {
            synchronized (this) {
                pageReadPending = false;
                dueReadUnderWay = false;
                if (done) {
                    dispatch();
                }
            }
            if (!done) {
                timers.scheduleCancellable(RETRY_MILLIS, this::dispatch);
            }
        }
    }

    /** Reads back the delayed entries that are due, a page at most, and moves the due horizon past them. */
    private void readDue() throws JournalException {
        long afterTime;
        long afterSeq;
        long now = System.currentTimeMillis();
        synchronized (this) {
            if (deleted || nextDue > now) {
                return;
            }
            afterTime = horizonTime;
            afterSeq = horizonSeq;
            dueReadUnderWay = true;
            leftTime = Long.MAX_VALUE;
            leftSeq = Long.MAX_VALUE;
        }
        List<StoredReference> due = storage.journal().readDelayed(id, afterTime, afterSeq, now, PAGE_SIZE);
        boolean full = due.size() == PAGE_SIZE;
        List<StoredReference> next = full ? List.of()
                : storage.journal().readDelayed(id, now, Long.MAX_VALUE, Long.MAX_VALUE, 1);
        synchronized (this) {
            if (deleted) {
                return;
            }
            // the journal answered for everything up to here; not past an entry it may have missed
            long toTime = full ? due.get(due.size() - 1).deliveryTime() : now;
            long toSeq = full ? due.get(due.size() - 1).seq() : Long.MAX_VALUE;
            boolean cut = leftTime < toTime || (leftTime == toTime && leftSeq <= toSeq);
            if (cut) {
                toTime = leftTime;
                toSeq = leftSeq - 1;
            }
            for (StoredReference reference : due) {
                long time = reference.deliveryTime();
                if (time > toTime || (time == toTime && reference.seq() > toSeq)) {
                    break; // read again next time
                }
                if (unsettled.contains(reference.seq()) || locked.contains(reference.seq())
                        || redeliveries.beingJournaled(reference.seq())) {
                    continue; // an entry still being stored (or rescheduled) decides for itself; a locked one is held
                }
                QueueEntry entry = new QueueEntry(this, ServerMessage.restored(reference.message()), reference.seq(),
                        reference.deliveryCount(), time);
                storage.memoryAcquired(entry);
                addAvailable(entry);
            }
            horizonTime = toTime;
            horizonSeq = toSeq;
            long after = full || cut ? toTime : next.isEmpty() ? Long.MAX_VALUE : next.get(0).deliveryTime();
            nextDue = Math.min(after, leftTime);
            dueReadUnderWay = false;
            redeliveries.readUpTo(horizonTime, horizonSeq, nextDue); // redeliveries up to the horizon are back
        }
    }

    /** Reads the next page of entries kept in the journal only, in place order. */
    private void readNextPage() throws JournalException {
        long after;
        long upto;
        synchronized (this) {
            if (!paging || deleted || waitingCount() >= PAGE_SIZE) {
                return;
            }
            after = pageCursor;
            // never past an entry still being stored: it decides for itself where it goes
            upto = unsettled.isEmpty() ? lastSeq : unsettled.first() - 1;
        }
        List<StoredReference> page = upto > after ? storage.journal().readQueue(id, after, upto, PAGE_SIZE) : List.of();
        synchronized (this) {
            if (deleted) {
                return;
            }
            for (StoredReference reference : page) {
                if (locked.contains(reference.seq())) {
                    continue;
                }
                QueueEntry entry = new QueueEntry(this, ServerMessage.restored(reference.message()), reference.seq(),
                        reference.deliveryCount(), 0);
                storage.memoryAcquired(entry);
                memoryHigh = Math.max(memoryHigh, entry.sequence);
                addAvailable(entry); // a reference without a delivery time is due
            }
            pageCursor = page.size() < PAGE_SIZE ? upto : page.get(page.size() - 1).seq();
            if (pageCursor >= pagedHigh) {
                paging = false;
                LOG.debug("Queue '{}' has read back every paged message", name);
            }
        }
    }

    // ---- returns, browsing, deletion ----

    /**
     * Puts dispatched entries back and dispatches again, so that they go out in their
     * original order. Entries in {@code unseen} were only prefetched: they do not count as
     * a delivery, and their consumer gets its credit back; the others may first wait for their
     * redelivery delay ({@link RedeliverySchedule}). Answers the entries that have used up their
     * delivery attempts ({@code usedUp}): they are not put back, and belong to the dead-letter queue.
     */
    synchronized List<QueueEntry> release(Collection<QueueEntry> entries, Set<QueueEntry> unseen,
            Predicate<QueueEntry> usedUp) {
        List<QueueEntry> exhausted = List.of();
        for (QueueEntry entry : entries) {
            if (unseen.contains(entry)) {
                entry.deliveryCount--;
                if (entry.consumer != null) {
                    entry.consumer.credit++;
                }
            }
            entry.consumer = null;
            if (deleted) {
                storage.giveBackRoom(entry);
                continue;
            }
            if (entry.group != null) {
                groups.settled(entry); // the dispatch below serves a group this frees
            }
            if (usedUp.test(entry)) {
                if (exhausted.isEmpty()) {
                    exhausted = new ArrayList<>();
                }
                exhausted.add(entry);
            } else if (unseen.contains(entry) || !redeliveries.waits(entry)) {
                addAvailable(entry);
            } // else it waits for its redelivery delay
        }
        redeliveries.start();
        dispatch();
        return exhausted;
    }

    /**
     * The journal holds the redelivery time of an entry waiting in memory: it leaves memory for
     * the journal (answering true), to be read back when due, unless the journal has been read
     * past that time meanwhile: then it stays in memory (false).
     */
    synchronized boolean redeliveryJournaled(QueueEntry entry, long until) {
        if (!afterHorizon(until, entry.sequence)) {
            return false;
        }
        storage.memoryReleased(entry);
        leftInJournal(until, entry.sequence);
        return true;
    }

    /** The redelivery time of an entry waiting in memory has come: it is available again. */
    synchronized void redeliveryDue(QueueEntry entry) {
        if (redeliveries.due(entry)) { // not if dropped with this queue
            addAvailable(entry);
            dispatch();
        }
    }

    /** The messages waiting in memory (a paging queue's journal-only part is not browsed). */
    synchronized List<MessageData> browse(Selector selector) {
        long now = System.currentTimeMillis();
        List<MessageData> result = new ArrayList<>();
        Collection<QueueEntry> waiting = available;
        List<QueueEntry> held = groups.held();
        if (!held.isEmpty()) {
            List<QueueEntry> all = new ArrayList<>(available);
            all.addAll(held);
            all.sort(QueueEntry.DELIVERY_ORDER);
            waiting = all;
        }
        for (QueueEntry entry : waiting) {
            MessageData data = entry.message.data;
            if (!data.isExpired(now) && (selector == null || selector.matches(data))) {
                result.add(data);
            }
        }
        return result;
    }

    synchronized boolean isDeleted() {
        return deleted;
    }

    /** Empties the queue for good; answers what was waiting in memory (for its redelivery too). */
    synchronized List<QueueEntry> delete() {
        deleted = true;
        paging = false;
        List<QueueEntry> dropped = new ArrayList<>(available);
        dropped.addAll(groups.held());
        groups.clear();
        dropped.addAll(redeliveries.drop());
        available.clear();
        dropped.forEach(storage::giveBackRoom);
        selectorConsumers.forEach(c -> c.matching.clear());
        return dropped;
    }

    @Override
    public String toString() {
        return name;
    }
}
