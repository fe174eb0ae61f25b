package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.jms.Connection;
import jakarta.jms.Queue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.ferrymq.client.FerryQueue;
import org.ferrymq.testing.RoundTrip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of sockets that connect and never complete the FerryMQ hello (slow-loris): the
 * server closes each once handshakeTimeout has passed, holds none of them afterwards, and
 * serves a well-behaved client all along. 1,000 sockets on each side fit the usual limit of
 * open files (1,024 or more; this machine's is 20,000).
 */
class HandshakeTimeoutTest {

    private static final int SILENT_CLIENTS = 1_000;
    private static final int TIMEOUT_MILLIS = 1_000;
    /** The test's only bound on time: each silent socket is closed within ten timeouts. */
    private static final long DEADLINE_MILLIS = 10L * TIMEOUT_MILLIS;

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    private final Queue queue = new FerryQueue("during-the-flood");

    @Test
    void clientsThatNeverCompleteTheHelloAreClosedWhileAWellBehavedClientWorks() throws Exception {
        server.start(data, TcpSettings.DEFAULTS.withHandshakeTimeoutMillis(TIMEOUT_MILLIS), config -> config);
        List<Socket> silent = new ArrayList<>();
        Connection wellBehaved = null;
        try {
            for (int i = 0; i < SILENT_CLIENTS; i++) {
                Socket socket = new Socket();
                silent.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
                if (i % 2 == 1) { // half of them start a hello: the magic, the version, half the length
                    socket.getOutputStream().write(new byte[] {'F', 'M', 'Q', Handshake.VERSION, 0, 0});
                }
                if (i == SILENT_CLIENTS / 2) {
                    wellBehaved = server.startedConnection();
                }
            }
            RoundTrip.check(wellBehaved, queue, "while they wait");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
            for (Socket socket : silent) {
                assertClosedByServer(socket, deadline);
            }
            RoundTrip.check(wellBehaved, queue, "after they are gone");
            awaitCount(() -> server.acceptor().openConnections(), 1, "the well-behaved client alone");
            assertEquals(SILENT_CLIENTS, server.acceptor().handshakesTimedOut());
            wellBehaved.close();
            awaitCount(() -> server.acceptor().openConnections(), 0, "none");
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
    }

    private static void assertClosedByServer(Socket socket, long deadline) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        socket.setSoTimeout((int) Math.max(1, left));
        try {
            assertEquals(-1, socket.getInputStream().read(), "the server wrote to a client that never said hello");
        } catch (SocketTimeoutException e) {
            fail("a socket that never completed the hello was still open " + DEADLINE_MILLIS + " ms after the flood, "
                    + "with handshakeTimeout " + TIMEOUT_MILLIS + " ms");
        } catch (SocketException e) {
            // reset by the server: closed as well
        }
    }

    private static void awaitCount(IntSupplier count, int expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (count.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, count.getAsInt(), "open client connections at the server: expected " + what);
    }

}
