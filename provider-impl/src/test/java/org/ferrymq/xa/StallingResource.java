package org.ferrymq.xa;

import java.io.Serializable;
import java.util.concurrent.CountDownLatch;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The third resource of the XA crash test, which stops the transaction at a chosen step so that
 * the test can kill the JVM there: in a JVM that {@link #arm}ed it, it prints {@code STALLED IN
 * PREPARE} or {@code STALLED IN COMMIT} and never returns. Serializable, so Narayana writes it
 * into its log and, after a crash, commits or rolls back the logged copy itself; in the
 * recovering JVM it is not armed and answers at once.
 */
final class StallingResource implements XAResource, Serializable {

    enum Step { PREPARE, COMMIT }

    private static final long serialVersionUID = 1L;
    private static volatile boolean armed;

    private final Step step;

    StallingResource(Step step) {
        this.step = step;
    }

    /** Lets resources of this JVM stall; a JVM that recovers leaves them unarmed. */
    static void arm() {
        armed = true;
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        stallAt(Step.PREPARE);
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        stallAt(Step.COMMIT);
        System.out.println("STALLING RESOURCE COMMITTED");
    }

    @Override
    public void rollback(Xid xid) {
        System.out.println("STALLING RESOURCE ROLLED BACK");
    }

    private void stallAt(Step now) {
        if (armed && now == step) {
            System.out.println("STALLED IN " + now);
            System.out.flush();
            try {
                new CountDownLatch(1).await(); // until kill -9
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void start(Xid xid, int flags) {
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
