package org.ferrymq.tck;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Tallies a failsafe run of the TCK from its reports ({@code TEST-*.xml}, one per test class)
 * and prints, last, the line {@code TCK: N passed, N failed} (with {@code , N skipped} when
 * any test was skipped), so that {@code grep '^TCK: '} finds the result in any log. The
 * classes with failures come before it, one a line, to show where to look.
 *
 * <p>An error (an unexpected exception) counts as a failure: for the TCK both mean the
 * provider did not do what the specification says. Runs inside Maven (exec:java), so it
 * never calls {@code System.exit}: it fails the build by throwing when a test failed that
 * is not in the known-failures file (each entry there says why it cannot pass), and it
 * names any known failure that now passes, so the list only ever shrinks.
 */
public final class TckTally {

    /** The outcome of one test class. */
    record ClassResult(String className, int passed, int failed, int skipped, List<String> failedTests) {

        ClassResult(String className, int passed, int failed, int skipped) {
            this(className, passed, failed, skipped, List.of());
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

        /** The result line: {@code TCK: 880 passed, 23 failed} or {@code ..., 2 skipped}. */
        String line() {
            String line = "TCK: " + passed + " passed, " + failed + " failed";
            return skipped == 0 ? line : line + ", " + skipped + " skipped";
        }
    }

    private TckTally() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            throw new IllegalArgumentException("TckTally needs failsafe's reports directory (target/failsafe-reports) "
                    + "and optionally the known-failures file; got " + args.length + " arguments");
        }
        Path reports = Path.of(args[0]);
        Tally tally = read(reports);
        print(tally, reports, System.out);
        Set<String> known = args.length == 2 ? readKnownFailures(Path.of(args[1])) : Set.of();
        String verdict = verdict(tally, known, System.out);
        if (verdict != null) {
            throw new IllegalStateException(verdict);
        }
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
     * Null when every failure is a known one; otherwise what failed unexpectedly. Known
     * failures that passed are reported so they can be taken off the list.
     */
    static String verdict(Tally tally, Set<String> known, PrintStream out) {
        Set<String> failed = new TreeSet<>();
        for (ClassResult c : tally.classes()) {
            for (String test : c.failedTests()) {
                failed.add(c.className() + "#" + test);
            }
        }
        Set<String> ran = new TreeSet<>();
        tally.classes().forEach(c -> ran.add(c.className()));
        for (String k : known) {
            if (!failed.contains(k) && ran.contains(k.substring(0, Math.max(0, k.indexOf('#'))))) {
                out.println("Known failure now passes; take it off the known-failures list: " + k);
            }
        }
        List<String> unexpected = failed.stream().filter(f -> !known.contains(f)).toList();
        if (unexpected.isEmpty()) {
            if (!failed.isEmpty()) {
                out.println("Every failure is a known one (see the known-failures list for why).");
            }
            return null;
        }
        return unexpected.size() + " TCK test(s) failed that are not known failures: " + unexpected
                + "; details in target/failsafe-reports";
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

    static void print(Tally tally, Path reports, PrintStream out) {
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
        out.println(tally.line());
    }

    /**
     * One report: a {@code testsuite} of {@code testcase}s, each of which holds a
     * {@code failure}, an {@code error} or a {@code skipped} element unless it passed.
     */
    static ClassResult readReport(Path file) throws IOException {
        Element suite;
        try {
            suite = parser().parse(file.toFile()).getDocumentElement();
        } catch (SAXException e) {
            throw new IOException("Failsafe report " + file + " is not well-formed XML (" + e.getMessage()
                    + "); delete target/failsafe-reports and run the TCK again", e);
        }
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        List<String> failedTests = new ArrayList<>();
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element testCase = (Element) cases.item(i);
            if (hasChild(testCase, "failure") || hasChild(testCase, "error")) {
                failed++;
                failedTests.add(testCase.getAttribute("name"));
            } else if (hasChild(testCase, "skipped")) {
                skipped++;
            } else {
                passed++;
            }
        }
        String name = suite.getAttribute("name");
        if (name.isEmpty()) {
            name = file.getFileName().toString().replaceFirst("^TEST-", "").replaceFirst("\\.xml$", "");
        }
        return new ClassResult(name, passed, failed, skipped, List.copyOf(failedTests));
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
