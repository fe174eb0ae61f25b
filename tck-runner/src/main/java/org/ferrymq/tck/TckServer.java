package org.ferrymq.tck;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts and stops the FerryMQ server that the TCK's run over {@code tcp://} talks to: a JVM of
 * its own running the server module's {@code FerryServer} (through {@link TckServerMain}) with a
 * settings file written here, listening on a free port of 127.0.0.1, with the TCK's users and
 * an H2 journal under the server directory (in target/). Runs inside Maven (exec:java, in
 * pre- and post-integration-test), so it never calls {@code System.exit}: it fails the build by
 * throwing.
 *
 * <pre>
 * TckServer start &lt;server dir&gt; &lt;class path file&gt; &lt;classes dir&gt; &lt;jndi template&gt;
 * TckServer stop  &lt;server dir&gt;
 * </pre>
 *
 * {@code start} writes {@code <server dir>/broker.properties}, starts the server with its
 * output in {@code server.log}, its pid in {@code server.pid}, waits until it accepts
 * connections, then writes {@code <server dir>/jndi/jndi.properties}: the template with
 * {@code @SERVER@} replaced by {@code 127.0.0.1:PORT}. The class path file holds the server's
 * class path as maven-dependency-plugin's build-classpath writes it; the classes directory
 * (this module's, for TckServerMain) goes first.
 *
 * <p>{@code stop} sends the server SIGTERM (a clean stop: it closes its clients and its
 * journal), waits up to a minute, then kills it. The pom runs it in post-integration-test,
 * which follows failsafe's run whatever the tests' outcome; should Maven itself die first,
 * the server stops by itself when the Maven JVM that started it has gone (TckServerMain).
 * Having stopped it, {@code stop} fails the build if no client ever connected to the server:
 * then the run did not go over TCP at all (some other jndi.properties on its class path bound
 * {@code vm://} URLs), however many tests passed.
 */
public final class TckServer {

    static final String HOST = "127.0.0.1";
    static final String PID_FILE = "server.pid";
    static final String LOG_FILE = "server.log";
    static final String SETTINGS_FILE = "broker.properties";
    static final String JNDI_DIRECTORY = "jndi";
    static final String SERVER_PLACEHOLDER = "@SERVER@";
    /** What the server logs (ServerHandshake, at debug) for every client that connects. */
    static final String CONNECTED = "connected over TCP";

    private static final long START_TIMEOUT_MILLIS = 180_000;
    private static final long STOP_TIMEOUT_SECONDS = 60;

    private TckServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 5 && args[0].equals("start")) {
            start(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Path.of(args[4]));
        } else if (args.length == 2 && args[0].equals("stop")) {
            stop(Path.of(args[1]));
        } else {
            throw new IllegalArgumentException("usage: TckServer start <server dir> <class path file> <classes dir> "
                    + "<jndi template> | TckServer stop <server dir>; got " + List.of(args));
        }
    }

    /** The settings of the TCK's server: what the vm:// run's URL configures, and a journal in {@code dir}. */
    static String settings(Path dir, int port) {
        return "# written by org.ferrymq.tck.TckServer for the TCK's run over tcp://\n"
                + "name=tck\n"
                + "listen=tcp://" + HOST + ":" + port + "\n"
                + "dataDirectory=" + dir.resolve("data").toAbsolutePath() + "\n"
                + "users=j2ee:j2ee,javajoe:javajoe\n"
                // unlike the vm:// run's broker: the TCK's credential-less connections get j2ee from the factories
                + "requireCredentials=true\n";
    }

    /** The JNDI properties of the run: the template with the server's address in place of {@code @SERVER@}. */
    static String jndi(String template, String hostAndPort) {
        if (!template.contains(SERVER_PLACEHOLDER)) {
            throw new IllegalArgumentException("The TCK's JNDI template has no " + SERVER_PLACEHOLDER
                    + " where the server's host:port goes");
        }
        return template.replace(SERVER_PLACEHOLDER, hostAndPort);
    }

    static void start(Path dir, Path classPathFile, Path classes, Path jndiTemplate)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path pidFile = dir.resolve(PID_FILE);
        if (Files.exists(pidFile)) {
            // a server of an earlier run that was not stopped: stop it rather than leave it running
            stop(dir);
        }
        int port = freePort();
        Path settings = dir.resolve(SETTINGS_FILE);
        Files.writeString(settings, settings(dir, port));
        String classPath = classes.toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(classPathFile, StandardCharsets.UTF_8).strip();
        Path log = dir.resolve(LOG_FILE);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                // one line per client connection, counted when it stops (connections(String))
                "-Dorg.slf4j.simpleLogger.log.org.ferrymq.transport.tcp.ServerHandshake=debug",
                "-cp", classPath,
                TckServerMain.class.getName(),
                Long.toString(ProcessHandle.current().pid()),
                settings.toAbsolutePath().toString()));
        Process server = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Files.writeString(pidFile, Long.toString(server.pid()));
        awaitListening(server, port, log);
        Path jndi = Files.createDirectories(dir.resolve(JNDI_DIRECTORY)).resolve("jndi.properties");
        Files.writeString(jndi, jndi(Files.readString(jndiTemplate, StandardCharsets.UTF_8), HOST + ":" + port));
        System.out.println("TCK server started: tcp://" + HOST + ":" + port + " (pid " + server.pid()
                + "), settings " + settings + ", log " + log);
    }

    /** A port nobody listens on now; the server binds it a moment later. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(Process server, int port, Path log) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException("The TCK server exited with status " + server.exitValue()
                        + " before it listened on port " + port + "; its log " + log + " ends:\n" + tail(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.currentTimeMillis() > deadline) {
                server.destroyForcibly();
                throw new IllegalStateException("The TCK server did not listen on port " + port + " within "
                        + START_TIMEOUT_MILLIS / 1000 + " s, so it was killed; its log " + log + " ends:\n" + tail(log));
            }
            Thread.sleep(200);
        }
    }

    static void stop(Path dir) throws IOException, InterruptedException {
        Path pidFile = dir.resolve(PID_FILE);
        Path log = dir.resolve(LOG_FILE);
        if (!Files.exists(pidFile)) {
            System.out.println("TCK server: no " + pidFile + ", so no server to stop");
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> found = ProcessHandle.of(pid).filter(TckServer::isTckServer);
        if (found.isEmpty()) {
            Files.delete(pidFile);
            System.out.println("TCK server (pid " + pid + ") had already exited before the end of the run; "
                    + "see its log " + log);
            return;
        }
        ProcessHandle server = found.get();
        long started = System.nanoTime();
        server.destroy(); // SIGTERM: FerryServer's shutdown hook stops it cleanly
        boolean clean = awaitExit(server, STOP_TIMEOUT_SECONDS);
        if (!clean) {
            server.destroyForcibly(); // SIGKILL
            if (!awaitExit(server, 30)) {
                throw new IllegalStateException("The TCK server (pid " + pid + ") survived SIGTERM and SIGKILL; "
                        + "kill it by hand");
            }
        }
        Files.delete(pidFile);
        long connections = connections(Files.readString(log, StandardCharsets.UTF_8));
        System.out.println((clean
                ? "TCK server (pid " + pid + ") stopped by SIGTERM in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms"
                : "TCK server (pid " + pid + ") did not stop within " + STOP_TIMEOUT_SECONDS
                        + " s of SIGTERM and was killed")
                + " after " + connections + " client connections; log " + log);
        if (connections == 0) {
            throw new IllegalStateException("No client connected to the TCK server, so the run over tcp:// did not go "
                    + "over TCP: another jndi.properties on the run's class path bound other URLs (one left in "
                    + "target/test-classes by an older build? run ./mvnw clean), whatever the tests say");
        }
    }

    /** How many client connections a server log records (see {@link #CONNECTED}). */
    static long connections(String log) {
        return log.lines().filter(line -> line.contains(CONNECTED)).count();
    }

    /** Whether the process is ours: a pid may have been reused since the pid file was written. */
    private static boolean isTckServer(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        Optional<String[]> arguments = process.info().arguments();
        return arguments.isEmpty() || List.of(arguments.get()).contains(TckServerMain.class.getName());
    }

    private static boolean awaitExit(ProcessHandle process, long seconds) throws InterruptedException {
        try {
            process.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Waiting for the TCK server to exit failed", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }
}
