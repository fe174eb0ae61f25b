package org.ferrymq.broker;

import static javax.transaction.xa.XAException.XAER_DUPID;
import static javax.transaction.xa.XAException.XAER_INVAL;
import static javax.transaction.xa.XAException.XAER_NOTA;
import static javax.transaction.xa.XAException.XAER_PROTO;
import static javax.transaction.xa.XAException.XAER_RMERR;
import static javax.transaction.xa.XAException.XAER_RMFAIL;
import static javax.transaction.xa.XAException.XA_HEURRB;
import static javax.transaction.xa.XAException.XA_RBROLLBACK;
import static javax.transaction.xa.XAException.XA_RBTIMEOUT;
import static javax.transaction.xa.XAResource.TMFAIL;
import static javax.transaction.xa.XAResource.TMJOIN;
import static javax.transaction.xa.XAResource.TMNOFLAGS;
import static javax.transaction.xa.XAResource.TMRESUME;
import static javax.transaction.xa.XAResource.TMSUCCESS;
import static javax.transaction.xa.XAResource.TMSUSPEND;
import static javax.transaction.xa.XAResource.XA_OK;
import static javax.transaction.xa.XAResource.XA_RDONLY;

import jakarta.jms.JMSException;
import jakarta.jms.TransactionRolledBackException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.ferrymq.api.journal.JournalOutcomeUnknownException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.PreparedTransaction;
import org.ferrymq.api.journal.StoredReference;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.ferrymq.protocol.XaFailure;
import org.ferrymq.protocol.XidData;
import org.ferrymq.security.Authorizer;
import org.ferrymq.security.Identity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's XA resource manager: every branch it knows, by Xid, and the XA state machine
 * of each. Any session of any connection of the user who started a branch may join, end,
 * prepare, commit or roll back it; with security on, a connection of another user may not
 * (unless that user may manage the broker), and {@code recover()} lists a user only their own
 * branches. A branch's state is guarded by its own monitor, so branches proceed in parallel
 * and their journal writes are group-committed together.
 *
 * <p>Misuse is refused with the code the XA specification names for it: an unknown Xid is
 * {@code XAER_NOTA}, a call out of order {@code XAER_PROTO}, a second start of a known Xid
 * {@code XAER_DUPID}, bad flags {@code XAER_INVAL}; a branch that was marked rollback-only
 * or timed out answers {@code XA_RBROLLBACK} or {@code XA_RBTIMEOUT}.
 *
 * <p>Duplicate IDs ({@link DuplicateIds}): a branch claims the IDs of its sends when it is
 * prepared, and a send whose ID is taken (or taken twice in the branch) is dropped from it as a
 * duplicate. From then until the branch ends its IDs make other sends duplicates, after a
 * restart too (they are in its journaled messages); a commit writes them to the window in its
 * batch, a rollback frees them. A one-phase commit claims them as a local transaction does.
 *
 * <p>A commit whose journal write the broker cannot confirm in time is never answered with a
 * rollback code, as the write may still land: it answers {@code XAER_RMFAIL} and keeps the
 * branch, COMMITTING and listed by {@code recover()}, until the write settles.
 */
