package org.ferrymq.testing;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.Xid;

/**
 * An Xid of the tests' own class, as a transaction manager would make one: the broker must
 * compare Xids by value, not by type. Each {@link #next} is a new global transaction.
 */
public record TestXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {

    private static final AtomicLong XIDS = new AtomicLong();

    /** The first branch of a new global transaction. */
    public static TestXid next() {
        return new TestXid(4711, ByteBuffer.allocate(8).putLong(XIDS.incrementAndGet()).array(), new byte[] {1});
    }

    /** Another branch of this one's global transaction. */
    public TestXid branch(byte qualifier) {
        return new TestXid(formatId, gtrid, new byte[] {qualifier});
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return bqual.clone();
    }
}
