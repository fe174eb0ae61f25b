package org.ferrymq.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.transport.tcp.TcpAcceptor;
import org.ferrymq.transport.tcp.TcpSettings;

/**
 * The server process of a {@link TcpBenchmark}: one broker listening on TCP at 127.0.0.1, in a
 * JVM of its own so that the broker's threads and heap are apart from the clients', as they are
 * in a deployment. It prints {@code LISTENING <port>} on standard output once clients can
 * connect, and stops the broker when standard input says {@code stop} or ends (the benchmark
 * process died), then prints {@code STOPPED} and exits.
 *
 * <p>Arguments: {@code ferrymq|artemis}, then either {@code memory} (nothing persistent is
 * stored: FerryMQ's in-memory journal, Artemis without persistence) or {@code jdbc URL USER
 * PASSWORD DRIVER-CLASS ARTEMIS-SYNC-PERIOD-MS} (the store in that database).
 */
public final class TcpBenchmarkServer {

    static final String LISTENING = "LISTENING ";
    static final String STOPPED = "STOPPED";
    static final String STOP = "stop";
    private static final String HOST = "127.0.0.1";

    private TcpBenchmarkServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[1].equals("memory") || args[1].equals("jdbc") && args.length == 7)) {
            System.err.println("usage: TcpBenchmarkServer ferrymq|artemis memory"
                    + " | TcpBenchmarkServer ferrymq|artemis jdbc URL USER PASSWORD DRIVER-CLASS ARTEMIS-SYNC-PERIOD-MS");
            System.exit(2);
            return;
        }
        ScratchDatabase database = args[1].equals("jdbc")
                ? new ScratchDatabase("server", args[2], args[3], args[4], args[5]) : null;
        AutoCloseable server = switch (args[0]) {
            case "ferrymq" -> startFerryMq(database);
            case "artemis" -> startArtemis(database, database == null ? 0 : Integer.parseInt(args[6]));
            default -> throw new IllegalArgumentException("Unknown provider '" + args[0] + "'; use ferrymq or artemis");
        };
        try {
            waitForStop();
        } finally {
            server.close();
        }
        System.out.println(STOPPED);
        System.out.flush();
        // A provider may leave non-daemon threads behind; the server's part is over either way.
        System.exit(0);
    }

    /** FerryMQ's embedded broker (the one FerryServer runs too) with a TcpAcceptor in front, default settings. */
    private static AutoCloseable startFerryMq(ScratchDatabase database) throws Exception {
        BrokerConfig config = new BrokerConfig("tcpbench");
        if (database == null) {
            config.memoryJournal();
        } else {
            config.journalUrl(database.url()).journalCredentials(database.user(), database.password());
        }
        EmbeddedBroker broker = EmbeddedBroker.start(config);
        TcpAcceptor acceptor;
        try {
            acceptor = TcpAcceptor.start(broker, HOST, 0, TcpSettings.DEFAULTS);
        } catch (Exception e) {
            broker.close();
            throw e;
        }
        announce(acceptor.port());
        return () -> {
            acceptor.close();
            broker.close();
        };
    }

    /**
     * Artemis with one Netty acceptor and the socket buffers of its stock broker.xml; the
     * Jakarta client's defaults on the other side. Persistent: its JDBC store in the database.
     */
    private static AutoCloseable startArtemis(ScratchDatabase database, int syncPeriodMillis) throws Exception {
        int port = freePort();
        String url = "tcp://" + HOST + ":" + port
                + "?protocols=CORE;tcpSendBufferSize=1048576;tcpReceiveBufferSize=1048576;useEpoll=true";
        if (database == null) {
            EmbeddedArtemis artemis = new EmbeddedArtemis(url);
            try {
                artemis.start();
            } catch (Exception e) {
                artemis.stop();
                throw e;
            }
            announce(port);
            return artemis::stop;
        }
        EmbeddedArtemisOnJdbc artemis = new EmbeddedArtemisOnJdbc(syncPeriodMillis, url);
        try {
            artemis.start(database);
        } catch (Exception e) {
            artemis.stop();
            artemis.deleteLocalFiles();
            throw e;
        }
        announce(port);
        return () -> {
            artemis.stop();
            artemis.deleteLocalFiles();
        };
    }

    /** A port nobody listens on right now; Artemis's acceptor cannot report the one it was given for port 0. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void announce(int port) {
        System.out.println(LISTENING + port);
        System.out.flush();
    }

    private static void waitForStop() throws IOException {
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = input.readLine()) != null) {
            if (line.trim().equals(STOP)) {
                return;
            }
        }
    }
}
