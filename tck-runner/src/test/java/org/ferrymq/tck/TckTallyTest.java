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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TckTallyTest {

    private static final String BY_NAME = "org.junit.jupiter.api.MethodOrderer$MethodName";

    /** The build directory: each run's reports are in failsafe-reports-RUN. */
    @TempDir
    Path build;

    /** The reports of the run over vm. */
    Path reports;

    @BeforeEach
    void reportsOfTheVmRun() throws IOException {
        reports = Files.createDirectory(build.resolve("failsafe-reports-vm"));
    }

    @Test
    void countsPassedFailedAndSkippedTestsOverAllReports() throws IOException {
        report("com.sun.ts.tests.jms.core.queuetests.QueueTestsIT",
                pass("emptyMsgsQueueTest") + fail("failure", "autoAckMsgListenerQueueTest")
                        + fail("error", "receiveNullClosedSessionQueueTest") + skip("msgSelectorQueueTest"));
        report("com.sun.ts.tests.jms.core20.sessiontests.ClientIT", pass("sendRecvMsgsOfEachMsgTypeTopicTest"));

        TckTally.Tally tally = TckTally.read(reports);

        assertEquals("TCK (vm): 2 passed, 2 failed, 1 skipped", tally.line("vm"));
        assertEquals(2, tally.classes().size());
    }

    @Test
    void leavesOutSkippedWhenNothingWasSkipped() {
        assertEquals("TCK (tcp): 903 passed, 0 failed", new TckTally.Tally(903, 0, 0, List.of()).line("tcp"));
    }

    @Test
    void printsTheClassesWithFailuresAndEndsWithTheResultLine() throws IOException {
        report("a.GoodIT", pass("one"));
        report("b.BadIT", pass("one") + fail("failure", "two"));

        String printed = print();

        assertEquals("TCK classes with failures (details in " + reports + "):\n"
                + "    1 of   2 failed  b.BadIT\n"
                + "TCK (vm): 2 passed, 1 failed\n", printed);
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

        assertEquals("TCK (vm): 1 passed, 0 failed", TckTally.read(reports).line("vm"));
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

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tally(known, "any"));

        assertTrue(e.getMessage().contains("1 TCK test(s) failed that are not known failures: [a.SomeIT#realBug]"),
                e.getMessage());
    }

    @Test
    void aRunWithOnlyKnownFailuresPasses() throws IOException {
        report("a.SomeIT", pass("fine") + fail("error", "staleSubscription"));
        cleanSummary();

        String printed = tally(knownFailures("a.SomeIT#staleSubscription  left over by an earlier test\n"), "any");

        assertTrue(printed.contains("TCK (vm): 1 passed, 1 failed"), printed);
    }

    @Test
    void aKnownFailureThatPassesFailsTheRunSoTheListOnlyShrinks() throws IOException {
        report("a.SomeIT", fail("error", "staleSubscription"));
        report("b.OtherIT", pass("fixedNow"));
        cleanSummary();
        Path known = knownFailures("a.SomeIT#staleSubscription  why\nb.OtherIT#fixedNow  why\nc.NotRunIT#x  why\n");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tally(known, "any"));

        assertTrue(e.getMessage().contains("take it off the known-failures list: b.OtherIT#fixedNow"), e.getMessage());
        assertFalse(e.getMessage().contains("c.NotRunIT"), "a class that did not run is not reported as fixed");
    }

    @Test
    void aRunWithoutReportsFailsBecauseNoTckTestRan() throws IOException {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(knownFailures(""), "any"));

        assertTrue(e.getMessage().contains("No TCK test ran"), e.getMessage());
    }

    @Test
    void skippedTckTestsFailTheRunNamingThem() throws IOException {
        report("a.SomeIT", pass("fine") + skip("notRun"));
        cleanSummary();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(knownFailures(""), "any"));

        assertTrue(e.getMessage().contains("1 TCK test(s) skipped: [a.SomeIT#notRun]"), e.getMessage());
    }

    @Test
    void aForkThatCrashedFailsTheRunEvenWhenTheTestsItReportedPassed() throws IOException {
        report("a.SomeIT", pass("fine"));
        summary("false", "<failureMessage>The forked VM terminated without properly saying goodbye. "
                + "VM crash or System.exit called?</failureMessage>");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(knownFailures(""), "any"));

        assertTrue(e.getMessage().contains("VM crash or System.exit called?"), e.getMessage());
    }

    @Test
    void aForkThatTimedOutFailsTheRun() throws IOException {
        report("a.SomeIT", pass("fine"));
        summary("true", "<failureMessage xsi:nil=\"true\"/>");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(knownFailures(""), "any"));

        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    }

    @Test
    void reportsWithoutFailsafesSummaryFailTheRun() throws IOException {
        report("a.SomeIT", pass("fine"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(knownFailures(""), "any"));

        assertTrue(e.getMessage().contains("failsafe-summary.xml"), e.getMessage());
    }

    @Test
    void aRunOfFewerTestsThanExpectedFails() throws IOException {
        report("a.SomeIT", pass("one") + pass("two"));
        cleanSummary();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(knownFailures(""), "903"));

        assertTrue(e.getMessage().contains("2 TCK tests ran, 903 expected"), e.getMessage());
    }

    @Test
    void aRunOfMoreTestsThanExpectedFailsToo() throws IOException {
        report("a.SomeIT", pass("one") + pass("two") + pass("three"));
        cleanSummary();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tally(knownFailures(""), "2"));

        assertTrue(e.getMessage().contains("3 TCK tests ran, 2 expected"), e.getMessage());
    }

    @Test
    void aCompleteCleanRunPassesAndSaysInWhichOrderTheMethodsRan() throws IOException {
        report("a.SomeIT", pass("one") + pass("two"));
        report("b.OtherIT", pass("three"));
        cleanSummary();

        String printed = tally(knownFailures(""), "3");

        assertTrue(printed.endsWith("TCK (vm): 3 passed, 0 failed (of 3 expected; test methods in "
                + "org.junit.jupiter.api.MethodOrderer$MethodName order)\n"), printed);
    }

    @Test
    void anyTestCountIsAcceptedWhenOnlySomeClassesWereAskedFor() throws IOException {
        report("a.SomeIT", pass("one"));
        cleanSummary();

        String printed = tally(knownFailures(""), "any");

        assertTrue(printed.contains("TCK (vm): 1 passed, 0 failed (test methods in "
                + "org.junit.jupiter.api.MethodOrderer$MethodName order)"), printed);
    }

    @Test
    void eachRunPrintsItsOwnLineFromItsOwnReportsAndAFailingRunDoesNotHideTheNext() throws IOException {
        report("a.SomeIT", pass("one") + fail("failure", "brokenInVm"));
        cleanSummary();
        Path tcp = Files.createDirectory(build.resolve("failsafe-reports-tcp"));
        report(tcp, "a.SomeIT", pass("one") + pass("brokenInVm"));
        cleanSummary(tcp);

        String[] printed = new String[1];
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> printed[0] = tallyRunsCapturing("vm,tcp", knownFailures(""), "2", printed));

        assertTrue(printed[0].contains("TCK (vm): 1 passed, 1 failed (of 2 expected; test methods in " + BY_NAME
                + " order)\n"), printed[0]);
        assertTrue(printed[0].endsWith("TCK (tcp): 2 passed, 0 failed (of 2 expected; test methods in " + BY_NAME
                + " order)\n"), printed[0]);
        assertTrue(e.getMessage().contains("The TCK run over vm failed"), e.getMessage());
        assertTrue(e.getMessage().contains("[a.SomeIT#brokenInVm]"), e.getMessage());
        assertFalse(e.getMessage().contains("over tcp"), e.getMessage());
    }

    @Test
    void aRunAskedForWhoseReportsAreMissingFailsNamingTheRun() throws IOException {
        report("a.SomeIT", pass("one"));
        cleanSummary();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> tallyRuns("vm,tcp", knownFailures(""), "1"));

        assertTrue(e.getMessage().contains("The TCK run over tcp failed"), e.getMessage());
        assertTrue(e.getMessage().contains("No TCK test ran"), e.getMessage());
        assertTrue(e.getMessage().contains(build.resolve("failsafe-reports-tcp").toString()), e.getMessage());
        assertFalse(e.getMessage().contains("over vm"), e.getMessage());
    }

    @Test
    void refusesARunListWithoutARun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> main(build.toString(), " , ", "known", "any", BY_NAME));

        assertTrue(e.getMessage().contains("vm,tcp"), e.getMessage());
    }

    /** As tallyRuns, but keeps what was printed in {@code printed[0]} when the tally throws. */
    private String tallyRunsCapturing(String runs, Path known, String expected, String[] printed) throws IOException {
        PrintStream console = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            TckTally.main(new String[] {build.toString(), runs, known.toString(), expected, BY_NAME});
        } finally {
            System.setOut(console);
            printed[0] = bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
        }
        return printed[0];
    }

    /** Runs the tally of the run over vm as the build does (exec:java, TckTally.main). */
    private String tally(Path known, String expected) throws IOException {
        return tallyRuns("vm", known, expected);
    }

    /** Runs the tally of {@code runs} as the build does (exec:java, TckTally.main); returns what it printed. */
    private String tallyRuns(String runs, Path known, String expected) throws IOException {
        return main(build.toString(), runs, known.toString(), expected, BY_NAME);
    }

    private static String main(String... args) throws IOException {
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
        Path known = build.resolve("known-failures.txt");
        Files.writeString(known, text);
        return known;
    }

    /** failsafe-summary.xml as failsafe 3.5 writes it after the forks finished normally. */
    private void cleanSummary() throws IOException {
        cleanSummary(reports);
    }

    private static void cleanSummary(Path reports) throws IOException {
        summary(reports, "false", "<failureMessage xsi:nil=\"true\"/>");
    }

    private void summary(String timeout, String failureMessage) throws IOException {
        summary(reports, timeout, failureMessage);
    }

    private static void summary(Path reports, String timeout, String failureMessage) throws IOException {
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
        report(reports, className, testCases);
    }

    private static void report(Path reports, String className, String testCases) throws IOException {
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
            TckTally.print(TckTally.read(reports), "vm", reports, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
