package org.ferrymq.journal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test's judge, fed logs as {@link CrashLoad} writes them: one file per run and
 * role, {@code <time> <event> <arguments>} a line. Each test writes a history that breaks (or
 * keeps) one guarantee and checks that the judge says so, so a crash run that passes has passed
 * something that can fail.
 */
class CrashHistoryTest {

    @TempDir
    Path logs;

    private long clock;

    @Test
    void aReceivedUnacknowledgedMessageThatNeverComesBackAfterTheKillIsLostInFlight() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "tx-consumer", "RECEIVED a false 1 transacted");
        // killed; the restarted broker never delivers a again
        log(2, "drain");

        assertBroken("lost in flight", 2);
    }

    @Test
    void aMessageGivenBackByRollbackMustComeAgain() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "tx-consumer", "RECEIVED a false 1 transacted", "ROLLBACK-RECEIPTS 1 a", "ROLLED-BACK 1");

        assertBroken("lost in flight", 2);
    }

    @Test
    void anAcknowledgementInFlightAtTheKillLandsForTheWholeBatchOrForNone() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a", "SEND b", "SENT b");
        log(1, "client-ack-consumer", "RECEIVED a false 1 client", "RECEIVED b false 1 client", "ACK 1 a b");
        // killed before ACKED 1: after the restart a comes again, b does not
        log(2, "drain", "RECEIVED a true 2 client", "ACK 1 a", "ACKED 1");

        assertBroken("partial acknowledgements", 2);
    }

    @Test
    void aSendTransactionInFlightAtTheKillArrivesWholeOrNotAtAll() throws IOException {
        log(1, "tx-producer", "COMMIT-SENDS 1 a b");
        // killed before COMMITTED 1: after the restart only a arrives
        log(2, "drain", "RECEIVED a false 1 client", "ACK 1 a", "ACKED 1");

        assertBroken("partial send transactions", 2);
    }

    @Test
    void aCommittedSendTransactionArrivesWhole() throws IOException {
        log(1, "tx-producer", "COMMIT-SENDS 1 a b", "COMMITTED 1");
        log(2, "drain", "RECEIVED a false 1 client", "ACK 1 a", "ACKED 1");

        assertBroken("lost sends", 2);
    }

    @Test
    void aMessageNobodySentOrWhoseTransactionRolledBackMustNotArrive() throws IOException {
        log(1, "tx-producer", "ROLLBACK-SENDS 1 a", "ROLLED-BACK 1");
        log(1, "tx-consumer", "RECEIVED a false 1 transacted", "RECEIVED ghost false 1 transacted",
                "COMMIT-RECEIPTS 1 a ghost", "COMMITTED 1");

        assertBroken("received, never sent", 1);
    }

    @Test
    void aMessageReceivedTwiceInOneRunWithoutRollbackOrRecoverIsADuplicate() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "client-ack-consumer", "RECEIVED a false 1 client");
        log(1, "tx-consumer", "RECEIVED a true 2 transacted", "COMMIT-RECEIPTS 1 a", "COMMITTED 1");

        assertBroken("duplicates in one run", 1);
    }

    @Test
    void anAcknowledgedMessageMustNotComeAgain() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "client-ack-consumer", "RECEIVED a false 1 client", "ACK 1 a", "ACKED 1");
        log(2, "drain", "RECEIVED a true 2 client", "ACK 1 a", "ACKED 1");

        assertBroken("acknowledged, delivered again", 2);
    }

    @Test
    void aMessageThatComesAgainAfterTheKillUnflaggedIsBroken() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "tx-consumer", "RECEIVED a false 1 transacted");
        log(2, "drain", "RECEIVED a false 1 client", "ACK 1 a", "ACKED 1");

        assertBroken("unflagged redeliveries", 2);
    }

    @Test
    void aRedeliveryAfterRollbackCountsOneMoreDelivery() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "tx-consumer", "RECEIVED a false 1 transacted", "ROLLBACK-RECEIPTS 1 a", "ROLLED-BACK 1",
                "RECEIVED a true 1 transacted", "COMMIT-RECEIPTS 2 a", "COMMITTED 2");

        assertBroken("unflagged redeliveries", 1);
    }

    @Test
    void anAutoAcknowledgedMessageMayComeAgainAfterTheKillFlaggedButNotUnflagged() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a", "SEND b", "SENT b");
        log(1, "auto-ack-consumer", "RECEIVED a false 1 auto", "RECEIVED b false 1 auto");
        log(2, "drain", "RECEIVED a true 2 client", "ACK 1 a", "ACKED 1", "RECEIVED b false 1 client", "ACK 2 b",
                "ACKED 2");

        assertBroken("unflagged redeliveries", 2);
        CrashHistory history = CrashHistory.read(logs, 2);
        assertEquals(1, history.violations().size(), "a flagged is allowed: " + history.violations());
        assertEquals(2, history.autoReceiptsAgain());
    }

    @Test
    void autoAcknowledgementsLandInTheOrderTheMessagesWereReceived() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a", "SEND b", "SENT b");
        log(1, "auto-ack-consumer", "RECEIVED a false 1 auto", "RECEIVED b false 1 auto");
        // after the kill a comes again (its acknowledgement was lost) but b does not (its landed)
        log(2, "drain", "RECEIVED a true 2 client", "ACK 1 a", "ACKED 1");

        assertBroken("AUTO_ACKNOWLEDGE out of order", 2);
    }

    @Test
    void aHistoryThatKeepsEveryGuaranteePasses() throws IOException {
        log(1, "sync-producer", "SEND s1", "SENT s1", "SEND s2", "SENT s2", "SEND s3");
        log(1, "tx-producer", "COMMIT-SENDS 1 t1 t2", "COMMITTED 1", "ROLLBACK-SENDS 2 t3", "ROLLED-BACK 2",
                "COMMIT-SENDS 3 t4 t5");
        log(1, "client-ack-consumer", "RECEIVED s1 false 1 client", "RECEIVED t1 false 1 client",
                "RECOVER 1 s1 t1", "RECOVERED 1", "RECEIVED s1 true 2 client", "RECEIVED t1 true 2 client",
                "ACK 2 s1 t1", "ACKED 2", "RECEIVED t2 false 1 client");
        log(1, "tx-consumer", "RECEIVED s2 false 1 transacted", "COMMIT-RECEIPTS 1 s2");
        log(1, "auto-ack-consumer", "RECEIVED s3 false 1 auto");
        // killed: t2 was held (must come again), s2's commit was in flight (here it landed),
        // the transaction t4 t5 was in flight (here it committed), s3's send was in flight
        log(2, "drain", "RECEIVED t2 true 2 client", "ACK 1 t2", "ACKED 1", "RECEIVED t4 false 1 client",
                "ACK 2 t4", "ACKED 2", "RECEIVED t5 false 1 client", "ACK 3 t5", "ACKED 3");
        log(3, "drain");

        CrashHistory history = CrashHistory.read(logs, 3);
        assertEquals(List.of(), history.violations());
        assertEquals(4, history.sendsReturned(), "s1 s2 t1 t2");
        assertEquals(7, history.received(), "s1 s2 s3 t1 t2 t4 t5");
        assertEquals(10, history.receptions());
        assertEquals(7, history.acknowledged(), "everything received, in the end");
        assertEquals(3, history.redelivered());
        assertEquals(2, history.redeliveredAfterGiveBack(), "s1 t1");
        assertEquals(1, history.redeliveredAfterKill(), "t2");
        assertEquals(0, history.autoReceiptsAgain(), "s3's acknowledgement landed");
        assertEquals(2, history.inFlightAtKills(), "t2 held, s2 being committed");
        assertEquals(3, history.batchesInDoubt(), "the send of s3, the sends t4 t5, the commit of s2");
        assertEquals(Map.of("sync-producer", 2, "tx-producer", 2, "client-ack-consumer", 2, "auto-ack-consumer", 1,
                "drain", 3), history.progress());
    }

    // ---- over TCP: the clients outlive broker kills (SERVER-KILLED) and log the calls that threw (FAILED) ----

    @Test
    void aCommitThatThrewTransactionRolledBackMustNotHaveLanded() throws IOException {
        log(1, "tx-producer", "COMMIT-SENDS 1 a b");
        log(1, "server", "SERVER-KILLED 1");
        log(1, "tx-producer", "FAILED 1 TransactionRolledBackException");
        log(2, "drain", "RECEIVED a false 1 client", "RECEIVED b false 1 client", "ACK 1 a b", "ACKED 1");

        assertBroken("received, never sent", 2);
    }

    @Test
    void aSendWhoseOutcomeIsUnknownMayArriveButOnlyOnce() throws IOException {
        log(1, "sync-producer", "SEND a");
        log(1, "server", "SERVER-KILLED 1");
        log(1, "sync-producer", "FAILED a JMSException");
        log(2, "drain", "RECEIVED a false 1 client", "ACK 1 a", "ACKED 1");
        assertEquals(List.of(), CrashHistory.read(logs, 2).violations(), "arriving once is allowed");

        log(2, "drain", "RECEIVED a false 1 client", "ACK 2 a", "ACKED 2");
        assertBroken("acknowledged, delivered again", 2);
    }

    @Test
    void whatAClientHeldAtABrokerKillComesAgainInTheSameRunAndMustComeAgain() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a", "SEND b", "SENT b");
        log(1, "tx-consumer", "RECEIVED a false 1 transacted", "RECEIVED b false 1 transacted");
        log(1, "server", "SERVER-KILLED 1");
        // the client failed over: a comes again, flagged, in the same run; b never does
        log(1, "tx-consumer", "RECEIVED a true 2 transacted", "COMMIT-RECEIPTS 1 a", "COMMITTED 1");
        log(2, "drain");

        CrashHistory history = CrashHistory.read(logs, 2);
        assertEquals(1, history.violations().size(), history.violations().toString());
        assertTrue(history.violations().get(0).startsWith("lost in flight: 1"), history.violations().toString());
        assertTrue(history.violations().get(0).contains("[b"), history.violations().toString());
        assertEquals(1, history.serverKills());
    }

    @Test
    void anAcknowledgementAfterABrokerKillThatReturnedCoversWhatWasReceivedBeforeIt() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a", "SEND b", "SENT b");
        log(1, "client-ack-consumer", "RECEIVED a false 1 client");
        log(1, "server", "SERVER-KILLED 1");
        // acknowledge() returned for a (received before the kill) and b: a must not come again
        log(1, "client-ack-consumer", "RECEIVED b false 1 client", "ACK 1 a b", "ACKED 1");
        log(2, "drain", "RECEIVED a true 2 client", "ACK 1 a", "ACKED 1");

        assertBroken("acknowledged, delivered again", 2);
    }

    @Test
    void anAcknowledgementAfterABrokerKillThatFailedLeavesWhatWasReceivedBeforeItToComeAgain() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a", "SEND b", "SENT b");
        log(1, "client-ack-consumer", "RECEIVED a false 1 client");
        log(1, "server", "SERVER-KILLED 1");
        log(1, "client-ack-consumer", "RECEIVED b false 1 client", "ACK 1 a b", "FAILED 1 IllegalStateException");
        // b's acknowledgement may have landed (it did); a was given back by the kill and never comes
        log(2, "drain");

        assertBroken("lost in flight", 2);
    }

    @Test
    void aCommitThatIsGivingBackItsReceiptsBeforeItThrowsTransactionRolledBackMayHaveThemComeAgainMeanwhile()
            throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "tx-consumer", "RECEIVED a false 1 transacted", "COMMIT-RECEIPTS 1 a");
        log(1, "auto-ack-consumer", "RECEIVED a true 2 auto");
        log(1, "tx-consumer", "FAILED 1 TransactionRolledBackException");
        log(2, "drain");
        assertEquals(List.of(), CrashHistory.read(logs, 2).violations());
    }

    @Test
    void aCommitThatReturnedAfterItsReceiptsCameAgainBrokeItsWord() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "tx-consumer", "RECEIVED a false 1 transacted", "COMMIT-RECEIPTS 1 a");
        log(1, "auto-ack-consumer", "RECEIVED a true 2 auto");
        log(1, "tx-consumer", "COMMITTED 1");
        log(2, "drain");

        assertBroken("acknowledged, delivered again", 2);
    }

    @Test
    void whatARoleReceivedWhileItsConnectionWasInterruptedComesAgainAndIsCounted() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a", "SEND b", "SENT b", "SEND c", "SENT c");
        log(1, "server", "SERVER-KILLED 1");
        log(1, "client-ack-consumer", "INTERRUPTED 1", "RECEIVED a false 1 client", "RESUMED 1",
                "RECEIVED a true 2 client", "RECEIVED b false 1 client", "ACK 1 a b a", "ACKED 1");
        log(1, "auto-ack-consumer", "INTERRUPTED 1", "RECEIVED c false 1 auto", "RESUMED 1",
                "RECEIVED c true 2 auto");
        log(2, "drain");

        CrashHistory history = CrashHistory.read(logs, 2);
        assertEquals(List.of(), history.violations());
        assertEquals(2, history.staleDeliveries());
    }

    @Test
    void whatARoleReceivedWhileItsConnectionWasInterruptedMayGoToAnotherRoleBeforeItResumes() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "server", "SERVER-KILLED 1");
        log(1, "client-ack-consumer", "INTERRUPTED 1", "RECEIVED a false 1 client");
        log(1, "auto-ack-consumer", "RECEIVED a true 2 auto");
        log(1, "client-ack-consumer", "RESUMED 1", "ACK 1 a", "FAILED 1 JMSException");
        log(2, "drain");

        assertEquals(List.of(), CrashHistory.read(logs, 2).violations());
    }

    @Test
    void whatARoleReceivedWhileItsConnectionWasInterruptedMustComeAgain() throws IOException {
        log(1, "sync-producer", "SEND a", "SENT a");
        log(1, "tx-consumer", "INTERRUPTED 1", "RECEIVED a false 1 transacted", "RESUMED 1");
        log(2, "drain");

        assertBroken("lost in flight", 2);
    }

    @Test
    void aTcpHistoryThatKeepsEveryGuaranteePasses() throws IOException {
        log(1, "sync-producer", "SEND s1", "SENT s1", "SEND s2");
        log(1, "tx-producer", "COMMIT-SENDS 1 t1 t2", "COMMITTED 1", "COMMIT-SENDS 2 t3 t4");
        log(1, "client-ack-consumer", "RECEIVED s1 false 1 client");
        log(1, "tx-consumer", "RECEIVED t1 false 1 transacted");
        log(1, "auto-ack-consumer", "RECEIVED t2 false 1 auto");
        log(1, "server", "SERVER-KILLED 1");
        // the calls in flight at the kill end; the clients carry on with the restarted broker
        log(1, "sync-producer", "FAILED s2 JMSException", "SEND s3", "SENT s3");
        log(1, "tx-producer", "FAILED 2 TransactionRolledBackException", "ROLLBACK-SENDS 3 t5", "ROLLED-BACK 3");
        log(1, "auto-ack-consumer", "RECEIVED t2 true 2 auto");
        log(1, "tx-consumer", "RECEIVED s1 true 2 transacted", "COMMIT-RECEIPTS 1 t1 s1",
                "FAILED 1 TransactionRolledBackException", "RECEIVED s1 true 3 transacted");
        log(1, "client-ack-consumer", "RECEIVED t1 true 2 client", "RECEIVED s3 false 1 client",
                "ACK 1 s1 t1 s3", "FAILED 1 JMSException");
        log(1, "server", "SERVER-KILLED 2");
        // s1 was held by the transaction; t1 and s3 were in an acknowledgement whose outcome is unknown
        log(1, "tx-consumer", "RECEIVED s1 true 4 transacted", "COMMIT-RECEIPTS 2 s1", "COMMITTED 2");
        log(1, "client-ack-consumer", "RECEIVED t1 true 3 client", "RECEIVED s3 true 2 client", "ACK 2 t1 s3",
                "ACKED 2");
        log(2, "drain");

        CrashHistory history = CrashHistory.read(logs, 2);
        assertEquals(List.of(), history.violations());
        assertEquals(2, history.serverKills());
        assertEquals(4, history.sendsReturned(), "s1 s3 t1 t2");
        assertEquals(4, history.acknowledged(), "s1 t1 t2 s3");
        assertEquals(Map.of("client-ack-consumer JMSException", 1, "sync-producer JMSException", 1,
                        "tx-consumer TransactionRolledBackException", 1, "tx-producer TransactionRolledBackException", 1),
                history.failures().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        e -> e.getKey().replace(" FAILED", ""), Map.Entry::getValue)));
    }

    /** Appends events to run {@code run}'s log of {@code role}, each a tick later than the last. */
    private void log(int run, String role, String... events) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String event : events) {
            lines.append(++clock).append(' ').append(event).append('\n');
        }
        Files.writeString(logs.resolve("run" + run + "-" + role + ".log"), lines, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private void assertBroken(String guarantee, int runs) throws IOException {
        List<String> violations = CrashHistory.read(logs, runs).violations();
        assertTrue(violations.stream().anyMatch(v -> v.startsWith(guarantee + ":")),
                "the judge should find '" + guarantee + "' in this history, but found " + violations);
    }
}