final class XaTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(XaTransactions.class);

    /** How long a branch the broker rolled back by itself is remembered, so that late calls hear why. */
    private static final long ROLLED_BACK_MEMORY_MILLIS = 10 * 60 * 1000L;

    private final String brokerName;
    private final Timers timers;
    private final Storage storage;
    private final Routing routing;
    private final Redelivery redelivery;
    private final int defaultTimeoutSeconds;
    private final Authorizer authorizer;
    private final DuplicateIds duplicateIds;
    private final Map<XidData, XaBranch> branches = new ConcurrentHashMap<>();

    XaTransactions(String brokerName, Timers timers, Storage storage, Routing routing, Redelivery redelivery,
            int defaultTimeoutSeconds, Authorizer authorizer, DuplicateIds duplicateIds) {
        this.authorizer = authorizer;
        this.duplicateIds = duplicateIds;
        this.brokerName = brokerName;
        this.timers = timers;
        this.storage = storage;
        this.routing = routing;
        this.redelivery = redelivery;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
    }

    private static XaFailure failure(int code, String message) {
        return new XaFailure(code, message);
    }

    private XaBranch find(XidData xid) throws XaFailure {
        if (xid == null) {
            throw failure(XAER_INVAL, "An Xid is required");
        }
        XaBranch branch = branches.get(xid);
        if (branch == null) {
            throw failure(XAER_NOTA, xid + " is not a branch broker '" + brokerName
                    + "' knows: it was never started here, or it is already committed or rolled back");
        }
        return branch;
    }

    /**
     * The branch {@code xid}, if {@code who} may act on it: the user who started it, a user who
     * may manage the broker, anybody when security is off or the branch was recovered (the
     * journal does not keep its owner). Another user is refused with XAER_RMERR, and the branch
     * is left as it was.
     */
    private XaBranch owned(XidData xid, Identity who) throws XaFailure {
        XaBranch branch = find(xid);
        if (!mayFinish(branch, who)) {
            XaFailure failure = failure(XAER_RMERR, who.shown() + " may not act on " + branch + " of broker '"
                    + brokerName + "': another user started it, and only that user, or one granted manage.# in the "
                    + "permissions file, may join, prepare, commit, roll back or forget it");
            failure.initCause(new jakarta.jms.JMSSecurityException(failure.getMessage()));
            throw failure;
        }
        return branch;
    }

    private boolean mayFinish(XaBranch branch, Identity who) {
        return !authorizer.securityOn() || branch.recovered || Objects.equals(branch.owner, who.user())
                || authorizer.mayManage(who);
    }

    /** Throws the branch's rollback code if it is rollback-only, after rolling it back when {@code resolve}. */
    private void checkRollbackOnly(XaBranch branch, boolean resolve) throws XaFailure {
        if (branch.rollbackCode == 0) {
            return;
        }
        if (resolve) {
            if (branch.state != XaBranch.State.ROLLED_BACK) {
                undo(branch);
            }
            finish(branch, XaBranch.State.DONE);
        }
        throw failure(branch.rollbackCode, branch + " was rolled back: " + branch.rollbackReason);
    }

    // ---- association ----

    int start(BrokerSession session, XidData xid, int flags, int timeoutSeconds) throws JMSException {
        if (xid == null) {
            throw failure(XAER_INVAL, "XAResource.start needs an Xid");
        }
        XaBranch current = session.branch();
        if (current != null) {
            throw failure(XAER_PROTO, "The session is already associated with " + current.xid
                    + "; end that association before starting another");
        }
        Identity who = session.connection.identity();
        if (flags == TMNOFLAGS) {
            XaBranch branch = new XaBranch(xid, who.user());
            if (branches.putIfAbsent(xid, branch) != null) {
                throw failure(XAER_DUPID, xid + " is already a branch on broker '" + brokerName
                        + "'; start with TMJOIN to join it");
            }
            synchronized (branch) {
                branch.associated.add(session);
                session.associate(branch);
                int seconds = timeoutSeconds > 0 ? timeoutSeconds : defaultTimeoutSeconds;
                // rolling back may wait for the journal (dead-lettering), and for a prepare or commit
                // holding the branch while it waits for the journal: never on the scheduler's thread
                branch.timeout = timers.scheduleJournalWork(seconds * 1000L, () -> timedOut(branch, seconds));
            }
            return XA_OK;
        }
        if (flags != TMJOIN && flags != TMRESUME) {
            throw failure(XAER_INVAL, "XAResource.start takes TMNOFLAGS, TMJOIN or TMRESUME, not flags " + flags);
        }
        XaBranch branch = owned(xid, who);
        synchronized (branch) {
            checkRollbackOnly(branch, false);
            if (!branch.open()) {
                throw failure(XAER_PROTO, branch + " is " + branch.state + "; no more work can join it");
            }
            if (flags == TMRESUME) {
                if (!branch.suspended.remove(session)) {
                    throw failure(XAER_PROTO, "The session has no suspended association with " + xid
                            + " to resume; use TMJOIN or TMNOFLAGS");
                }
            } else if (branch.suspended.contains(session)) {
                throw failure(XAER_PROTO, "The session's association with " + xid
                        + " is suspended; resume it with TMRESUME");
            }
            branch.associated.add(session);
            branch.state = XaBranch.State.ACTIVE;
            session.associate(branch);
        }
        return XA_OK;
    }

    /**
     * Ends or suspends a session's association ({@code session} is null when it has closed). What the session consumed during it joins the
     * session's branch first, whatever the outcome, so that nothing consumed is left unowned.
     */
    int end(BrokerSession session, XidData xid, int flags, long[] consumed) throws JMSException {
        if (session == null) { // closed inside the branch: its association ended then
            XaBranch branch = find(xid);
            synchronized (branch) {
                if (flags == TMFAIL) {
                    branch.markRollbackOnly(XA_RBROLLBACK, "an association ended with TMFAIL");
                }
                checkRollbackOnly(branch, false);
            }
            return XA_OK;
        }
        XaBranch current = session.branch();
        List<QueueEntry> taken = session.take(consumed);
        if (current != null) {
            synchronized (current) {
                if (current.open()) {
                    current.acks.addAll(taken);
                    taken = List.of();
                }
            }
        }
        redelivery.giveBack(taken, List.of()); // consumed after the branch was rolled back: delivered again
        if (flags != TMSUCCESS && flags != TMFAIL && flags != TMSUSPEND) {
            throw failure(XAER_INVAL, "XAResource.end takes TMSUCCESS, TMFAIL or TMSUSPEND, not flags " + flags);
        }
        if (current != null && current.xid.equals(xid) && !branches.containsKey(xid)) {
            session.dissociate(current); // the branch was rolled back and is gone
            throw failure(current.rollbackCode != 0 ? current.rollbackCode : XA_RBROLLBACK,
                    current + " was rolled back: " + (current.rollbackReason != null ? current.rollbackReason
                            : "rolled back while the session was still associated"));
        }
        XaBranch branch = find(xid);
        synchronized (branch) {
            boolean active = branch.associated.contains(session);
            if (!active && !branch.suspended.contains(session)) {
                throw failure(XAER_PROTO, "The session is not associated with " + xid);
            }
            if (flags == TMSUSPEND) {
                if (!active) {
                    throw failure(XAER_PROTO, "The session's association with " + xid + " is already suspended");
                }
                branch.associated.remove(session);
                branch.suspended.add(session);
            } else {
                branch.associated.remove(session);
                branch.suspended.remove(session);
                if (flags == TMFAIL) {
                    branch.markRollbackOnly(XA_RBROLLBACK, "an association ended with TMFAIL");
                }
            }
            session.dissociate(branch);
            if (branch.state == XaBranch.State.ACTIVE && !branch.isAssociated()) {
                branch.state = XaBranch.State.IDLE;
            }
            checkRollbackOnly(branch, false);
        }
        return XA_OK;
    }

    /** A session closed: what it consumed in a branch stays in the branch, and its association ends. */
    void sessionClosed(BrokerSession session, long[] consumed) {
        XaBranch branch = session.branch();
        if (branch == null) {
            return;
        }
        synchronized (branch) {
            if (branch.open() && consumed != null) {
                branch.acks.addAll(session.take(consumed));
            }
            branch.associated.remove(session);
            branch.suspended.remove(session);
            if (branch.state == XaBranch.State.ACTIVE && !branch.isAssociated()) {
                branch.state = XaBranch.State.IDLE;
            }
            session.dissociate(branch);
        }
    }

    // ---- completion ----

    int prepare(XidData xid, Identity who) throws JMSException {
        XaBranch branch = owned(xid, who);
        synchronized (branch) {
            checkRollbackOnly(branch, true);
            if (branch.state != XaBranch.State.IDLE) {
                throw failure(XAER_PROTO, branch + " is " + (branch.isAssociated()
                        ? "still associated with a session; end every association before prepare"
                        : branch.state + " and cannot be prepared"));
            }
            if (branch.sends.isEmpty() && branch.acks.isEmpty()) {
                finish(branch, XaBranch.State.DONE);
                return XA_RDONLY;
            }
            List<JournalRecord> records = new ArrayList<>(1);
            try {
                claimDuplicateIds(branch);
                if (branch.sends.isEmpty() && branch.acks.isEmpty()) { // it only sent duplicates
                    finish(branch, XaBranch.State.DONE);
                    return XA_RDONLY;
                }
                records.add(new JournalRecord.TransactionPrepared(prepared(branch)));
                storage.persist(records);
            } catch (JMSException e) {
                undo(branch);
                finish(branch, XaBranch.State.DONE);
                if (branch.txNo != 0) {
                    // the record may still reach the database: make sure it is ended there too
                    storage.append(List.of(new JournalRecord.TransactionEnded(branch.txNo, false)));
                }
                XaFailure failure = failure(XAER_RMERR, branch + " could not be prepared and was rolled back: "
                        + e.getMessage());
                failure.initCause(e);
                throw failure;
            }
            branch.cancelTimeout();
            branch.state = XaBranch.State.PREPARED;
            branch.claims.values().forEach(DuplicateIds.Claim::prepared);
        }
        return XA_OK;
    }

    /**
     * Claims the duplicate IDs of the branch's sends; a send whose ID is taken, by another send
     * or by an earlier send of the branch, is dropped from the branch as if sent (a large one's
     * body with it).
     */
    private void claimDuplicateIds(XaBranch branch) throws JMSException {
        List<Long> droppedBodies = new ArrayList<>();
        try {
            for (Iterator<XaBranch.Send> sends = branch.sends.iterator(); sends.hasNext(); ) {
                ServerMessage message = sends.next().message();
                DuplicateIds.Claim claim = duplicateIds.claim(message.data, true, branch.claims.values());
                if (claim.isDuplicate()) {
                    sends.remove();
                    if (message.data.isLarge()) {
                        droppedBodies.add(message.messageNo); // nothing holds its body now
                    }
                } else if (claim.holds()) {
                    branch.claims.put(message.messageNo, claim);
                }
            }
        } finally {
            storage.awaitRelease(storage.releaseBodies(droppedBodies));
        }
    }

    /** Adds the duplicate ID of {@code message} to a batch that stores it (one that grew from {@code before}). */
    private static void journalClaim(XaBranch branch, ServerMessage message, List<JournalRecord> records, int before) {
        DuplicateIds.Claim claim = branch.claims.get(message.messageNo);
        if (claim != null && records.size() > before) {
            claim.journal(records);
        }
    }

    /** The branch committed: the IDs of its sends join their windows. */
    private static void acceptClaims(XaBranch branch) {
        branch.claims.values().forEach(DuplicateIds.Claim::accepted);
        branch.claims.clear();
    }

    /** Fixes each send's queues and describes the branch for the journal. */
    private PreparedTransaction prepared(XaBranch branch) throws JMSException {
        List<PreparedTransaction.Send> sends = new ArrayList<>();
        for (int i = 0; i < branch.sends.size(); i++) {
            ServerMessage message = branch.sends.get(i).message();
            List<MessageQueue> targets = routing.targets(message);
            branch.sends.set(i, new XaBranch.Send(message, targets));
            int journaled = 0;
            for (MessageQueue target : targets) {
                if (target.durable && message.persistent()) {
                    journaled++;
                    sends.add(new PreparedTransaction.Send(target.id, message));
                }
            }
            message.references(journaled);
        }
        List<PreparedTransaction.Ack> acks = new ArrayList<>();
        for (QueueEntry entry : branch.acks) {
            if (entry.journaled() && !entry.queue.isDeleted()) {
                acks.add(new PreparedTransaction.Ack(entry.queue.id,
                        new StoredReference(entry.sequence, entry.deliveryCount, entry.message, entry.delayedUntil)));
            }
        }
        branch.txNo = storage.nextNumber();
        return new PreparedTransaction(branch.txNo, branch.xid.formatId(), branch.xid.globalId(),
                branch.xid.branchId(), sends, acks);
    }

    int commit(XidData xid, boolean onePhase, Identity who) throws JMSException {
        XaBranch branch = owned(xid, who);
        synchronized (branch) {
            if (branch.isAssociated()) {
                throw failure(XAER_PROTO, branch + " is still associated with a session; end it before commit");
            }
            if (onePhase) {
                if (branch.state == XaBranch.State.COMMITTING) {
                    throw failure(XAER_RMFAIL, branch + " is still being committed: its journal write has not "
                            + "settled; try again");
                }
                if (branch.state == XaBranch.State.PREPARED) {
                    throw failure(XAER_PROTO, branch + " is prepared; commit it with onePhase false");
                }
                checkRollbackOnly(branch, true);
                commitOnePhase(branch);
            } else {
                if (branch.state == XaBranch.State.ROLLED_BACK) {
                    checkRollbackOnly(branch, true);
                }
                if (branch.state == XaBranch.State.COMMITTING) {
                    throw failure(XAER_RMFAIL, branch + " is still being committed: its journal write has not "
                            + "finished; try again");
                }
                if (branch.state != XaBranch.State.PREPARED) {
                    throw failure(XAER_PROTO, branch + " is not prepared; prepare it first or commit with onePhase true");
                }
                commitPrepared(branch);
            }
        }
        return XA_OK;
    }

    /**
     * Commits an unprepared branch as a local transaction would; if that fails, the branch is
     * rolled back. If the journal cannot confirm the write in time, the outcome is unknown:
     * the branch stays, COMMITTING and listed by {@code recover()}, until the write settles,
     * and the transaction manager hears {@code XAER_RMFAIL}, which makes it keep the
     * transaction for recovery (Narayana records it as committing and calls
     * {@code commit(xid, false)} again) rather than assume a rollback.
     */
    private void commitOnePhase(XaBranch branch) throws XaFailure {
        List<JournalRecord> records = new ArrayList<>();
        List<QueueEntry> routed = new ArrayList<>();
        try {
            try {
                claimDuplicateIds(branch);
                for (XaBranch.Send send : branch.sends) {
                    int before = records.size();
                    routed.addAll(routing.route(send.message(), records));
                    journalClaim(branch, send.message(), records, before);
                }
            } catch (JMSException e) {
                routed.forEach(entry -> entry.queue.abandon(entry));
                undo(branch);
                throw e;
            }
            // on failure it gives the acknowledged entries back; on an unknown outcome it holds them
            routing.store(records, routed, branch.acks, stored -> onePhaseSettled(branch, stored));
        } catch (OutcomeUnknownException e) {
            branch.cancelTimeout();
            branch.state = XaBranch.State.COMMITTING;
            XaFailure failure = failure(XAER_RMFAIL, branch + " was committed in one phase, but whether that took "
                    + "effect is unknown: " + e.getMessage() + ". The broker keeps the branch until it knows; "
                    + "ask again with commit(xid, false), as a transaction manager's recovery does: XAER_NOTA then "
                    + "means committed, XA_HEURRB rolled back");
            failure.initCause(e);
            throw failure;
        } catch (JMSException e) {
            releaseClaims(branch);
            finish(branch, XaBranch.State.DONE);
            XaFailure failure = failure(XA_RBROLLBACK, branch + " could not be committed and was rolled back: "
                    + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        acceptClaims(branch);
        finish(branch, XaBranch.State.DONE);
    }

    /**
     * The write of a one-phase commit that answered {@code XAER_RMFAIL} settled. Stored, the
     * branch is done. Failed, it was rolled back (its acknowledged entries are back on their
     * queues) after the transaction manager was told it may have committed: the branch stays a
     * while as heuristically rolled back, so that the manager's next commit hears {@code XA_HEURRB}.
     */
    private void onePhaseSettled(XaBranch branch, boolean stored) {
        synchronized (branch) {
            if (stored) {
                acceptClaims(branch);
                finish(branch, XaBranch.State.DONE);
                return;
            }
            releaseClaims(branch);
            branch.acks.clear();
            releaseLargeBodies(branch);
            branch.sends.clear();
            branch.markRollbackOnly(XA_HEURRB, "its one-phase commit could not be stored after all, so it was "
                    + "rolled back");
            branch.state = XaBranch.State.ROLLED_BACK;
            LOG.warn("{}: its one-phase commit, answered XAER_RMFAIL, could not be stored after all; broker '{}' "
                    + "rolled it back and answers XA_HEURRB to the transaction manager", branch, brokerName);
        }
        timers.scheduleCancellable(ROLLED_BACK_MEMORY_MILLIS, () -> branches.remove(branch.xid, branch));
    }

    /**
     * Commits a prepared branch: its sends take new places on their queues and its
     * acknowledged places go, in one batch with the end of the branch. If the journal fails,
     * the branch stays prepared; if it does not answer in time, the branch is COMMITTING
     * (its acknowledged entries still locked) until the write settles: committed, or prepared
     * again if it failed. If even the journal cannot tell, it stays COMMITTING until a restart
     * reads the outcome from the database.
     */
    private void commitPrepared(XaBranch branch) throws XaFailure {
        List<JournalRecord> records = new ArrayList<>();
        List<QueueEntry> routed = new ArrayList<>();
        for (XaBranch.Send send : branch.sends) {
            int before = records.size();
            routed.addAll(routing.place(send.message(), send.targets(), records, false));
            journalClaim(branch, send.message(), records, before);
        }
        storage.countWithoutLimit(routed); // prepared: its sends were accepted already
        for (QueueEntry entry : branch.acks) {
            storage.removal(entry, records);
        }
        records.add(new JournalRecord.TransactionEnded(branch.txNo, true));
        CompletableFuture<Void> written = storage.append(records);
        try {
            storage.await(written);
        } catch (OutcomeUnknownException e) {
            branch.state = XaBranch.State.COMMITTING;
            storage.afterSettled(written, writeFailure -> {
                synchronized (branch) {
                    if (writeFailure == null) {
                        committed(branch, routed);
                    } else {
                        routed.forEach(entry -> entry.queue.abandon(entry));
                        if (!(writeFailure instanceof JournalOutcomeUnknownException)) {
                            branch.state = XaBranch.State.PREPARED;
                        }
                    }
                }
            });
            XaFailure failure = failure(XAER_RMFAIL, branch + " is being committed, but the journal has not confirmed "
                    + "it yet: " + e.getMessage() + ". Commit it again later");
            failure.initCause(e);
            throw failure;
        } catch (JMSException e) {
            routed.forEach(entry -> entry.queue.abandon(entry));
            XaFailure failure = failure(XAER_RMFAIL, branch + " could not be committed now; it stays prepared, "
                    + "commit it again: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        committed(branch, routed);
    }

    private void committed(XaBranch branch, List<QueueEntry> routed) {
        for (QueueEntry entry : branch.acks) {
            entry.queue.unlock(entry, false);
        }
        storage.removed(branch.acks);
        routed.forEach(entry -> entry.queue.enqueue(entry));
        acceptClaims(branch);
        finish(branch, XaBranch.State.DONE);
    }

    int rollback(XidData xid, Identity who) throws JMSException {
        XaBranch branch = owned(xid, who);
        synchronized (branch) {
            if (branch.state == XaBranch.State.ROLLED_BACK) {
                checkRollbackOnly(branch, true);
            }
            if (branch.state == XaBranch.State.COMMITTING) {
                throw failure(XAER_PROTO, branch + " is being committed; it cannot be rolled back");
            }
            if (branch.state == XaBranch.State.PREPARED) {
                try {
                    storage.persist(List.of(new JournalRecord.TransactionEnded(branch.txNo, false)));
                } catch (JMSException e) {
                    XaFailure failure = failure(XAER_RMFAIL, branch + " could not be rolled back now; it stays "
                            + "prepared, roll it back again: " + e.getMessage());
                    failure.initCause(e);
                    throw failure;
                }
            }
            undo(branch);
            // sessions still associated hear of it when they end their association
            branch.markRollbackOnly(XA_RBROLLBACK, "rolled back while a session was still associated");
            finish(branch, XaBranch.State.DONE);
        }
        return XA_OK;
    }

    int forget(XidData xid, Identity who) throws JMSException {
        XaBranch branch = owned(xid, who);
        synchronized (branch) {
            if (branch.state == XaBranch.State.ROLLED_BACK && branch.rollbackCode == XA_HEURRB) {
                finish(branch, XaBranch.State.DONE);
                return XA_OK;
            }
        }
        throw failure(XAER_PROTO, branch + " was not completed heuristically, so there is nothing to forget; "
                + "commit or roll it back");
    }

    /**
     * The branches in doubt: prepared, being committed, or rolled back heuristically and not yet
     * forgotten; of them, those {@code who} may finish.
     */
    List<XidData> recover(Identity who) {
        List<XidData> prepared = new ArrayList<>();
        for (XaBranch branch : branches.values()) {
            if (!mayFinish(branch, who)) {
                continue;
            }
            synchronized (branch) {
                boolean heuristic = branch.state == XaBranch.State.ROLLED_BACK && branch.rollbackCode == XA_HEURRB;
                if (branch.state == XaBranch.State.PREPARED || branch.state == XaBranch.State.COMMITTING || heuristic) {
                    prepared.add(branch.xid);
                }
            }
        }
        return prepared;
    }

    /** Drops the branch's sends and gives its acknowledged entries back, delivered once more. */
    private void undo(XaBranch branch) {
        List<QueueEntry> back = new ArrayList<>(branch.acks.size());
        for (QueueEntry entry : branch.acks) {
            if (entry.queue.unlock(entry, true)) {
                back.add(entry);
            }
        }
        branch.acks.clear();
        releaseLargeBodies(branch);
        branch.sends.clear();
        releaseClaims(branch);
        redelivery.giveBack(back, List.of());
    }

    /** The branch rolled back: the IDs of its sends are free for others. */
    private static void releaseClaims(XaBranch branch) {
        branch.claims.values().forEach(DuplicateIds.Claim::released);
        branch.claims.clear();
    }

    /**
     * The branch's large sends will not be stored: their chunks go (unless a prepared branch's
     * message is still stored, whose rollback record deletes them with it).
     */
    private void releaseLargeBodies(XaBranch branch) {
        List<Long> bodies = new ArrayList<>();
        for (XaBranch.Send send : branch.sends) {
            if (send.message().data.isLarge()) {
                bodies.add(send.message().messageNo);
            }
        }
        storage.releaseBodies(bodies);
    }

    private void finish(XaBranch branch, XaBranch.State state) {
        branch.cancelTimeout();
        branch.state = state;
        branches.remove(branch.xid, branch);
    }

    /** The branch's timeout passed: unless it is prepared by now, the broker rolls it back. */
    private void timedOut(XaBranch branch, int seconds) {
        synchronized (branch) {
            if (!branch.open()) {
                return;
            }
            LOG.warn("{} was not prepared within its timeout of {} s; broker '{}' rolls it back", branch, seconds,
                    brokerName);
            undo(branch);
            branch.timeout = null;
            branch.markRollbackOnly(XA_RBTIMEOUT, "it was not prepared within its timeout of " + seconds + " s");
            branch.state = XaBranch.State.ROLLED_BACK;
        }
        timers.scheduleCancellable(ROLLED_BACK_MEMORY_MILLIS, () -> branches.remove(branch.xid, branch));
    }

    /** A send made in a session associated with the branch. */
    void send(XaBranch branch, ServerMessage message) throws JMSException {
        synchronized (branch) {
            if (!branch.open() || branch.rollbackCode != 0) {
                throw new TransactionRolledBackException("The session's XA transaction " + branch.xid
                        + " was rolled back" + (branch.rollbackReason == null ? "" : ": " + branch.rollbackReason)
                        + "; the message was not sent");
            }
            branch.sends.add(new XaBranch.Send(message, List.of()));
        }
    }

    // ---- recovery ----

    /**
     * A branch the journal held prepared: its sends wait for their queues, its acknowledged
     * places are locked on theirs until the transaction manager decides.
     */
    void recovered(PreparedTransaction tx, Function<Long, MessageQueue> queues) {
        XidData xid = new XidData(tx.formatId(), tx.globalId(), tx.branchId());
        XaBranch branch = new XaBranch(xid, null);
        branch.state = XaBranch.State.PREPARED;
        branch.txNo = tx.txNo();
        branch.recovered = true;
        Map<Long, XaBranch.Send> sends = new HashMap<>();
        for (PreparedTransaction.Send send : tx.sends()) {
            MessageQueue queue = queues.apply(send.queueId());
            XaBranch.Send s = sends.computeIfAbsent(send.message().messageNo(), n -> {
                ServerMessage message = ServerMessage.restored(send.message());
                DuplicateIds.Claim claim = duplicateIds.recoveredHold(message.data);
                if (claim.holds()) {
                    branch.claims.put(n, claim); // held as its prepare held it
                }
                return new XaBranch.Send(message, new ArrayList<>());
            });
            if (queue == null) {
                LOG.warn("{} sent message {} to queue id {}, which no longer exists; it is not delivered there",
                        branch, send.message().messageId(), send.queueId());
            } else {
                s.targets().add(queue);
            }
        }
        branch.sends.addAll(sends.values());
        branch.sends.sort((a, b) -> Long.compare(a.message().messageNo, b.message().messageNo));
        for (PreparedTransaction.Ack ack : tx.acks()) {
            MessageQueue queue = queues.apply(ack.queueId());
            if (queue == null) {
                continue;
            }
            StoredReference ref = ack.reference();
            QueueEntry entry = new QueueEntry(queue, ServerMessage.restored(ref.message()), ref.seq(),
                    ref.deliveryCount(), ref.deliveryTime());
            queue.lock(entry);
            branch.acks.add(entry);
        }
        branches.put(xid, branch);
        LOG.info("Broker '{}' recovered prepared {} ({} message(s) sent, {} acknowledged); it waits for its "
                + "transaction manager to commit or roll it back", brokerName, branch, tx.sends().size(),
                tx.acks().size());
    }
}
