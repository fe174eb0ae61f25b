package org.ferrymq.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Path known = reports.resolve("known.txt");
        Files.writeString(known, "# why each cannot pass\n\na.SomeIT#staleSubscription  left over by an earlier test\n");
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        String verdict = TckTally.verdict(TckTally.read(reports), TckTally.readKnownFailures(known), out);

        assertEquals("1 TCK test(s) failed that are not known failures: [a.SomeIT#realBug]; "
                + "details in target/failsafe-reports", verdict);
    }

    @Test
    void aRunWithOnlyKnownFailuresPassesAndAKnownFailureThatPassesIsNamed() throws IOException {
        report("a.SomeIT", fail("error", "staleSubscription"));
        report("b.OtherIT", pass("fixedNow"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String verdict = TckTally.verdict(TckTally.read(reports),
                java.util.Set.of("a.SomeIT#staleSubscription", "b.OtherIT#fixedNow", "c.NotRunIT#x"), out);

        assertEquals(null, verdict);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("now passes; take it off the known-failures list: b.OtherIT#fixedNow"), printed);
        assertTrue(!printed.contains("c.NotRunIT"), "a class that did not run is not reported as fixed");
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
