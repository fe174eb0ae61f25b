package org.ferrymq.client;

import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.ferrymq.protocol.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acknowledgements of one AUTO_ACKNOWLEDGE or DUPS_OK_ACKNOWLEDGE session that the broker
 * has not yet settled. An acknowledgement is handed to the broker without waiting for the
 * journal to store it, so the journal's write overlaps the application's work and the
 * acknowledgements of many messages and sessions share one database commit.
 *
 * <p>None is sent before the application has its message. A listener's message is
 * acknowledged after {@code onMessage} returns. A message {@code receive} returns is held here
 * and sent when the session next receives (the write then overlaps the next delivery), when
 * anything calls {@link #settle}, or {@link #LAZY_MILLIS} later, whichever comes first: sent
 * any earlier, a crash between the journal's commit and the return would lose the message.
 * DUPS_OK acknowledgements wait for a batch of {@code lazyBatch}, or {@link #LAZY_MILLIS}.
 *
 * <p>Invariant: at most {@code limit} acknowledged deliveries are unsettled (sent, and not yet
 * reported stored or failed by the broker) at a time, so a crash can bring back, flagged as
 * redelivered, no more than that many messages the application had consumed (for DUPS_OK, also
 * the batch not yet sent). Whatever needs every acknowledgement settled (recover, close, stop)
 * calls {@link #settle} first.
 */
final class PendingAcknowledgements {

    private static final Logger LOG = LoggerFactory.getLogger(PendingAcknowledgements.class);

    /** The longest a DUPS_OK acknowledgement waits to be sent with others. */
    static final long LAZY_MILLIS = 100;
    private static final long LAZY_NANOS = TimeUnit.MILLISECONDS.toNanos(LAZY_MILLIS);
    /** The most DUPS_OK acknowledgements sent in one batch. */
    private static final int LAZY_BATCH = 100;

    private static final ScheduledExecutorService LAZY_SENDER = lazySender();

    private static ScheduledExecutorService lazySender() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "ferrymq-lazy-acknowledgements");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private final FerrySession session;
    private final int limit;
    private final int lazyBatch;
    /** Deliveries acknowledged lazily and not yet sent, oldest first: consumer id, delivery id, System.nanoTime() when added. */
    private final List<long[]> lazy = new ArrayList<>();
    /**
     * Whether the lazy sender has a task of ours to run: at most one at a time, whatever the
     * rate (one per acknowledgement, mostly cancelled by the next receive, cost a receive loop
     * as much as its broker's work).
     */
    private boolean timerArmed;
    /**
     * Large messages a receive returned, consumer id and delivery id: acknowledged at the
     * session's next receive, or when it settles, never by the timer, as the application may
     * still be reading their bodies from the broker, which holds them only until acknowledged.
     */
    private final List<long[]> heldForBody = new ArrayList<>();
    private int unsettled;
    /** Set when the connection to the broker is lost: nothing will be settled any more. */
    private boolean abandoned;

    PendingAcknowledgements(FerrySession session, int limit) {
        this.session = session;
        this.limit = Math.max(1, limit);
        this.lazyBatch = Math.min(LAZY_BATCH, this.limit);
    }

    /** Acknowledges a delivery now, without waiting for the journal; waits only while {@code limit} are unsettled. */
    void acknowledge(long deliveryId) throws JMSException {
        synchronized (this) {
            awaitRoom(1);
            unsettled++;
        }
        send(new long[] {deliveryId});
    }

    /**
     * Acknowledges a delivery later: with the next batch (DUPS_OK), or, for a message a receive
     * is returning (AUTO), at the session's next receive ({@link #sendWaiting}) at the latest.
     */
    void acknowledgeLazily(long consumerId, long deliveryId) throws JMSException {
        long[] batch = null;
        synchronized (this) {
            lazy.add(new long[] {consumerId, deliveryId, System.nanoTime()});
            if (lazy.size() >= lazyBatch) {
                awaitRoom(lazy.size()); // meanwhile a settle or the timer may send the batch instead
                batch = takeLazy(lazy.size());
                unsettled += batch.length;
            } else if (!timerArmed) {
                armTimer(LAZY_NANOS);
            }
        }
        if (batch != null && batch.length > 0) {
            send(batch);
        }
    }

    /**
     * Acknowledges a large message a receive is returning (AUTO, DUPS_OK) at the session's next
     * receive or settle: not before, so that the application can read its body meanwhile.
     */
    synchronized void acknowledgeAfterBody(long consumerId, long deliveryId) {
        heldForBody.add(new long[] {consumerId, deliveryId});
    }

    /** DUPS_OK: the large messages held for their bodies are acknowledged lazily from now on, as any other. */
    void bodiesDone() throws JMSException {
        List<long[]> done;
        synchronized (this) {
            if (heldForBody.isEmpty()) {
                return;
            }
            done = new ArrayList<>(heldForBody);
            heldForBody.clear();
        }
        for (long[] held : done) {
            acknowledgeLazily(held[0], held[1]);
        }
    }

    /** The lazy deliveries of one consumer not yet sent: consumed, so they stay with the session when it closes. */
    synchronized long[] lazyOf(long consumerId) {
        return java.util.stream.Stream.concat(lazy.stream(), heldForBody.stream()).filter(pair -> pair[0] == consumerId)
                .mapToLong(pair -> pair[1]).toArray();
    }

    /** Sends what waits to be sent, without waiting for the broker to settle it. */
    void sendWaiting() throws JMSException {
        long[] batch;
        synchronized (this) {
            for (long[] held : heldForBody) {
                lazy.add(new long[] {held[0], held[1], System.nanoTime()});
            }
            heldForBody.clear();
            if (lazy.isEmpty()) {
                return;
            }
            batch = takeLazy(lazy.size());
            unsettled += batch.length;
        }
        send(batch);
    }

    /** Sends what waits to be sent, then waits until the broker has settled every acknowledgement. */
    void settle() throws JMSException {
        sendWaiting();
        synchronized (this) {
            try {
                while (unsettled > 0 && !abandoned) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JMSException("Interrupted while waiting for the broker to store the acknowledgements of "
                        + session);
            }
        }
    }

    /** The broker settled {@code deliveries} acknowledgements: stored, or (failure) coming back flagged. */
    void settled(int deliveries, JMSException failure) {
        if (failure != null) {
            LOG.warn("{}: the broker could not confirm the acknowledgement of {} message(s); unless it is stored "
                    + "late, they will be delivered again, flagged as redelivered: {}", session, deliveries,
                    failure.getMessage());
        }
        synchronized (this) {
            unsettled = Math.max(0, unsettled - deliveries);
            notifyAll();
        }
    }

    /** The connection is lost: what was not settled will be redelivered; nobody waits for it any more. */
    synchronized void abandon() {
        abandoned = true;
        lazy.clear();
        heldForBody.clear();
        unsettled = 0;
        notifyAll();
    }

    /** The connection was restored: acknowledgements are settled again, and none of the lost one is waited for. */
    synchronized void resume() {
        abandoned = false;
        lazy.clear(); // a timer still armed finds nothing to send
        heldForBody.clear();
        unsettled = 0;
        notifyAll();
    }

    /** Waits, holding this monitor, while {@code deliveries} more would overfill the window. */
    private void awaitRoom(int deliveries) throws JMSException {
        try {
            while (unsettled > 0 && unsettled + deliveries > limit && !abandoned) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("Interrupted while waiting for the broker to store earlier acknowledgements of "
                    + session);
        }
    }

    /** Takes the {@code count} oldest deliveries waiting to be sent. */
    private long[] takeLazy(int count) {
        long[] batch = new long[count];
        List<long[]> taken = lazy.subList(0, count);
        for (int i = 0; i < count; i++) {
            batch[i] = taken.get(i)[1];
        }
        taken.clear();
        return batch;
    }

    private void armTimer(long delayNanos) {
        timerArmed = true;
        LAZY_SENDER.schedule(this::sendLazyInBackground, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The timer: sends what has waited LAZY_MILLIS (the rest went with a receive or batch, or waits on). */
    private void sendLazyInBackground() {
        long[] batch;
        synchronized (this) {
            timerArmed = false;
            long now = System.nanoTime();
            int due = 0;
            while (due < lazy.size() && now - lazy.get(due)[2] >= LAZY_NANOS) {
                due++;
            }
            batch = takeLazy(due);
            if (!lazy.isEmpty()) {
                armTimer(LAZY_NANOS - (now - lazy.get(0)[2]));
            }
            unsettled += batch.length; // never waits: the session's own thread waits for room
        }
        if (batch.length == 0) {
            return;
        }
        try {
            send(batch);
        } catch (JMSException e) {
            LOG.debug("{}: sending {} DUPS_OK acknowledgement(s) failed; they will be redelivered: {}", session,
                    batch.length, e.toString());
        }
    }

    /** Hands acknowledgements (already counted as unsettled) to the broker. */
    private void send(long[] deliveryIds) throws JMSException {
        try {
            session.connection.transport.request(new Command.AcknowledgeAsync(session.id, deliveryIds));
        } catch (JMSException | RuntimeException e) {
            settled(deliveryIds.length, null); // the broker did not take them: it will never settle them
            throw e;
        }
    }
}
