package org.ferrymq.xa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.transaction.xa.XAResource;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.journal.crash.ChildJvm;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XA recovery, proven by crashing: a JVM ({@link XaCrashChild}) runs a Narayana transaction over
 * FerryMQ (a sent message), H2 (an inserted row) and a third resource that stalls it, and is
 * killed with {@code kill -9} at that moment. A second JVM runs Narayana's recovery on the same
 * broker journal, object store and database. Afterwards the transaction has happened exactly
 * once or not at all, as Narayana's log decided, and no branch is left in doubt. Runs in the
 * {@code crash} profile.
 */
class XaCrashRecoveryIT {

    @Test
    void aCommitDecidedBeforeTheCrashIsCompletedByRecovery(@TempDir Path dir) throws Exception {
        Outcome outcome = crashAndRecover(dir, "stall-in-commit");
        System.out.println("XA crash case A (commit decision logged, killed in the commit phase): " + outcome);
        assertEquals(new Outcome(1, 1, 1, 1, 0), outcome);
        assertTrue(Files.readAllLines(dir.resolve("recover-stdout.txt")).contains("STALLING RESOURCE COMMITTED"),
                "recovery did not commit the logged copy of the stalling resource");
    }

    @Test
    void aTransactionKilledBeforeItsDecisionIsRolledBackByRecovery(@TempDir Path dir) throws Exception {
        Outcome outcome = crashAndRecover(dir, "stall-in-prepare");
        System.out.println("XA crash case B (killed in the prepare phase, no decision logged): " + outcome);
        assertEquals(new Outcome(1, 1, 0, 0, 0), outcome);
    }

    /**
     * What a user sees: branches in doubt in FerryMQ and H2 after the kill, then rows and
     * messages and branches left in doubt after recovery.
     */
    record Outcome(int ferryInDoubtAfterKill, int h2InDoubtAfterKill, long rows, int messages,
            int inDoubtAfterRecovery) {
        @Override
        public String toString() {
            return "in doubt after the kill: FerryMQ " + ferryInDoubtAfterKill + ", H2 " + h2InDoubtAfterKill
                    + "; after recovery: row count " + rows + ", messages " + messages + ", in doubt "
                    + inDoubtAfterRecovery;
        }
    }

    private static Outcome crashAndRecover(Path dir, String mode) throws Exception {
        ChildJvm work = ChildJvm.start(XaCrashChild.class, dir.resolve(mode + "-stdout.txt"), mode, dir.toString());
        work.awaitLine("STALLED IN");
        work.kill();
        int ferryInDoubt = ferryInDoubt(dir);
        int h2InDoubt = h2InDoubt(dir);

        ChildJvm recovery = ChildJvm.start(XaCrashChild.class, dir.resolve("recover-stdout.txt"), "recover",
                dir.toString());
        recovery.awaitLine("RECOVERED");
        assertEquals(0, recovery.awaitExit(60), "the recovering JVM failed; see " + recovery.output());

        long rows = XaCrashChild.orders(dir).orders();
        int messages = drain(dir);
        return new Outcome(ferryInDoubt, h2InDoubt, rows, messages, ferryInDoubt(dir) + h2InDoubt(dir));
    }

    /** Starts the broker on the crashed JVM's journal, asks its XAResource, and stops it again. */
    private static int ferryInDoubt(Path dir) throws Exception {
        try (XAConnection connection = new FerryXAConnectionFactory(XaCrashChild.brokerUrl(dir))
                .createXAConnection()) {
            return connection.createXASession().getXAResource().recover(XAResource.TMSTARTRSCAN).length;
        } finally {
            EmbeddedBroker.stop(XaCrashChild.BROKER);
        }
    }

    private static int h2InDoubt(Path dir) throws Exception {
        javax.sql.XAConnection connection = XaCrashChild.orders(dir).dataSource().getXAConnection();
        try {
            return connection.getXAResource().recover(XAResource.TMSTARTRSCAN).length;
        } finally {
            connection.close();
        }
    }

    private static int drain(Path dir) throws Exception {
        int count = 0;
        try (Connection connection = new FerryXAConnectionFactory(XaCrashChild.brokerUrl(dir)).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(XaCrashChild.QUEUE));
            for (Message m = consumer.receive(1000); m != null; m = consumer.receive(500)) {
                count++;
            }
        } finally {
            EmbeddedBroker.stop(XaCrashChild.BROKER);
        }
        return count;
    }
}
