package org.ferrymq.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TcpBenchmarkServer} in a JVM of its own, started from this JVM's java and class path.
 * Its standard error is this process's; its standard output is read for the port it listens on
 * and copied here afterwards. {@link #close()} asks it to stop and waits for it, and kills it if
 * it does not stop in time.
 */
final class ServerProcess implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 120;
    private static final long STOP_TIMEOUT_SECONDS = 60;

    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts a server process and waits until it listens.
     *
     * @param jvmOptions options for the server's JVM (heap, GC, profiling)
     * @param arguments {@link TcpBenchmarkServer}'s arguments
     */
    static ServerProcess start(List<String> jvmOptions, List<String> arguments) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TcpBenchmarkServer.class.getName());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> copyOutput(process, listening), "tcpbench-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            int port = listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new ServerProcess(process, port);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("The server process " + arguments + " did not start listening within "
                    + START_TIMEOUT_SECONDS + " s" + (process.isAlive() ? "" : " (it exited)")
                    + "; its output above says why", e);
        }
    }

    /** Reads the server's output: the port from its LISTENING line; every other line is copied to ours. */
    private static void copyOutput(Process process, CompletableFuture<Integer> listening) {
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null) {
                if (line.startsWith(TcpBenchmarkServer.LISTENING) && !listening.isDone()) {
                    listening.complete(Integer.parseInt(line.substring(TcpBenchmarkServer.LISTENING.length()).trim()));
                } else if (!line.equals(TcpBenchmarkServer.STOPPED)) {
                    System.out.println("  [server] " + line);
                }
            }
        } catch (IOException | RuntimeException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("The server process ended its output"));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try (OutputStream input = process.getOutputStream()) {
            input.write((TcpBenchmarkServer.STOP + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // it has gone already; waitFor below says how
        }
        if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("The server process " + process.pid() + " did not stop within "
                    + STOP_TIMEOUT_SECONDS + " s and was killed");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("The server process " + process.pid() + " exited with "
                    + process.exitValue() + "; its output above says why");
        }
    }
}
