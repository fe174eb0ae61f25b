package org.ferrymq.tck;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Tallies the failsafe runs of the TCK, one per transport ({@code vm}, {@code tcp}), each from
 * its own reports ({@code <build>/failsafe-reports-RUN/TEST-*.xml}, one per test class), and
 * prints for each the line {@code TCK (RUN): N passed, N failed} (with {@code , N skipped} when
 * any test was skipped, and the expected count and the method order), so that
 * {@code grep '^TCK ('} finds the results in any log. The classes with failures come before
 * it, one a line, to show where to look. Every run is tallied and printed before the build
 * fails, so a failing first run does not hide the second.
 *
 * <p>An error (an unexpected exception) counts as a failure: for the TCK both mean the
 * provider did not do what the specification says. Runs inside Maven (exec:java), so it
 * never calls {@code System.exit}: it fails the build by throwing. The tally is the only
 * judge of the run (failsafe's {@code verify} would fail on the known failures too), so it
 * passes a run only when every test it expected ran and nothing else went wrong: it fails
 * when there are no reports, when failsafe's summary is missing or records a crashed or
 * timed-out fork, when a test was skipped, when the number of tests differs from the
 * expected one, when a test failed that is not in the known-failures file (each entry there
 * says why it cannot pass), and when a known failure passed, so the list only ever shrinks.
 */
public final class TckTally {

    /** The outcome of one test class. */
    record ClassResult(String className, int passed, int failed, int skipped, List<String> failedTests,
            List<String> skippedTests) {

        ClassResult(String className, int passed, int failed, int skipped) {
            this(className, passed, failed, skipped, List.of(), List.of());
        }

        int total() {
            return passed + failed + skipped;
        }
    }

    /** The outcome of the run: the sums over {@code classes}. */
    record Tally(int passed, int failed, int skipped, List<ClassResult> classes) {

        static Tally of(List<ClassResult> classes) {
            int passed = 0;
            int failed = 0;
            int skipped = 0;
            for (ClassResult c : classes) {
                passed += c.passed();
                failed += c.failed();
                skipped += c.skipped();
            }
            return new Tally(passed, failed, skipped, List.copyOf(classes));
        }

        /** The result line of a run: {@code TCK (vm): 880 passed, 23 failed} or {@code ..., 2 skipped}. */
        String line(String run) {
            String line = "TCK (" + run + "): " + passed + " passed, " + failed + " failed";
            return skipped == 0 ? line : line + ", " + skipped + " skipped";
        }
    }

    private TckTally() {
    }

    /**
     * {@code TckTally <build directory> <runs> <known-failures file> <expected tests>|any <method order>}:
     * {@code runs} is a comma-separated list of run names (e.g. {@code vm,tcp}), whose reports are
     * in {@code <build directory>/failsafe-reports-RUN}; the method order is the class name of
     * JUnit's {@code junit.jupiter.testmethod.order.default} the runs used, printed with each line.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            throw new IllegalArgumentException("TckTally needs the build directory (target), the runs (vm,tcp), the "
                    + "known-failures file, the number of tests each run must have (or 'any') and the JUnit method "
                    + "order the runs used; got " + args.length + " arguments");
        }
        Path build = Path.of(args[0]);
        List<String> runs = runs(args[1]);
        Set<String> known = readKnownFailures(Path.of(args[2]));
        OptionalInt expectedTests = expectedTests(args[3]);
        String methodOrder = args[4];
        List<String> failures = new ArrayList<>();
        for (String run : runs) {
            Path reports = reportsOf(build, run);
            Tally tally = read(reports);
            print(tally, run, reports, expectedTests, methodOrder, System.out);
            List<String> problems = verdict(tally, readSummary(reports), known, expectedTests);
            if (!problems.isEmpty()) {
                failures.add("The TCK run over " + run + " failed:\n  - " + String.join("\n  - ", problems)
                        + "\n  Details in " + reports);
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(String.join("\n", failures));
        }
    }

    /** Where failsafe writes the reports of a run (the tck profile's reportsDirectory). */
    static Path reportsOf(Path build, String run) {
        return build.resolve("failsafe-reports-" + run);
    }

    private static List<String> runs(String argument) {
        List<String> runs = new ArrayList<>();
        for (String run : argument.split(",")) {
            if (!run.isBlank()) {
                runs.add(run.strip());
            }
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("TckTally got no run to tally ('" + argument
                    + "'); name the runs, comma-separated, e.g. vm,tcp (tck.runs)");
        }
        return runs;
    }

    private static OptionalInt expectedTests(String argument) {
        if (argument.equals("any")) {
            return OptionalInt.empty();
        }
        try {
            int expected = Integer.parseInt(argument);
            if (expected > 0) {
                return OptionalInt.of(expected);
            }
        } catch (NumberFormatException e) {
            // refused below with the value
        }
        throw new IllegalArgumentException("The number of TCK tests that must run is '" + argument
                + "'; give a positive number (tck.expected.tests, 903 for the standalone TCK) or 'any'");
    }

    /**
     * Reads the known failures: one {@code fully.qualified.ClassIT#method} a line, at the
     * start of the line, followed by the reason; blank lines and lines starting with
     * {@code #} are comments.
     */
    static Set<String> readKnownFailures(Path file) throws IOException {
        Set<String> known = new TreeSet<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            known.add(trimmed.split("\\s+", 2)[0]);
        }
        return known;
    }

    /**
     * What is wrong with the run, one sentence each; empty when it passes: every expected test
     * ran, none was skipped, every failure is a known one, every known failure of a class that
     * ran still fails, and failsafe's forks ended normally.
     *
     * @param summary failsafe's {@code failsafe-summary.xml}, or null when there is none
     */
    static List<String> verdict(Tally tally, RunSummary summary, Set<String> known, OptionalInt expectedTests) {
        List<String> problems = new ArrayList<>();
        if (tally.classes().isEmpty()) {
            problems.add("No TCK test ran: there are no TEST-*.xml reports (did failsafe find the jms-tck classes?)");
        }
        if (summary == null) {
            problems.add("failsafe wrote no failsafe-summary.xml, so whether its forks ended normally is unknown");
        } else {
            if (summary.timedOut()) {
                problems.add("failsafe's fork timed out, so tests may be missing from the reports");
            }
            if (summary.failureMessage() != null) {
                problems.add("failsafe's fork did not end normally: " + summary.failureMessage());
            }
        }
        int ran = tally.passed() + tally.failed() + tally.skipped();
        if (expectedTests.isPresent() && ran != expectedTests.getAsInt()) {
            problems.add(ran + " TCK tests ran, " + expectedTests.getAsInt() + " expected (tck.expected.tests): "
                    + "a fork that died, a test class that was not found or an excluded package changes the count");
        }
        Set<String> skipped = tests(tally, ClassResult::skippedTests);
        if (!skipped.isEmpty()) {
            problems.add(skipped.size() + " TCK test(s) skipped: " + skipped
                    + "; the TCK counts only when every test runs");
        }
        Set<String> failed = tests(tally, ClassResult::failedTests);
        List<String> unexpected = failed.stream().filter(f -> !known.contains(f)).toList();
        if (!unexpected.isEmpty()) {
            problems.add(unexpected.size() + " TCK test(s) failed that are not known failures: " + unexpected);
        }
        Set<String> ranClasses = new TreeSet<>();
        tally.classes().forEach(c -> ranClasses.add(c.className()));
        List<String> fixed = known.stream()
                .filter(k -> !failed.contains(k) && ranClasses.contains(k.substring(0, Math.max(0, k.indexOf('#')))))
                .toList();
        for (String k : fixed) {
            problems.add("A known failure passed; take it off the known-failures list: " + k);
        }
        return problems;
    }

    private static Set<String> tests(Tally tally, Function<ClassResult, List<String>> which) {
        Set<String> tests = new TreeSet<>();
        for (ClassResult c : tally.classes()) {
            for (String test : which.apply(c)) {
                tests.add(c.className() + "#" + test);
            }
        }
        return tests;
    }

    /**
     * What failsafe's {@code failsafe-summary.xml} says about its forks: a timeout
     * ({@code forkedProcessTimeoutInSeconds}) or a failure message (a fork that crashed or
     * could not start), null when they ended normally.
     */
    record RunSummary(boolean timedOut, String failureMessage) {
    }

    /** The run's {@code failsafe-summary.xml} in {@code reports}, or null when there is none. */
    static RunSummary readSummary(Path reports) throws IOException {
        Path file = reports.resolve("failsafe-summary.xml");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Element summary = parse(file).getDocumentElement();
        String failureMessage = null;
        NodeList messages = summary.getElementsByTagName("failureMessage");
        if (messages.getLength() > 0 && !messages.item(0).getTextContent().isBlank()) {
            failureMessage = messages.item(0).getTextContent().strip();
        }
        return new RunSummary(Boolean.parseBoolean(summary.getAttribute("timeout")), failureMessage);
    }

    /** Reads every {@code TEST-*.xml} in {@code reports}; none (or no directory) is an empty tally. */
    static Tally read(Path reports) throws IOException {
        List<ClassResult> classes = new ArrayList<>();
        if (Files.isDirectory(reports)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(reports, "TEST-*.xml")) {
                for (Path file : files) {
                    classes.add(readReport(file));
                }
            }
        }
        classes.sort(Comparator.comparing(ClassResult::className));
        return Tally.of(classes);
    }

    static void print(Tally tally, String run, Path reports, PrintStream out) {
        print(tally, run, reports, OptionalInt.empty(), null, out);
    }

    /**
     * Prints the classes with failures and the result line; the line names the expected
     * count and the method order when given, as a tally depends on both.
     */
    static void print(Tally tally, String run, Path reports, OptionalInt expectedTests, String methodOrder,
            PrintStream out) {
        if (tally.classes().isEmpty()) {
            out.println("No TCK test reports in " + reports + ": did failsafe run any test?");
            return;
        }
        List<ClassResult> failing = tally.classes().stream().filter(c -> c.failed() > 0).toList();
        if (!failing.isEmpty()) {
            out.println("TCK classes with failures (details in " + reports + "):");
            for (ClassResult c : failing) {
                out.printf("  %3d of %3d failed  %s%n", c.failed(), c.total(), c.className());
            }
        }
        List<String> notes = new ArrayList<>();
        expectedTests.ifPresent(n -> notes.add("of " + n + " expected"));
        if (methodOrder != null) {
            notes.add("test methods in " + methodOrder + " order");
        }
        out.println(notes.isEmpty() ? tally.line(run) : tally.line(run) + " (" + String.join("; ", notes) + ")");
    }

    /**
     * One report: a {@code testsuite} of {@code testcase}s, each of which holds a
     * {@code failure}, an {@code error} or a {@code skipped} element unless it passed.
     */
    static ClassResult readReport(Path file) throws IOException {
        Element suite = parse(file).getDocumentElement();
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        List<String> failedTests = new ArrayList<>();
        List<String> skippedTests = new ArrayList<>();
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element testCase = (Element) cases.item(i);
            if (hasChild(testCase, "failure") || hasChild(testCase, "error")) {
                failed++;
                failedTests.add(testCase.getAttribute("name"));
            } else if (hasChild(testCase, "skipped")) {
                skipped++;
                skippedTests.add(testCase.getAttribute("name"));
            } else {
                passed++;
            }
        }
        String name = suite.getAttribute("name");
        if (name.isEmpty()) {
            name = file.getFileName().toString().replaceFirst("^TEST-", "").replaceFirst("\\.xml$", "");
        }
        return new ClassResult(name, passed, failed, skipped, List.copyOf(failedTests), List.copyOf(skippedTests));
    }

    private static Document parse(Path file) throws IOException {
        try {
            return parser().parse(file.toFile());
        } catch (SAXException e) {
            throw new IOException("Failsafe report " + file + " is not well-formed XML (" + e.getMessage()
                    + "); delete that reports directory and run the TCK again", e);
        }
    }

    private static boolean hasChild(Element element, String tag) {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE && tag.equals(child.getNodeName())) {
                return true;
            }
        }
        return false;
    }

    private static DocumentBuilder parser() throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            DocumentBuilder parser = factory.newDocumentBuilder();
            // the default handler prints "[Fatal Error]" to stderr before the exception says it all
            parser.setErrorHandler(new DefaultHandler() {
                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return parser;
        } catch (ParserConfigurationException e) {
            throw new IOException("No XML parser for the failsafe reports: " + e.getMessage(), e);
        }
    }
}
