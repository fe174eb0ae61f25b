package org.ferrymq.appserver.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The resource a crash-recovery test enlists first in a transaction. {@link #stallingInCommit}
 * prepares, and in commit (so after the transaction manager has logged its decision to commit,
 * and before it commits the resources enlisted after it) creates a marker file and never
 * returns, so that the test can kill the server there.
 *
 * <p>Not serializable: the transaction manager would write it into its log, and after the restart
 * could not read it back (its class belongs to the application, not to the transaction manager's
 * module), which would stop the whole logged transaction from being recovered. Instead it keeps
 * each prepared branch as a file in {@link #BRANCHES}, and after the restart
 * {@link StalledBranchRecovery} hands recovery a {@link #recovering} resource that lists those
 * branches and completes them as told, like any resource manager.
 */
public final class StallingResource implements XAResource {

    /** The prepared branches, one empty file each, named formatId-gtrid-bqual (hex). */
    public static final Path BRANCHES = Path.of(System.getProperty("jboss.server.data.dir", "."), "stalled-branches");

    private final Path marker;

    private StallingResource(Path marker) {
        this.marker = marker;
    }

    /** Stalls in commit once it has created {@code marker}. */
    public static StallingResource stallingInCommit(Path marker) {
        return new StallingResource(marker);
    }

    /** Lists the prepared branches and completes them: for the transaction manager's recovery. */
    public static StallingResource recovering() {
        return new StallingResource(null);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        try {
            Files.createDirectories(BRANCHES);
            Files.write(BRANCHES.resolve(fileName(xid)), new byte[0]);
        } catch (IOException e) {
            throw failure("could not record the prepared branch in " + BRANCHES, e);
        }
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        if (marker != null) {
            try {
                Files.createFile(marker);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create the marker " + marker + " that tells the test to kill",
                        e);
            }
            try {
                new CountDownLatch(1).await(); // until the server is killed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        complete(xid);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        complete(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        complete(xid);
    }

    private static void complete(Xid xid) throws XAException {
        try {
            Files.deleteIfExists(BRANCHES.resolve(fileName(xid)));
        } catch (IOException e) {
            throw failure("could not remove the completed branch from " + BRANCHES, e);
        }
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        if ((flag & TMSTARTRSCAN) == 0 || !Files.isDirectory(BRANCHES)) {
            return new Xid[0];
        }
        try (Stream<Path> files = Files.list(BRANCHES)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".xid"))
                    .map(StallingResource::branch).toArray(Xid[]::new);
        } catch (IOException e) {
            throw failure("could not list the prepared branches in " + BRANCHES, e);
        }
    }

    private static String fileName(Xid xid) {
        HexFormat hex = HexFormat.of();
        return xid.getFormatId() + "-" + hex.formatHex(xid.getGlobalTransactionId()) + "-"
                + hex.formatHex(xid.getBranchQualifier()) + ".xid";
    }

    private static Xid branch(String fileName) {
        String[] parts = fileName.substring(0, fileName.length() - ".xid".length()).split("-");
        HexFormat hex = HexFormat.of();
        return new Branch(Integer.parseInt(parts[0]), hex.parseHex(parts[1]), hex.parseHex(parts[2]));
    }

    private record Branch(int getFormatId, byte[] getGlobalTransactionId, byte[] getBranchQualifier) implements Xid {
    }

    private static XAException failure(String message, IOException cause) {
        XAException failure = new XAException("Stalling resource " + message + ": " + cause);
        failure.errorCode = XAException.XAER_RMERR;
        failure.initCause(cause);
        return failure;
    }

    @Override
    public void start(Xid xid, int flags) {
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other instanceof StallingResource;
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
