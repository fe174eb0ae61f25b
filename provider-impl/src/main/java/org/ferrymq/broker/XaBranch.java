package org.ferrymq.broker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.ferrymq.protocol.XidData;

/**
 * One XA transaction branch: the sends and acknowledgements of the sessions associated with
 * its Xid, held until the transaction manager decides. All of it is guarded by the branch's
 * monitor.
 *
 * <p>Life: ACTIVE while a session is associated (or suspended), IDLE once every association
 * has ended, PREPARED once its prepare record is durable, then COMMITTING while a commit's
 * record is on its way and unconfirmed (a one-phase commit too); a branch leaves the broker
 * when committed or rolled back. A branch the broker rolls back by itself (its timeout
 * passed, or the write of a commit it could not confirm failed after all) stays behind as
 * ROLLED_BACK for a while, so that the calls still to come hear why.
 */
final class XaBranch {

    enum State { ACTIVE, IDLE, PREPARED, COMMITTING, ROLLED_BACK, DONE }

    /** A sent message and, once the branch is prepared, the queues it goes to on commit. */
    record Send(ServerMessage message, List<MessageQueue> targets) {}

    final XidData xid;
    /**
     * The user whose session started the branch (null: a connection without a user name); only
     * that user, or one who may manage the broker, may join, prepare, commit, roll back or forget it.
     */
    final String owner;
    State state = State.ACTIVE;
    /** Sessions associated with the branch now, and those whose association is suspended. */
    final Set<BrokerSession> associated = new HashSet<>();
    final Set<BrokerSession> suspended = new HashSet<>();
    /** Messages sent, in order; their targets are fixed at prepare (or at a one-phase commit). */
    final List<Send> sends = new ArrayList<>();
    /** Deliveries consumed in the branch: acknowledged on commit, redelivered on rollback. */
    final List<QueueEntry> acks = new ArrayList<>();
    /**
     * The duplicate IDs its sends hold, by message number, from prepare (or a one-phase commit)
     * until the branch ends: accepted on commit, released on rollback.
     */
    final Map<Long, DuplicateIds.Claim> claims = new LinkedHashMap<>();
    /** The branch's journal number, set at prepare. */
    long txNo;
    /**
     * Recovered from the journal: its acknowledged entries are locked on their queues. The
     * journal does not keep its owner, so any user may finish it.
     */
    boolean recovered;
    /** When non-zero, the branch is rollback-only: the XA code its end, prepare and commit answer. */
    int rollbackCode;
    String rollbackReason;
    ScheduledFuture<?> timeout;

    XaBranch(XidData xid, String owner) {
        this.xid = xid;
        this.owner = owner;
    }

    boolean isAssociated() {
        return !associated.isEmpty() || !suspended.isEmpty();
    }

    /** Whether work may still join the branch: neither prepared nor ended. */
    boolean open() {
        return state == State.ACTIVE || state == State.IDLE;
    }

    void markRollbackOnly(int code, String reason) {
        if (rollbackCode == 0) {
            rollbackCode = code;
            rollbackReason = reason;
        }
    }

    void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    @Override
    public String toString() {
        return "XA branch " + xid;
    }
}
