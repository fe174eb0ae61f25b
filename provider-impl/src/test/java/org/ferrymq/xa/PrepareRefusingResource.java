package org.ferrymq.xa;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A resource manager that fails in prepare: the database's own {@link XAResource} for every
 * call but prepare, which it refuses with {@code XAER_RMERR} without preparing the database's
 * branch, as a database that cannot keep its promise would.
 */
final class PrepareRefusingResource implements XAResource {

    private final XAResource database;

    PrepareRefusingResource(XAResource database) {
        this.database = database;
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        XAException refusal = new XAException("The test's database refuses to prepare " + xid);
        refusal.errorCode = XAException.XAER_RMERR;
        throw refusal;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        database.start(xid, flags);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        database.end(xid, flags);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        database.commit(xid, onePhase);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        database.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        database.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return database.recover(flag);
    }

    /** Only itself: the transaction manager must keep it a branch of its own. */
    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return database.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return database.setTransactionTimeout(seconds);
    }
}
