package org.ferrymq.protocol;

import java.util.Arrays;
import java.util.HexFormat;
import javax.transaction.xa.Xid;

/**
 * An XA transaction branch identifier as the broker keeps it: a copy of the transaction
 * manager's {@link Xid}, compared by value, so that any {@code Xid} implementation with the
 * same format, global id and branch qualifier names the same branch.
 */
public record XidData(int formatId, byte[] globalId, byte[] branchId) implements Xid {

    public XidData {
        globalId = globalId.clone();
        branchId = branchId.clone();
    }

    /** A copy of {@code xid}; {@code null} stays {@code null}. */
    public static XidData of(Xid xid) {
        if (xid == null || xid instanceof XidData) {
            return (XidData) xid;
        }
        return new XidData(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return globalId.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return branchId.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XidData x && x.formatId == formatId && Arrays.equals(x.globalId, globalId)
                && Arrays.equals(x.branchId, branchId);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * formatId + Arrays.hashCode(globalId)) + Arrays.hashCode(branchId);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "Xid[" + formatId + ":" + hex.formatHex(globalId) + ":" + hex.formatHex(branchId) + "]";
    }
}
