package org.ferrymq.client;

import jakarta.jms.JMSException;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.XaFailure;
import org.ferrymq.protocol.XidData;

/**
 * The {@link XAResource} of an {@link FerryXASession}. Start and end associate the session
 * with a branch; prepare, commit, rollback, forget and recover work on any branch of the
 * broker, whichever session started it, so a resource from a new session serves a
 * transaction manager's recovery after a restart.
 *
 * <p>Every call is one command to the broker; the broker's refusals come back as an
 * {@link XAException} with the code the XA specification names, and a broker that cannot be
 * reached (or whose journal fails) as {@code XAER_RMFAIL}.
 */
final class FerryXAResource implements XAResource {

    private final FerrySession session;
    private final String resourceManager;
    private volatile int timeoutSeconds;

    FerryXAResource(FerrySession session, String resourceManager) {
        this.session = session;
        this.resourceManager = resourceManager;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        requireXid(xid);
        request(new Command.XaStart(session.id, XidData.of(xid), flags, timeoutSeconds));
        session.xaAssociated = true;
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        requireXid(xid);
        if (flags != TMSUCCESS && flags != TMFAIL && flags != TMSUSPEND) {
            throw failure(XAException.XAER_INVAL, "XAResource.end takes TMSUCCESS, TMFAIL or TMSUSPEND, not flags "
                    + flags, null);
        }
        try {
            session.awaitCompletions(); // asynchronous sends belong to the branch too
        } catch (JMSException e) {
            throw failure(XAException.XAER_RMFAIL, e.getMessage(), e);
        }
        session.xaAssociated = false;
        request(new Command.XaEnd(session.id, XidData.of(xid), flags, session.takeConsumed()));
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        requireXid(xid);
        return request(new Command.XaPrepare(XidData.of(xid)));
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        requireXid(xid);
        request(new Command.XaCommit(XidData.of(xid), onePhase));
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        requireXid(xid);
        request(new Command.XaRollback(XidData.of(xid)));
    }

    @Override
    public void forget(Xid xid) throws XAException {
        requireXid(xid);
        request(new Command.XaForget(XidData.of(xid)));
    }

    /**
     * Every prepared, unresolved branch at {@code TMSTARTRSCAN}; the whole list comes at the
     * start of a scan, so later calls of the same scan answer none.
     */
    @Override
    public Xid[] recover(int flag) throws XAException {
        if ((flag & ~(TMSTARTRSCAN | TMENDRSCAN)) != 0) {
            throw failure(XAException.XAER_INVAL, "XAResource.recover takes TMSTARTRSCAN, TMENDRSCAN, both or "
                    + "TMNOFLAGS, not flags " + flag, null);
        }
        if ((flag & TMSTARTRSCAN) == 0) {
            return new Xid[0];
        }
        List<XidData> prepared = request(new Command.XaRecover());
        return prepared.toArray(new Xid[0]);
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other instanceof FerryXAResource o && o.resourceManager.equals(resourceManager);
    }

    @Override
    public int getTransactionTimeout() {
        return timeoutSeconds;
    }

    /** Applies to branches this resource starts from now on; 0 restores the broker's default. */
    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        if (seconds < 0) {
            throw failure(XAException.XAER_INVAL, "A transaction timeout must be 0 (the broker's default) or more "
                    + "seconds, not " + seconds, null);
        }
        timeoutSeconds = seconds;
        return true;
    }

    private static void requireXid(Xid xid) throws XAException {
        if (xid == null) {
            throw failure(XAException.XAER_INVAL, "An Xid is required", null);
        }
    }

    private <R> R request(Command<R> command) throws XAException {
        try {
            return session.connection.transport.request(command);
        } catch (XaFailure f) {
            throw failure(f.xaCode(), f.getMessage(), f);
        } catch (JMSException e) {
            throw failure(XAException.XAER_RMFAIL, "Broker " + resourceManager + " could not carry out "
                    + command.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static XAException failure(int code, String message, Exception cause) {
        XAException failure = new XAException(message);
        failure.errorCode = code;
        if (cause != null) {
            failure.initCause(cause);
        }
        return failure;
    }

    @Override
    public String toString() {
        return "FerryXAResource[" + resourceManager + ", " + session + "]";
    }
}
