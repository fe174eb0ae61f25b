package org.ferrymq.xa;

import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.transaction.xa.XAResource;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;

/**
 * The JVM of the XA crash test. Everything lives in one directory: the broker's H2 journal,
 * Narayana's object store and the H2 orders database.
 *
 * <p>{@code stall-in-commit DIR} and {@code stall-in-prepare DIR} run one transaction (a
 * message sent, an order inserted, a {@link StallingResource}) and stall in the commit or the
 * prepare of that resource, for the test to kill. {@code recover DIR} runs Narayana's recovery
 * with FerryMQ and H2 registered, two scans, and prints {@code RECOVERED}.
 */
public final class XaCrashChild {

    static final String BROKER = "xa-crash";
    static final String QUEUE = "orders";
    static final String NODE = "ferrymq-xa-crash";

    private XaCrashChild() {
    }

    static String brokerUrl(Path dir) {
        return "vm://" + BROKER + "?dataDirectory="
                + URLEncoder.encode(dir.resolve("broker").toAbsolutePath().toString(), StandardCharsets.UTF_8);
    }

    static OrdersDatabase orders(Path dir) {
        return OrdersDatabase.h2(dir);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        Narayana.configure(dir.resolve("narayana"), NODE);
        switch (args[0]) {
            case "stall-in-commit" -> stall(dir, StallingResource.Step.COMMIT);
            case "stall-in-prepare" -> stall(dir, StallingResource.Step.PREPARE);
            case "recover" -> recover(dir);
            default -> throw new IllegalArgumentException("Unknown mode '" + args[0] + "'; use stall-in-commit, "
                    + "stall-in-prepare or recover");
        }
        System.exit(0);
    }

    /**
     * Narayana prepares and commits resources in the order they were enlisted: a resource
     * stalling in commit goes first, so FerryMQ and H2 are prepared and not yet committed when
     * it stalls; one stalling in prepare goes last, so they are prepared and no decision is
     * logged.
     */
    private static void stall(Path dir, StallingResource.Step step) throws Exception {
        StallingResource.arm();
        OrdersDatabase db = orders(dir);
        db.createOrdersTable();
        XAConnection connection = new FerryXAConnectionFactory(brokerUrl(dir)).createXAConnection();
        XASession session = connection.createXASession();
        javax.sql.XAConnection dbXa = db.dataSource().getXAConnection();

        TransactionManager tm = Narayana.transactionManager();
        tm.begin();
        Transaction tx = tm.getTransaction();
        StallingResource stalling = new StallingResource(step);
        if (step == StallingResource.Step.COMMIT) {
            tx.enlistResource(stalling);
        }
        tx.enlistResource(session.getXAResource());
        tx.enlistResource(dbXa.getXAResource());
        if (step == StallingResource.Step.PREPARE) {
            tx.enlistResource(stalling);
        }
        session.createProducer(session.createQueue(QUEUE)).send(session.createTextMessage("order-1"));
        OrdersDatabase.insertOrder(dbXa.getConnection(), "order-1");
        System.out.println("COMMITTING " + tx);
        tm.commit();
        System.out.println("COMMIT RETURNED, but the resource should have stalled it");
        System.exit(1);
    }

    private static void recover(Path dir) throws Exception {
        FerryXAConnectionFactory ferry = new FerryXAConnectionFactory(brokerUrl(dir));
        javax.sql.XADataSource h2 = orders(dir).dataSource();
        RecoveryManager manager = Narayana.recoveryManager(
                helper(() -> ferry.createXAConnection().createXASession().getXAResource()),
                helper(() -> h2.getXAConnection().getXAResource()));
        manager.scan();
        manager.scan();
        manager.terminate();
        EmbeddedBroker.stop(BROKER);
        System.out.println("RECOVERED");
    }

    /** A recovery helper answering the one resource {@code open} makes on first use. */
    private static XAResourceRecoveryHelper helper(Callable<XAResource> open) {
        return new XAResourceRecoveryHelper() {
            private XAResource resource;

            @Override
            public boolean initialise(String parameter) {
                return true;
            }

            @Override
            public synchronized XAResource[] getXAResources() throws Exception {
                if (resource == null) {
                    resource = open.call();
                }
                return new XAResource[] {resource};
            }
        };
    }
}
