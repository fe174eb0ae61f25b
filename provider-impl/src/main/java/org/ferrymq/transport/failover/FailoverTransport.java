package org.ferrymq.transport.failover;

import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.TransactionRolledBackException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.ferrymq.protocol.RecoverableChannel;
import org.ferrymq.protocol.Transport;
import org.ferrymq.protocol.XaFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transport that outlives its connections: it talks to one of several servers through an
 * inner transport and, when that connection is lost, connects again (the servers in turn,
 * round after round with a growing delay, see {@link FailoverSettings}) and has the client
 * above it ({@link RecoverableChannel}) rebuild its state there before anything else is sent.
 *
 * <p>What happens to a request depends on when the connection is lost:
 * <ul>
 *   <li>made while reconnecting: it waits for the new connection (closes of consumers and
 *       sessions are sent after the rebuild instead, and XA calls about a branch of the lost
 *       connection fail at once, as {@code XAER_RMFAIL}, for the transaction manager to retry
 *       or recover; starting a new branch and a recovery scan wait);</li>
 *   <li>lost in flight: sent again on the new connection where that cannot duplicate
 *       anything (creating sessions and consumers, rollback, recover, browse, a non-persistent
 *       send the connection refused before writing, a send outside a transaction carrying a
 *       duplicate ID, which the broker drops if it stored the first one); otherwise it fails: a
 *       persistent send, a commit, an acknowledgement or an XA call may have taken effect, and
 *       the caller is told that its outcome is unknown.</li>
 * </ul>
 *
 * <p>Invariant: nothing that names a delivery of one connection reaches another. Delivery ids
 * are numbered by each broker connection; the client sees them tagged with the number of the
 * connection ({@link #EPOCH_SHIFT}), and an acknowledgement, commit or recover naming an id of
 * an earlier connection leaves that id out (the broker redelivers that message, flagged) and,
 * where the application must hear of it, fails: a commit of a transaction that lost work with
 * its connection throws {@link TransactionRolledBackException}, a client acknowledgement of such
 * messages a JMSException saying they come again.
 */
public final class FailoverTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverTransport.class);

    /** Delivery ids seen by the client: the connection's number above these bits, the broker's id below. */
    static final int EPOCH_SHIFT = 40;
    private static final long BROKER_ID_MASK = (1L << EPOCH_SHIFT) - 1;

    /** Makes a connected inner transport to one server. */
    @FunctionalInterface
    public interface Connector {
        Transport connect(ConnectionUrl server) throws JMSException;
    }

    private final List<ConnectionUrl> servers;
    private final FailoverSettings settings;
    private final Connector connector;
    private final Object lock = new Object();

    // guarded by lock
    /** The connection requests go to; null while reconnecting. Written under lock, read without on the fast path. */
    private volatile Transport current;
    /** The number of the connection in {@link #current}. */
    private volatile int currentEpoch;
    /** The number of the connection deliveries are taken from: the current one, or the one being rebuilt. */
    private volatile int epoch;
    private int serverIndex;
    /** Closes of consumers and sessions made while reconnecting, sent after the rebuild. */
    private final List<Command<?>> deferredCloses = new ArrayList<>();
    /** Why requests fail from now on: closed here, or reconnection gave up. */
    private JMSException failure;
    private boolean closed;
    private Thread reconnector;

    private volatile ClientChannel channel;

    // what the client's sessions are doing, by session id (the client chooses them, so they survive reconnects)
    private final Set<Long> transactedSessions = ConcurrentHashMap.newKeySet();
    /** Transacted sessions that sent in their current transaction. */
    private final Set<Long> sendingTransactions = ConcurrentHashMap.newKeySet();
    /** Transacted sessions whose current transaction died with a connection: its commit must fail. */
    private final Set<Long> lostTransactions = ConcurrentHashMap.newKeySet();
    private final Set<Long> sessionsInBranch = ConcurrentHashMap.newKeySet();
    /** Sessions whose XA branch died with a connection, until they end it. */
    private final Set<Long> lostBranches = ConcurrentHashMap.newKeySet();
    /** Temporary destinations by the connection (epoch) they belong to. */
    private final Map<DestinationName, Integer> temporaries = new ConcurrentHashMap<>();

    private FailoverTransport(List<ConnectionUrl> servers, FailoverSettings settings, Connector connector) {
        this.servers = List.copyOf(servers);
        this.settings = settings;
        this.connector = connector;
    }

    /**
     * Connects to the first of {@code servers} that answers, trying each once in order.
     * Fails with a JMSException naming every server and why it failed when none answers.
     */
    public static FailoverTransport connect(List<ConnectionUrl> servers, FailoverSettings settings,
            Connector connector) throws JMSException {
        FailoverTransport transport = new FailoverTransport(servers, settings, connector);
        StringBuilder failures = new StringBuilder();
        JMSException last = null;
        for (int i = 0; i < servers.size(); i++) {
            try {
                Transport inner = connector.connect(servers.get(i));
                synchronized (transport.lock) {
                    transport.epoch = 1;
                    transport.serverIndex = i;
                    transport.currentEpoch = 1;
                    transport.current = inner;
                }
                inner.setClientChannel(transport.new InnerChannel(inner, 1));
                return transport;
            } catch (JMSException e) {
                last = e;
                failures.append(failures.length() == 0 ? "" : "; ").append(e.getMessage());
            }
        }
        if (servers.size() == 1) {
            throw last;
        }
        JMSException none = new JMSException("None of the " + servers.size() + " FerryMQ servers answered: " + failures);
        none.setLinkedException(last);
        none.initCause(last);
        throw none;
    }

    @Override
    public void setClientChannel(ClientChannel channel) {
        this.channel = channel;
    }

    @Override
    public boolean isLost() {
        synchronized (lock) {
            return failure != null && !closed;
        }
    }

    // ---- requests ----

    @Override
    @SuppressWarnings("unchecked")
    public <R> R request(Command<R> command) throws JMSException {
        while (true) {
            Transport inner;
            int at;
            int seen = currentEpoch;
            Transport connected = current;
            if (connected != null && seen == currentEpoch) { // the common case: connected, no lock taken
                inner = connected;
                at = seen;
            } else {
                synchronized (lock) {
                    inner = awaitConnection(command);
                    at = currentEpoch;
                }
            }
            if (inner == null) { // deferred or dropped while reconnecting
                if (command instanceof Command.AcknowledgeAsync ack) {
                    settleDropped(ack.sessionId(), ack.deliveryIds().length);
                }
                return null;
            }
            Command<R> sent = translate(command, at);
            if (sent == null) {
                return null; // nothing left to tell the broker
            }
            try {
                R answer = inner.request(sent);
                track(command, answer, at);
                if (command instanceof Command.Acknowledge ack
                        && ((Command.Acknowledge) sent).deliveryIds().length < ack.deliveryIds().length) {
                    throw unacknowledged(ack, (Command.Acknowledge) sent);
                }
                return answer;
            } catch (JMSException e) {
                if (!inner.isLost()) {
                    if (command instanceof Command.Commit || command instanceof Command.Rollback) {
                        endTransaction(sessionOf(command));
                    }
                    throw e; // the broker's answer
                }
                lost(inner, e);
                if (!sendAgain(command, e)) {
                    return null; // settled without the broker: see sendAgain
                }
                LOG.debug("{} was lost with the connection; sending it again once reconnected", command);
            }
        }
    }

    /**
     * The connection to send {@code command} on: the current one, after waiting while
     * reconnecting; or null when the command is settled without one (see the class comment).
     */
    private Transport awaitConnection(Command<?> command) throws JMSException {
        boolean interrupted = false;
        try {
            while (true) {
                if (failure != null) {
                    throw copy(failure);
                }
                if (current != null) {
                    return current;
                }
                if (command instanceof Command.CloseConsumer || command instanceof Command.CloseSession) {
                    deferredCloses.add(command);
                    return null;
                }
                if (command instanceof Command.CloseConnection || command instanceof Command.Pull
                        || command instanceof Command.AcknowledgeAsync || command instanceof Command.AbortLargeBody) {
                    return null; // the lost connection's end closed it; a pull finds nothing meanwhile; the
                                 // acknowledged messages come again
                }
                if (isXa(command) && !startsNewBranch(command)) {
                    throw new JMSException("The connection to the FerryMQ server is lost and being restored; "
                            + command.getClass().getSimpleName() + " was not sent");
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the request is the application's; it waits like one in flight
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@code command} as the connection numbered {@code at} may see it: delivery ids of that
     * connection turned back into the broker's, those of earlier connections left out; null
     * when nothing is left to send. Fails where what is left out must be reported.
     */
    @SuppressWarnings("unchecked")
    private <R> Command<R> translate(Command<R> command, int at) throws JMSException {
        if (command instanceof Command.Send c) {
            if (lostBranches.contains(c.sessionId())) {
                throw new JMSException("The XA transaction branch of this session was lost with the connection to the "
                        + "FerryMQ server; the message was not sent. End the branch (it is rolled back) and start a "
                        + "new one");
            }
            checkTemporary(c.message().destination(), at);
            return command;
        }
        if (command instanceof Command.CreateConsumer c) {
            checkTemporary(c.info().destination(), at);
            return command;
        }
        if (command instanceof Command.Browse c) {
            checkTemporary(c.queue(), at);
            return command;
        }
        if (command instanceof Command.CheckDestination c) {
            checkTemporary(c.destination(), at);
            return command;
        }
        if (command instanceof Command.DeleteTemporaryDestination c) {
            Integer made = temporaries.get(c.destination());
            if (made != null && made != at) {
                temporaries.remove(c.destination());
                return null; // it ended with the connection that made it
            }
            return command;
        }
        if (command instanceof Command.Commit c) {
            long[] ids = current(c.consumed(), at);
            if (ids.length < c.consumed().length || lostTransactions.contains(c.sessionId())) {
                endTransaction(c.sessionId());
                throw new TransactionRolledBackException("The connection to the FerryMQ server was lost during this "
                        + "transaction and its work with it; the transaction is rolled back (what it received comes "
                        + "again, flagged as redelivered) and the session goes on with a new one");
            }
            return (Command<R>) new Command.Commit(c.sessionId(), ids);
        }
        if (command instanceof Command.Rollback c) {
            long[] ids = current(c.consumed(), at);
            return (Command<R>) new Command.Rollback(c.sessionId(), ids);
        }
        if (command instanceof Command.Recover c) {
            long[] ids = current(c.consumed(), at);
            long[] refused = current(c.refused(), at);
            return (Command<R>) new Command.Recover(c.sessionId(), ids, refused);
        }
        if (command instanceof Command.Acknowledge c) {
            long[] ids = current(c.deliveryIds(), at);
            Command.Acknowledge fresh = new Command.Acknowledge(c.sessionId(), ids);
            if (ids.length == 0 && c.deliveryIds().length > 0) {
                throw unacknowledged(c, fresh);
            }
            return (Command<R>) fresh; // sent, then reported if partly stale
        }
        if (command instanceof Command.AcknowledgeAsync c) {
            long[] ids = current(c.deliveryIds(), at);
            if (ids.length < c.deliveryIds().length) {
                settleDropped(c.sessionId(), c.deliveryIds().length - ids.length);
            }
            if (ids.length == 0) {
                return null;
            }
            return (Command<R>) new Command.AcknowledgeAsync(c.sessionId(), ids);
        }
        if (command instanceof Command.CloseSession c) {
            long[] ids = current(c.consumed(), at);
            return (Command<R>) new Command.CloseSession(c.sessionId(), ids);
        }
        if (command instanceof Command.CloseConsumer c) {
            long[] ids = current(c.consumed(), at);
            return (Command<R>) new Command.CloseConsumer(c.consumerId(), ids);
        }
        if (command instanceof Command.ReadLargeBody c) {
            if ((c.deliveryId() >>> EPOCH_SHIFT) != at) {
                throw new JMSException("The connection to the FerryMQ server was lost since this large message was "
                        + "delivered, and its body with it; the message comes again, flagged as redelivered");
            }
            return (Command<R>) new Command.ReadLargeBody(c.sessionId(), c.deliveryId() & BROKER_ID_MASK, c.chunkNo());
        }
        if (command instanceof Command.XaStart c && c.flags() == XAResource.TMNOFLAGS) {
            // a new branch: one lost with the old connection (its end failed while reconnecting,
            // and the broker rolled it back) no longer stands in the session's way
            lostBranches.remove(c.sessionId());
            return command;
        }
        if (command instanceof Command.XaEnd c) {
            if (lostBranches.remove(c.sessionId())) {
                sessionsInBranch.remove(c.sessionId());
                throw new XaFailure(XAException.XA_RBCOMMFAIL, "The XA transaction branch was lost with the "
                        + "connection to the FerryMQ server; it is rolled back");
            }
            long[] ids = current(c.consumed(), at);
            return (Command<R>) new Command.XaEnd(c.sessionId(), c.xid(), c.flags(), ids);
        }
        return command;
    }

    /** {@code ids} of connection {@code at} as the broker numbered them; ids of other connections left out. */
    private static long[] current(long[] ids, int at) {
        if (ids == null) {
            return null;
        }
        long[] mapped = new long[ids.length];
        int n = 0;
        for (long id : ids) {
            if ((id >>> EPOCH_SHIFT) == at) {
                mapped[n++] = id & BROKER_ID_MASK;
            }
        }
        return n == ids.length ? mapped : Arrays.copyOf(mapped, n);
    }

    private void checkTemporary(DestinationName destination, int at) throws InvalidDestinationException {
        if (destination == null) {
            return;
        }
        Integer made = temporaries.get(destination);
        if (made != null && made != at) {
            throw new InvalidDestinationException("Temporary destination '" + destination.name() + "' ended with the "
                    + "connection to the FerryMQ server that created it, which was lost; create a new temporary "
                    + "destination (and tell those who reply to it)");
        }
    }

    private static JMSException unacknowledged(Command.Acknowledge asked, Command.Acknowledge sent) {
        int lost = asked.deliveryIds().length - sent.deliveryIds().length;
        return new JMSException(lost + " message(s) of this session were received before its connection to the "
                + "FerryMQ server was lost and restored; their acknowledgement cannot reach the server, which "
                + "delivers them again, flagged as redelivered (JMSRedelivered)"
                + (sent.deliveryIds().length > 0 ? "; the " + sent.deliveryIds().length + " received since were "
                        + "acknowledged" : ""));
    }

    /** Reports acknowledgements that will never reach the broker as settled (their messages come again). */
    private void settleDropped(long sessionId, int deliveries) {
        ClientChannel listener = channel;
        if (listener != null && deliveries > 0) {
            listener.acknowledgementsSettled(sessionId, deliveries, new JMSException("The connection to the FerryMQ "
                    + "server was lost before the acknowledgement reached it; the message(s) come again, flagged as "
                    + "redelivered"));
        }
    }

    /** Follows what the sessions do, for the rules above. */
    private void track(Command<?> command, Object answer, int at) {
        if (command instanceof Command.CreateSession c && c.transacted()) {
            transactedSessions.add(c.sessionId());
        } else if (command instanceof Command.CloseSession c) {
            forgetSession(c.sessionId());
        } else if (command instanceof Command.Send c && transactedSessions.contains(c.sessionId())) {
            sendingTransactions.add(c.sessionId());
        } else if (command instanceof Command.Commit || command instanceof Command.Rollback) {
            endTransaction(sessionOf(command));
        } else if (command instanceof Command.XaStart c) {
            sessionsInBranch.add(c.sessionId());
        } else if (command instanceof Command.XaEnd c) {
            sessionsInBranch.remove(c.sessionId());
        } else if (command instanceof Command.CreateTemporaryDestination && answer instanceof DestinationName name) {
            temporaries.put(name, at);
        } else if (command instanceof Command.DeleteTemporaryDestination c) {
            temporaries.remove(c.destination());
        }
    }

    private static long sessionOf(Command<?> command) {
        if (command instanceof Command.Commit c) {
            return c.sessionId();
        }
        if (command instanceof Command.Rollback c) {
            return c.sessionId();
        }
        return 0;
    }

    private void endTransaction(long sessionId) {
        sendingTransactions.remove(sessionId);
        lostTransactions.remove(sessionId);
    }

    private void forgetSession(long sessionId) {
        transactedSessions.remove(sessionId);
        endTransaction(sessionId);
        sessionsInBranch.remove(sessionId);
        lostBranches.remove(sessionId);
    }

    /**
     * Whether {@code command} refers to no XA branch of the lost connection, so it may wait for
     * the new one: a branch started afresh (an application server enlists its pooled connection
     * in each new transaction), or a recovery scan, which reads only what the journal holds.
     */
    private static boolean startsNewBranch(Command<?> command) {
        return command instanceof Command.XaStart start && start.flags() == XAResource.TMNOFLAGS
                || command instanceof Command.XaRecover;
    }

    private static boolean isXa(Command<?> command) {
        return command instanceof Command.XaStart || command instanceof Command.XaEnd
                || command instanceof Command.XaPrepare || command instanceof Command.XaCommit
                || command instanceof Command.XaRollback || command instanceof Command.XaForget
                || command instanceof Command.XaRecover;
    }

    /**
     * The connection was lost while {@code command} was in flight: true to send it again on
     * the next connection, false when it is settled as it is (the lost connection's end did
     * its work, or a transaction's loss is reported at its commit); otherwise throws what the
     * caller must hear.
     */
    private boolean sendAgain(Command<?> command, JMSException cause) throws JMSException {
        if (command instanceof Command.CreateSession || command instanceof Command.CreateConsumer
                || command instanceof Command.CheckDestination || command instanceof Command.Browse
                || command instanceof Command.SetClientId || command instanceof Command.CreateTemporaryDestination
                || command instanceof Command.Rollback || command instanceof Command.Recover
                || command instanceof Command.DeleteTemporaryDestination || command instanceof Command.Credit) {
            return true; // nothing of these outlives the lost connection; the new one needs them
        }
        if (command instanceof Command.CloseConsumer || command instanceof Command.CloseSession
                || command instanceof Command.CloseConnection || command instanceof Command.Pull) {
            return false;
        }
        if (command instanceof Command.AcknowledgeAsync c) {
            settleDropped(c.sessionId(), c.deliveryIds().length);
            return false;
        }
        if (command instanceof Command.AbortLargeBody) {
            return false; // the body went with the connection
        }
        if (command instanceof Command.BeginLargeBody || command instanceof Command.LargeBodyChunk) {
            throw new JMSException("The connection to the FerryMQ server was lost while the body of a large message "
                    + "was being sent; nothing of the message was sent. Send it again");
        }
        if (command instanceof Command.ReadLargeBody) {
            throw new JMSException("The connection to the FerryMQ server was lost while the body of a large message "
                    + "was being read; the message comes again, flagged as redelivered");
        }
        if (command instanceof Command.Send c) {
            if (transactedSessions.contains(c.sessionId())) {
                lostTransactions.add(c.sessionId()); // the commit reports it
                return false;
            }
            if (c.message().isLarge()) { // its body's transfer went with the connection: it cannot go again
                throw outcomeUnknown("The connection to the FerryMQ server was lost before it confirmed the send of "
                        + "a large message, whose body was sent on that connection; the message may or may not have "
                        + "been stored. Check whether it arrived before sending it again (a send with the same "
                        + DestinationPolicy.DUPLICATE_ID_PROPERTY + " is dropped if the first one was stored)", cause);
            }
            if (!c.message().persistent() && !sessionsInBranch.contains(c.sessionId())) {
                return true; // a one-way send fails only before it is written
            }
            if (!sessionsInBranch.contains(c.sessionId())
                    && c.message().properties().get(DestinationPolicy.DUPLICATE_ID_PROPERTY) instanceof String) {
                return true; // if it was stored, the broker drops it as a duplicate
            }
            throw outcomeUnknown("The connection to the FerryMQ server was lost before it confirmed the send; the "
                    + "message may or may not have been stored. Check whether it arrived before sending it again", cause);
        }
        if (command instanceof Command.Commit c) {
            endTransaction(c.sessionId());
            throw new OutcomeUnknownException("the connection to the FerryMQ server was lost before it answered the "
                    + "commit", cause);
        }
        if (command instanceof Command.Acknowledge) {
            throw outcomeUnknown("The connection to the FerryMQ server was lost before it confirmed the "
                    + "acknowledgement; it may not have been stored, and then the messages come again, flagged as "
                    + "redelivered", cause);
        }
        if (command instanceof Command.Unsubscribe) {
            throw outcomeUnknown("The connection to the FerryMQ server was lost before it confirmed the "
                    + "unsubscribe; the subscription may or may not still exist", cause);
        }
        if (isXa(command)) {
            throw outcomeUnknown("The connection to the FerryMQ server was lost before it answered "
                    + command.getClass().getSimpleName() + "; its outcome is unknown", cause);
        }
        throw outcomeUnknown("The connection to the FerryMQ server was lost before it answered "
                + command.getClass().getSimpleName(), cause);
    }

    private static JMSException outcomeUnknown(String message, JMSException cause) {
        JMSException e = new JMSException(message + " (" + cause.getMessage() + ")");
        e.setLinkedException(cause);
        e.initCause(cause);
        return e;
    }

    private static JMSException copy(JMSException failure) {
        JMSException e = failure instanceof IllegalStateException ? new IllegalStateException(failure.getMessage())
                : new JMSException(failure.getMessage());
        e.setLinkedException(failure);
        e.initCause(failure);
        return e;
    }

    // ---- losing and restoring the connection ----

    /** {@code inner} was lost: if it is the current connection, reconnect on a thread of our own. */
    private void lost(Transport inner, JMSException cause) {
        synchronized (lock) {
            if (current != inner || closed || failure != null) {
                return;
            }
            current = null;
            // the transactions and branches the lost connection held are gone with it
            lostTransactions.addAll(sendingTransactions);
            sendingTransactions.clear();
            lostBranches.addAll(sessionsInBranch);
            sessionsInBranch.clear();
            if (!settings.reconnects()) {
                failure = cause;
                lock.notifyAll();
            } else {
                reconnector = new Thread(() -> reconnect(cause), "ferrymq-failover");
                reconnector.setDaemon(true);
                reconnector.start();
                inner.close();
                return;
            }
        }
        inner.close();
        ClientChannel listener = channel;
        if (listener != null) {
            listener.connectionFailed(cause);
        }
    }

    private void reconnect(JMSException cause) {
        ConnectionUrl lostServer;
        synchronized (lock) {
            lostServer = servers.get(serverIndex);
        }
        LOG.warn("Lost the connection to the FerryMQ server {}: {}; reconnecting (reconnectAttempts {}, "
                + "reconnectDelay {} ms, maxReconnectDelay {} ms)", lostServer, cause.getMessage(),
                settings.reconnectAttempts(), settings.reconnectDelayMillis(), settings.maxReconnectDelayMillis());
        ClientChannel listener = channel;
        if (listener instanceof RecoverableChannel recoverable) {
            try {
                recoverable.connectionInterrupted(cause);
            } catch (RuntimeException e) {
                LOG.warn("Telling the client of the lost connection failed: {}", e.toString(), e);
            }
        }
        JMSException last = cause;
        int start;
        synchronized (lock) {
            start = serverIndex;
        }
        for (int round = 1; settings.mayTry(round); round++) {
            for (int i = 0; i < servers.size(); i++) {
                int index = (start + i) % servers.size();
                if (isClosed()) {
                    return;
                }
                try {
                    if (restore(index)) {
                        return;
                    }
                } catch (JMSException | RuntimeException e) {
                    last = e instanceof JMSException jms ? jms : new JMSException(e.toString());
                    LOG.debug("Reconnecting to {} (round {}) failed: {}", servers.get(index), round, e.toString());
                }
            }
            if (!settings.mayTry(round + 1)) {
                break;
            }
            try {
                Thread.sleep(settings.delayAfter(round));
            } catch (InterruptedException e) {
                return; // closed
            }
        }
        giveUp(last);
    }

    /** Connects to server {@code index} and rebuilds the client there; false if closed meanwhile. */
    private boolean restore(int index) throws JMSException {
        ConnectionUrl server = servers.get(index);
        Transport fresh = connector.connect(server);
        int at;
        synchronized (lock) {
            if (closed) {
                fresh.close();
                return true;
            }
            at = epoch + 1;
            epoch = at; // deliveries of the lost connection are stale from now on
        }
        try {
            fresh.setClientChannel(new InnerChannel(fresh, at));
            ClientChannel listener = channel;
            if (listener instanceof RecoverableChannel recoverable) {
                recoverable.rebuild(fresh);
            }
            while (true) {
                List<Command<?>> closes;
                synchronized (lock) {
                    if (closed) {
                        fresh.close();
                        return true;
                    }
                    if (deferredCloses.isEmpty()) {
                        currentEpoch = at;
                        current = fresh;
                        serverIndex = index;
                        lock.notifyAll();
                        break;
                    }
                    closes = new ArrayList<>(deferredCloses);
                    deferredCloses.clear();
                }
                for (Command<?> close : closes) {
                    Command<?> sent = translate(close, at);
                    if (sent != null) {
                        try {
                            fresh.request(sent);
                        } catch (JMSException e) {
                            if (fresh.isLost()) {
                                throw e;
                            }
                            LOG.debug("{} after reconnecting: {}", close, e.toString());
                        }
                    }
                }
            }
        } catch (JMSException | RuntimeException e) {
            fresh.close();
            throw e;
        }
        String address = server.scheme() + "://" + server.name();
        LOG.info("Reconnected to the FerryMQ server {}", address);
        ClientChannel listener = channel;
        if (listener instanceof RecoverableChannel recoverable) {
            try {
                recoverable.connectionResumed(address);
            } catch (RuntimeException e) {
                LOG.warn("Telling the client of the restored connection failed: {}", e.toString(), e);
            }
        }
        return true;
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void giveUp(JMSException last) {
        JMSException gaveUp = new JMSException("The connection to the FerryMQ server" + (servers.size() > 1 ? "s " : " ")
                + servers + " was lost and could not be restored after " + settings.reconnectAttempts() + " round(s) "
                + "of reconnection attempts: " + last.getMessage() + "; check that the server runs, then create a "
                + "new connection");
        gaveUp.setLinkedException(last);
        gaveUp.initCause(last);
        synchronized (lock) {
            if (closed) {
                return;
            }
            failure = gaveUp;
            deferredCloses.clear();
            lock.notifyAll();
        }
        LOG.warn(gaveUp.getMessage());
        ClientChannel listener = channel;
        if (listener != null) {
            listener.connectionFailed(gaveUp);
        }
    }

    @Override
    public void close() {
        Transport inner;
        Thread reconnecting;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (failure == null) {
                failure = new IllegalStateException("The connection to the FerryMQ server is closed");
            }
            inner = current;
            current = null;
            reconnecting = reconnector;
            lock.notifyAll();
        }
        if (inner != null) {
            inner.close();
        }
        if (reconnecting != null && reconnecting != Thread.currentThread()) {
            reconnecting.interrupt();
        }
    }

    @Override
    public String toString() {
        return "FailoverTransport" + servers;
    }

    /** What one inner connection pushes: passed on while it is the connection deliveries come from. */
    private final class InnerChannel implements ClientChannel {

        private final Transport inner;
        private final int at;

        InnerChannel(Transport inner, int at) {
            this.inner = inner;
            this.at = at;
        }

        @Override
        public void deliver(Delivery delivery) {
            ClientChannel listener = channel;
            if (listener != null && at == epoch) {
                listener.deliver(new Delivery(delivery.consumerId(), ((long) at << EPOCH_SHIFT) | delivery.deliveryId(),
                        delivery.generation(), delivery.deliveryCount(), delivery.message()));
            }
        }

        @Override
        public void acknowledgementsSettled(long sessionId, int deliveries, JMSException failure) {
            ClientChannel listener = channel;
            if (listener != null && at == epoch) {
                listener.acknowledgementsSettled(sessionId, deliveries, failure);
            }
        }

        @Override
        public void connectionFailed(JMSException cause) {
            lost(inner, cause);
        }
    }
}
