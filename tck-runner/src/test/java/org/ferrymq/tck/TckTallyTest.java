package org.ferrymq.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TckTallyTest {

    @TempDir
    Path reports;

    @Test
    void countsPassedFailedAndSkippedTestsOverAllReports() throws IOException {
        report("com.sun.ts.tests.jms.core.queuetests.QueueTestsIT",
                pass("emptyMsgsQueueTest") + fail("failure", "autoAckMsgListenerQueueTest")
                        + fail("error", "receiveNullClosedSessionQueueTest") + skip("msgSelectorQueueTest"));
        report("com.sun.ts.tests.jms.core20.sessiontests.ClientIT", pass("sendRecvMsgsOfEachMsgTypeTopicTest"));

        TckTally.Tally tally = TckTally.read(reports);

        assertEquals("TCK: 2 passed, 2 failed, 1 skipped", tally.line());
        assertEquals(2, tally.classes().size());
    }

    @Test
    void leavesOutSkippedWhenNothingWasSkipped() {
        assertEquals("TCK: 903 passed, 0 failed", new TckTally.Tally(903, 0, 0, List.of()).line());
    }

    @Test
    void printsTheClassesWithFailuresAndEndsWithTheResultLine() throws IOException {
        report("a.GoodIT", pass("one"));
        report("b.BadIT", pass("one") + fail("failure", "two"));

        String printed = print();

        assertEquals("TCK classes with failures (details in " + reports + "):\n"
                + "    1 of   2 failed  b.BadIT\n"
                + "TCK: 2 passed, 1 failed\n", printed);
    }

    @Test
    void saysSoWhenThereAreNoReportsInsteadOfPrintingAZeroTally() {
        assertEquals("No TCK test reports in " + reports + ": did failsafe run any test?\n", print());
    }

    @Test
    void ignoresFailsafeSummaryAndOutputFiles() throws IOException {
        report("a.GoodIT", pass("one"));
        Files.writeString(reports.resolve("failsafe-summary.xml"),
                "<failsafe-summary><completed>7</completed><failures>7</failures></failsafe-summary>");
        Files.writeString(reports.resolve("a.GoodIT-output.txt"), "log");

        assertEquals("TCK: 1 passed, 0 failed", TckTally.read(reports).line());
    }

    @Test
    void refusesABrokenReportNamingTheFile() throws IOException {
        Files.writeString(reports.resolve("TEST-a.BrokenIT.xml"), "<testsuite name=\"a.BrokenIT\">");

        IOException e = assertThrows(IOException.class, () -> TckTally.read(reports));

        assertTrue(e.getMessage().contains("TEST-a.BrokenIT.xml"), e.getMessage());
    }

    @Test
    void onlyFailuresMissingFromTheKnownListFailTheRun() throws IOException {
        report("a.SomeIT", pass("fine") + fail("error", "staleSubscription") + fail("failure", "realBug"));
        cleanSummary();
        Path known = knownFailures("# why each cannot pass\n\na.SomeIT#staleSubscription  left over by an earlier test\n");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tally(reports, known));

        assertTrue(e.getMessage().contains("1 TCK test(s) failed that are not known failures: [a.SomeIT#realBug]"),
                e.getMessage());
    }

    @Test
    void aRunWithOnlyKnownFailuresPasses() throws IOException {
        report("a.SomeIT", pass("fine") + fail("error", "staleSubscription"));
        cleanSummary();

        String printed = tally(reports, knownFailures("a.SomeIT#staleSubscription  left over by an earlier test\n"));

        assertTrue(printed.contains("TCK: 1 passed, 1 failed"), printed);
    }

    @Test
    void aKnownFailureThatPassesFailsTheRunSoTheListOnlyShrinks() throws IOException {
        report("a.SomeIT", fail("error", "staleSubscription"));
        report("b.OtherIT", pass("fixedNow"));
        cleanSummary();
        Path known = knownFailures("a.SomeIT#staleSubscription  why\nb.OtherIT#fixedNow  why\nc.NotRunIT#x  why\n");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tally(reports, known));

        assertTrue(e.getMessage().contains("take it off the known-failures list: b.OtherIT#fixedNow"), e.getMessage());
        assertFalse(e.getMessage().contains("c.NotRunIT"), "a class that did not run is not reported as fixed");
    }

    @Test
    void aRunWithoutReportsFailsBecauseNoTckTestRan() throws IOException {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(reports, knownFailures("")));

        assertTrue(e.getMessage().contains("No TCK test ran"), e.getMessage());
    }

    @Test
    void skippedTckTestsFailTheRunNamingThem() throws IOException {
        report("a.SomeIT", pass("fine") + skip("notRun"));
        cleanSummary();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(reports, knownFailures("")));

        assertTrue(e.getMessage().contains("1 TCK test(s) skipped: [a.SomeIT#notRun]"), e.getMessage());
    }

    @Test
    void aForkThatCrashedFailsTheRunEvenWhenTheTestsItReportedPassed() throws IOException {
        report("a.SomeIT", pass("fine"));
        summary("false", "<failureMessage>The forked VM terminated without properly saying goodbye. "
                + "VM crash or System.exit called?</failureMessage>");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(reports, knownFailures("")));

        assertTrue(e.getMessage().contains("VM crash or System.exit called?"), e.getMessage());
    }

    @Test
    void aForkThatTimedOutFailsTheRun() throws IOException {
        report("a.SomeIT", pass("fine"));
        summary("true", "<failureMessage xsi:nil=\"true\"/>");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(reports, knownFailures("")));

        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    }

    @Test
    void reportsWithoutFailsafesSummaryFailTheRun() throws IOException {
        report("a.SomeIT", pass("fine"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(reports, knownFailures("")));

        assertTrue(e.getMessage().contains("failsafe-summary.xml"), e.getMessage());
    }

    @Test
    void aRunOfFewerTestsThanExpectedFails() throws IOException {
        report("a.SomeIT", pass("one") + pass("two"));
        cleanSummary();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(reports, knownFailures(""), "903"));

        assertTrue(e.getMessage().contains("2 TCK tests ran, 903 expected"), e.getMessage());
    }

    @Test
    void aRunOfMoreTestsThanExpectedFailsToo() throws IOException {
        report("a.SomeIT", pass("one") + pass("two") + pass("three"));
        cleanSummary();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(reports, knownFailures(""), "2"));

        assertTrue(e.getMessage().contains("3 TCK tests ran, 2 expected"), e.getMessage());
    }

    @Test
    void aCompleteCleanRunPassesAndSaysInWhichOrderTheMethodsRan() throws IOException {
        report("a.SomeIT", pass("one") + pass("two"));
        report("b.OtherIT", pass("three"));
        cleanSummary();

        String printed = tally(reports, knownFailures(""), "3", "org.junit.jupiter.api.MethodOrderer$MethodName");

        assertTrue(printed.endsWith("TCK: 3 passed, 0 failed (of 3 expected; test methods in "
                + "org.junit.jupiter.api.MethodOrderer$MethodName order)\n"), printed);
    }

    @Test
    void anyTestCountIsAcceptedWhenOnlySomeClassesWereAskedFor() throws IOException {
        report("a.SomeIT", pass("one"));
        cleanSummary();

        String printed = tally(reports, knownFailures(""), "any", "org.junit.jupiter.api.MethodOrderer$MethodName");

        assertTrue(printed.contains("TCK: 1 passed, 0 failed (test methods in "
                + "org.junit.jupiter.api.MethodOrderer$MethodName order)"), printed);
    }

    /** Runs the tally as the build does (exec:java, TckTally.main) and returns what it printed. */
    private static String tally(Path reports, Path known, String... more) throws IOException {
        String[] args = new String[2 + more.length];
        args[0] = reports.toString();
        args[1] = known.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        PrintStream console = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            TckTally.main(args);
        } finally {
            System.setOut(console);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    private Path knownFailures(String text) throws IOException {
        Path known = reports.resolve("known-failures.txt");
        Files.writeString(known, text);
        return known;
    }

    /** failsafe-summary.xml as failsafe 3.5 writes it after the forks finished normally. */
    private void cleanSummary() throws IOException {
        summary("false", "<failureMessage xsi:nil=\"true\"/>");
    }

    private void summary(String timeout, String failureMessage) throws IOException {
        Files.writeString(reports.resolve("failsafe-summary.xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<failsafe-summary xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                        + "result=\"null\" timeout=\"" + timeout + "\">\n"
                        + "    <completed>1</completed>\n    <errors>0</errors>\n    <failures>0</failures>\n"
                        + "    <skipped>0</skipped>\n    <flakes>0</flakes>\n"
                        + "    " + failureMessage + "\n"
                        + "</failsafe-summary>\n");
    }

    private void report(String className, String testCases) throws IOException {
        Files.writeString(reports.resolve("TEST-" + className + ".xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<testsuite name=\"" + className + "\" tests=\"0\">\n"
                        + "  <properties><property name=\"user\" value=\"j2ee\"/></properties>\n"
                        + testCases.replace("CLASS", className)
                        + "</testsuite>\n");
    }

    private static String pass(String method) {
        return "  <testcase name=\"" + method + "\" classname=\"CLASS\" time=\"0.1\"/>\n";
    }

    private static String fail(String kind, String method) {
        return "  <testcase name=\"" + method + "\" classname=\"CLASS\" time=\"0.1\">\n"
                + "    <" + kind + " message=\"Didn't catch expected exception\" type=\"java.lang.Exception\">"
                + "stack</" + kind + ">\n"
                + "    <system-out>Cleanup: Closing Queue Connections</system-out>\n"
                + "  </testcase>\n";
    }

    private static String skip(String method) {
        return "  <testcase name=\"" + method + "\" classname=\"CLASS\" time=\"0\"><skipped/></testcase>\n";
    }

    private String print() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            TckTally.print(TckTally.read(reports), reports, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
