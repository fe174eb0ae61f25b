package org.ferrymq.journal.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the crash tests start with their own class path, to be killed with {@code kill -9}
 * ({@link Process#destroyForcibly()} is SIGKILL on Linux: no shutdown hook, no flush, no goodbye
 * to the database). Everything it prints is copied to a file for diagnosis.
 */
public final class ChildJvm {

    private final Process process;
    private final Path output;
    private Thread copier;

    private ChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code main}'s class in a new JVM with a 256 MiB heap; its output goes to {@code output}. */
    public static ChildJvm start(Class<?> main, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start(), output);
    }

    public long pid() {
        return process.pid();
    }

    /** The file its output is copied to. */
    public Path output() {
        return output;
    }

    /**
     * Waits up to a minute for a line starting with {@code expected} and returns it; the rest
     * of the output goes on being copied. A JVM that exits or stays silent instead is killed,
     * and the failure shows what it printed.
     */
    public String awaitLine(String expected) throws IOException {
        return awaitLine(expected, Duration.ofMinutes(1));
    }

    /** Like {@link #awaitLine(String)}, within {@code within}. */
    public String awaitLine(String expected, Duration within) throws IOException {
        long deadline = System.currentTimeMillis() + within.toMillis();
        List<String> seen = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            seen.add(line);
            if (line.startsWith(expected)) {
                Files.write(output, seen);
                copier = new Thread(() -> copyRest(out));
                copier.setDaemon(true);
                copier.start();
                return line;
            }
            if (System.currentTimeMillis() > deadline) {
                break;
            }
        }
        process.destroyForcibly();
        Files.write(output, seen);
        throw new AssertionError(process.info().command().orElse("the child JVM") + " never printed " + expected
                + "; its output:\n" + String.join("\n", seen));
    }

    private void copyRest(BufferedReader out) {
        try {
            for (String rest; (rest = out.readLine()) != null; ) {
                Files.writeString(output, rest + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // the child was killed
        }
    }

    /** Sends SIGKILL and waits for the JVM to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the killed JVM " + process.pid() + " did not go away");
        }
    }

    /** Waits for the JVM to exit by itself, and for its output to be copied, and returns its exit code. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the JVM " + process.pid() + " did not finish within " + seconds + " s; see "
                    + output);
        }
        if (copier != null) {
            copier.join(5_000);
        }
        return process.exitValue();
    }
}
