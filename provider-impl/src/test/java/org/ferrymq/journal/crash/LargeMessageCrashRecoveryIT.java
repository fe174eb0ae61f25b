package org.ferrymq.journal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.journal.JournalDatabase;
import org.ferrymq.testing.PatternBody;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A large message is whole or absent, never torn: the broker JVM ({@link CrashServer}) is
 * killed with {@code kill -9} while a large message's body streams in over TCP, at a random
 * point of the body, at its very end (the last chunks and the send in flight), or after the
 * send returned; each time it is started again on the same journal. Afterwards every message
 * that arrives is whole (its CRC-32 and length), every one whose send returned arrives, none
 * arrives twice, and once they are consumed and the broker has started once more, the journal
 * holds no chunk and no message. Runs in the {@code crash} profile
 * ({@code ./mvnw -pl provider-impl -am verify -Pcrash -Dit.test=LargeMessageCrashRecoveryIT}).
 */
class LargeMessageCrashRecoveryIT {

    private static final int KILLS = Integer.getInteger("crash.kills", 8);
    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
    private static final long SIZE = 24L * 1024 * 1024 + 321;
    private static final int HEARTBEAT_MILLIS = 1000;

    private final List<ChildJvm> started = new ArrayList<>();

    static Stream<JournalDatabase> databases() {
        return JournalDatabase.all();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void largeMessageKilledMidTransferIsWholeOrAbsentAndLeavesNoChunks(JournalDatabase database,
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path logs) throws Exception {
        assumeTrue(database.enabled(), database.whyDisabled());
        JournalDatabase db = database.emptied();
        int port = freePort();
        List<String> settings = List.of("journalUrl=" + db.jdbcUrl(), "journalUser=" + db.user(),
                "journalPassword=" + db.password());
        String url = "tcp://127.0.0.1:" + port + "?heartbeat=" + HEARTBEAT_MILLIS + "&reconnectAttempts=0";
        Random random = new Random(SEED);
        System.out.printf("CRASH large %s: %d kills, seed %d (-Dcrash.seed to repeat)%n", db.name(), KILLS, SEED);
        int returned = 0;
        int killedAtEnd = 0;
        try {
            ChildJvm server = startServer(logs, 0, port, settings);
            for (int kill = 1; kill <= KILLS; kill++) {
                // a point of the body where the kill comes: anywhere, or once all of it was read
                long at = kill % 3 == 0 ? SIZE : (long) (random.nextDouble() * SIZE);
                CountDownLatch reached = new CountDownLatch(1);
                CompletableFuture<Boolean> send = CompletableFuture.supplyAsync(() -> send(url, at, reached));
                boolean afterSend = kill % 4 == 0;
                if (afterSend) {
                    send.get(5, TimeUnit.MINUTES); // the kill comes after the send returned
                } else {
                    assertTrue(reached.await(5, TimeUnit.MINUTES), "the send never reached byte " + at);
                    Thread.sleep(random.nextInt(at == SIZE ? 50 : 200));
                }
                server.kill();
                boolean sent = send.get(5, TimeUnit.MINUTES);
                if (sent) {
                    returned++;
                }
                if (at == SIZE && !afterSend) {
                    killedAtEnd++;
                }
                server = startServer(logs, kill, port, settings);
            }
            int whole = drain(url);
            assertTrue(whole >= returned, whole + " messages arrived, but " + returned + " sends returned");
            assertTrue(whole <= KILLS, whole + " messages arrived from " + KILLS + " sends");
            server.kill();
            server = startServer(logs, KILLS + 1, port, settings); // removes what the killed sends left
            assertEquals(0, drain(url), "a consumed message came again after a restart");
            server.kill();
            assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "chunks left in the journal");
            assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "messages left in the journal");
            System.out.printf("CRASH large %s: %d kills (%d with the whole body read), %d sends returned, %d whole "
                    + "messages arrived, none torn, no chunk left%n", db.name(), KILLS, killedAtEnd, returned, whole);
        } finally {
            for (ChildJvm child : started) {
                ProcessHandle.of(child.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Sends one large message; counts down {@code reached} when its body's stream has given {@code at} bytes. */
    private static boolean send(String url, long at, CountDownLatch reached) {
        try (Connection connection = new FerryConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage message = session.createBytesMessage();
            InputStream pattern = PatternBody.stream(SIZE);
            message.setObjectProperty("JMS_FerryMQ_InputStream", new InputStream() {
                private long given;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = pattern.read(b, off, len);
                    given += Math.max(0, n);
                    if (given >= at) {
                        reached.countDown();
                    }
                    return n;
                }
            });
            message.setLongProperty("size", SIZE);
            session.createProducer(session.createQueue("crash-large")).send(message);
            reached.countDown();
            return true;
        } catch (JMSException e) {
            reached.countDown();
            return false;
        }
    }

    /** Receives until the queue stays empty; every message must be whole. Answers how many came. */
    private static int drain(String url) throws Exception {
        try (Connection connection = new FerryConnectionFactory(url).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("crash-large"));
            int count = 0;
            for (Message m; (m = consumer.receive(2000)) != null; ) {
                BytesMessage message = (BytesMessage) m;
                assertEquals(SIZE, message.getBodyLength(), "the length of message " + count);
                PatternBody.Check check = new PatternBody.Check();
                message.setObjectProperty("JMS_FerryMQ_SaveStream", check);
                assertEquals(SIZE, check.count(), "the bytes of message " + count);
                assertEquals(PatternBody.checksum(SIZE), check.checksum(), "message " + count + " is torn");
                message.acknowledge();
                count++;
            }
            return count;
        }
    }

    private ChildJvm startServer(Path logs, int restart, int port, List<String> settings) throws Exception {
        List<String> args = new ArrayList<>(List.of(String.valueOf(port), String.valueOf(HEARTBEAT_MILLIS)));
        args.addAll(settings);
        ChildJvm server = ChildJvm.start(CrashServer.class, logs.resolve("server" + restart + "-stdout.txt"),
                args.toArray(String[]::new));
        started.add(server);
        server.awaitLine("LISTENING", Duration.ofMinutes(2));
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
