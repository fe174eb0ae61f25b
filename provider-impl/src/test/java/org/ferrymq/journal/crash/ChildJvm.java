package org.ferrymq.journal.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the crash tests start with their own class path, to be killed with {@code kill -9}
 * ({@link Process#destroyForcibly()} is SIGKILL on Linux: no shutdown hook, no flush, no goodbye
 * to the database). A thread of its own copies everything the child prints to a file as it
 * comes, so every wait here has a deadline however silent the child falls, and a failure shows
 * the child's last output.
 */
public final class ChildJvm {

    private static final int LAST_LINES = 60;

    private final Process process;
    private final Path output;
    private final String description;
    private final Thread reader;
    /** Every line the child printed so far; also the monitor for {@link #outputEnded} and {@link #searched}. */
    private final List<String> lines = new ArrayList<>();
    private boolean outputEnded;
    /** Lines before this one have been searched by {@link #awaitLine}. */
    private int searched;

    private ChildJvm(Process process, Path output, Class<?> main) {
        this.process = process;
        this.output = output;
        this.description = "the child JVM " + main.getSimpleName() + " (pid " + process.pid() + ")";
        this.reader = new Thread(this::copyOutput, "output of " + description);
        reader.setDaemon(true);
    }

    /** Starts {@code main}'s class in a new JVM with a 256 MiB heap; its output goes to {@code output}. */
    public static ChildJvm start(Class<?> main, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ChildJvm child = new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start(), output, main);
        child.reader.start();
        return child;
    }

    public long pid() {
        return process.pid();
    }

    /** The file its output is copied to. */
    public Path output() {
        return output;
    }

    /** What it printed so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer file = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                file.write(line + "\n");
                file.flush();
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the pipe breaks when the child is killed; what was read is kept
        } finally {
            synchronized (lines) {
                outputEnded = true;
                lines.notifyAll();
            }
        }
    }

    /**
     * Waits up to a minute for a line starting with {@code expected} and returns it; the rest
     * of the output goes on being copied. A JVM that exits or stays silent instead is killed,
     * and the failure shows what it printed.
     */
    public String awaitLine(String expected) throws InterruptedException {
        return awaitLine(expected, Duration.ofMinutes(1));
    }

    /** Like {@link #awaitLine(String)}, within {@code within}. Each call looks past the line the last one found. */
    public String awaitLine(String expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (lines) {
            while (true) {
                while (searched < lines.size()) {
                    String line = lines.get(searched++);
                    if (line.startsWith(expected)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (outputEnded || left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
        String what;
        boolean ended;
        synchronized (lines) {
            ended = outputEnded;
        }
        // its output ends when it exits: then wait a moment for the exit code; otherwise the deadline passed
        if (ended && process.waitFor(10, TimeUnit.SECONDS)) {
            what = " exited with exit code " + process.exitValue() + " without printing a line starting with '"
                    + expected + "'";
        } else {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            what = " printed no line starting with '" + expected + "' within " + within.toSeconds() + " s, and was "
                    + "killed";
        }
        throw new AssertionError(description + what + "; " + lastOutput());
    }

    /**
     * Sends SIGKILL and waits for the JVM to be gone and its output copied. A JVM that had
     * already exited by itself fails the test: killing it proves nothing.
     */
    public void kill() throws InterruptedException {
        if (!process.isAlive()) {
            reader.join(10_000);
            throw new AssertionError(description + " had already exited, with exit code " + process.exitValue()
                    + ", when the test came to kill it; " + lastOutput());
        }
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(description + " did not go away within 30 s of kill -9");
        }
        reader.join(10_000);
    }

    /**
     * Freezes the JVM with SIGSTOP (Unix): it stays alive and its sockets stay open, but it says
     * nothing more, as a client on a machine that hangs or drops off the network. {@link #kill()}
     * still ends it.
     */
    public void freeze() throws IOException, InterruptedException {
        if (!process.isAlive()) {
            throw new AssertionError(description + " had already exited, with exit code " + process.exitValue()
                    + ", when the test came to freeze it; " + lastOutput());
        }
        Process stop = new ProcessBuilder("kill", "-STOP", String.valueOf(process.pid())).redirectErrorStream(true)
                .start();
        String said = new String(stop.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!stop.waitFor(30, TimeUnit.SECONDS) || stop.exitValue() != 0) {
            throw new AssertionError("kill -STOP " + process.pid() + " failed: " + said);
        }
    }

    /** Waits for the JVM to exit by itself, and for its output to be copied, and returns its exit code. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(description + " did not finish within " + seconds + " s and was killed; "
                    + lastOutput());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    /** The last lines it printed, for a failure message. */
    public String lastOutput() {
        List<String> all = lines();
        return "its last output (all of it in " + output + "):\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - LAST_LINES), all.size()));
    }
}
