package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import net.jqwik.api.lifecycle.PropagationMode;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.protocol.MessageData;

/**
 * Frame fuzzing of a running TCP server (README.md, "Fuzzing"): damaged hellos, damaged
 * frames made from valid commands, and valid commands out of order or naming another
 * connection's sessions and consumers, each on a connection of its own, while a
 * well-behaved client sends and receives numbered persistent messages on the same server.
 * After every try: the server let no exception escape (nothing but one-line protocol errors
 * in its log), it either answered the connection's next request or closed the connection
 * telling it why, it allocated nothing near what a length field claimed, and the
 * well-behaved client lost and duplicated nothing.
 *
 * <p>Tries per property: {@code jqwik.tries.default} (junit-platform.properties, few); the
 * {@code fuzz} profile runs them for {@code -Dfuzz.minutes} (see {@link FuzzBudget}).
 */
@AddLifecycleHook(value = FuzzBudget.class, propagateTo = PropagationMode.DIRECT_DESCENDANTS)
class FrameFuzzTest {

    static final int MAX_FRAME_SIZE = 64 * 1024;
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    /** Far above what one try's frames (at most maxFrameSize each) need, far below what a length field may claim. */
    private static final long ALLOCATION_BOUND = 32L * 1024 * 1024;

    private static final TcpServer SERVER = new TcpServer();
    private static ServerLog log;
    private static NumberedMessages wellBehaved;
    private static Path data;

    private int logMark;
    private Map<Long, Long> allocatedBefore;

    @BeforeContainer
    static void startServer() throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        log = new ServerLog();
        data = Files.createTempDirectory("frame-fuzz");
        SERVER.start(data, TcpSettings.DEFAULTS.withMaxFrameSize(MAX_FRAME_SIZE), config -> config);
        wellBehaved = new NumberedMessages(SERVER.factory().createConnection());
    }

    @AfterContainer
    static void stopServer() throws Exception {
        try {
            String failure = wellBehaved.check();
            assertNull(failure, "the well-behaved client beside the fuzzer: " + failure);
            assertTrue(wellBehaved.received() > 0, "the well-behaved client received nothing at all");
            wellBehaved.close();
        } finally {
            SERVER.afterEach(null);
            log.close();
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        }
    }

    @BeforeTry
    void markLog() {
        logMark = log.mark();
        allocatedBefore = serverAllocations();
    }

    @AfterTry
    void checkServer() {
        System.gc(); // lets the leak detector see buffers dropped without release
        long allocated = allocatedSince(allocatedBefore);
        assertTrue(allocated < ALLOCATION_BOUND, "the server's threads allocated " + allocated + " bytes in one try");
        assertEquals(List.of(), log.unexpectedSince(logMark), "unexpected server log");
        assertNull(wellBehaved.failure(), "the well-behaved client beside the fuzzer");
    }

    // ---- the properties ----

    /** A damaged hello is answered with acceptance or refusal, never with silence or a crash. */
    @Property
    void aDamagedHelloIsAcceptedOrRefusedInWords(@ForAll("hellos") byte[] hello) throws Exception {
        try (RawClient client = client()) {
            client.writeRaw(hello);
            ByteBuf reply = readReply(client);
            if (reply == null) {
                fail("the server closed the connection without a handshake reply");
            }
            int status = reply.readUnsignedByte();
            if (status == Handshake.ACCEPTED) {
                RawClient.Ending ending = client.probe();
                // a hello may ask for a heartbeat of a few ms: the server rightly closes a client silent for three
                assertTrue(ending.outcome() == RawClient.Outcome.ALIVE || ending.outcome()
                        == RawClient.Outcome.CLOSED_WITH_REASON && ending.reason().contains("heard nothing"),
                        "after an accepted hello: " + ending);
            } else {
                assertEquals(Handshake.REFUSED, status);
                assertTrue(reply.readableBytes() > 0, "a refusal without a reason");
                client.readUntilClosed();
            }
        }
    }

    /**
     * A frame made from a valid command and then damaged (bits flipped, bytes cut, inserted
     * or overwritten, lengths and counts set to limits) is either handled, and the connection
     * answers its next request, or the server closes this connection with an error saying why.
     */
    @Property
    void aDamagedFrameIsHandledOrClosesItsConnectionWithAReason(@ForAll("prefixes") Prefix prefix,
            @ForAll("requestKinds") int kind, @ForAll("commands") Command<?> command,
            @ForAll("mutationLists") List<FuzzFrames.Mutation> mutations, @ForAll boolean reframe) throws Exception {
        byte[] frame = FuzzFrames.encode(kind, 77, command);
        for (FuzzFrames.Mutation mutation : mutations) {
            frame = mutation.apply(frame);
        }
        if (reframe) {
            frame = FuzzFrames.reframed(frame);
        }
        byte[] sent = FuzzFrames.completed(frame, MAX_FRAME_SIZE);
        try (RawClient client = client()) {
            prefix.open(client);
            client.writeRaw(sent);
            RawClient.Outcome outcome = probe(client);
            assertTrue(outcome == RawClient.Outcome.ALIVE || outcome == RawClient.Outcome.CLOSED_WITH_REASON,
                    outcome + " after " + RawBytes.hex(sent));
        }
    }

    /**
     * Valid commands in any order (before OpenConnection, after CloseConnection, naming
     * sessions, consumers and deliveries that do not exist here or belong to another
     * connection) are each answered, by a value or an error, on a connection that stays open.
     */
    @Property
    void validCommandsInAnyOrderAreEachAnswered(@ForAll boolean openFirst,
            @ForAll("commandLists") List<Command<?>> commands, @ForAll("kindLists") List<Integer> kinds)
            throws Exception {
        try (RawClient client = client()) {
            client.hello(Handshake.VERSION, 0);
            if (openFirst) {
                client.awaitAnswer(client.send(new Command.OpenConnection("fuzz-" + System.nanoTime(), null, null,
                        null)));
            }
            Set<Integer> requests = new HashSet<>();
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                int kind = kinds.get(i % kinds.size());
                frames.add(FuzzFrames.encode(kind, 1000 + i, commands.get(i)));
                if (kind == Frames.REQUEST) {
                    requests.add(1000 + i);
                }
            }
            for (byte[] frame : frames) {
                client.writeRaw(frame);
            }
            client.writeRaw(FuzzFrames.encode(Frames.REQUEST, RawClient.PROBE,
                    new Command.CheckDestination(DestinationName.queue("fuzz-probe"))));
            while (true) {
                ByteBuf frame = client.readFrame();
                if (frame == null) {
                    fail("the server closed the connection; unanswered: " + requests);
                }
                int frameKind = frame.readUnsignedByte();
                int correlationId = frame.readInt();
                if (frameKind == Frames.ERROR && correlationId == 0) {
                    fail("the server ended the connection: " + ErrorCodec.decode(frame).getMessage());
                }
                if (frameKind == Frames.ANSWER || frameKind == Frames.ERROR) {
                    if (correlationId == RawClient.PROBE) {
                        break;
                    }
                    requests.remove(correlationId);
                }
            }
            assertEquals(Set.of(), requests, "requests without an answer before the next request's");
        }
    }

    // ---- what the properties draw from ----

    @Provide
    Arbitrary<Command<?>> commands() {
        return FuzzFrames.commandsWithMissingFields();
    }

    @Provide
    Arbitrary<List<Command<?>>> commandLists() {
        return FuzzFrames.commands().list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<Integer> requestKinds() {
        return Arbitraries.of(Frames.REQUEST, Frames.ONEWAY);
    }

    @Provide
    Arbitrary<List<Integer>> kindLists() {
        return requestKinds().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<FuzzFrames.Mutation>> mutationLists() {
        return FuzzFrames.mutations(MAX_FRAME_SIZE).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Prefix> prefixes() {
        return Arbitraries.of(Prefix.class);
    }

    @Provide
    Arbitrary<byte[]> hellos() {
        return Arbitraries.integers().between(-1, 1 << 20).flatMap(heartbeat ->
                Arbitraries.of(MAX_FRAME_SIZE, TcpSettings.MIN_MAX_FRAME_SIZE - 1, Integer.MAX_VALUE, -1).flatMap(
                        maxFrameSize -> FuzzFrames.mutations(MAX_FRAME_SIZE).list().ofMaxSize(3).map(mutations -> {
                            byte[] hello = validHello(heartbeat, maxFrameSize);
                            for (FuzzFrames.Mutation mutation : mutations) {
                                hello = mutation.apply(hello);
                            }
                            return completedHello(hello);
                        })));
    }

    private static byte[] validHello(int heartbeat, int maxFrameSize) {
        ByteBuffer hello = ByteBuffer.allocate(Handshake.PRELUDE + 8);
        hello.put(Handshake.MAGIC).put((byte) Handshake.VERSION).putInt(8).putInt(heartbeat).putInt(maxFrameSize);
        return hello.array();
    }

    /** As the server reads a hello: a prelude, then as many bytes as it announces (zeros where they are missing). */
    private static byte[] completedHello(byte[] hello) {
        byte[] out = java.util.Arrays.copyOf(hello, Math.max(hello.length, Handshake.PRELUDE));
        long length = Integer.toUnsignedLong(ByteBuffer.wrap(out).getInt(4));
        if (length <= Handshake.MAX_BODY) {
            out = java.util.Arrays.copyOf(out, Handshake.PRELUDE + (int) length);
        }
        return out;
    }

    /** What the connection did before the fuzzed frame. */
    enum Prefix {
        /** The hello only: no OpenConnection yet. */
        HELLO {
            void open(RawClient client) throws IOException {
                client.hello(Handshake.VERSION, 0);
            }
        },
        /** Opened, with sessions 1 (not transacted) and 2 (transacted). */
        SESSIONS {
            void open(RawClient client) throws IOException {
                HELLO.open(client);
                client.awaitAnswer(client.send(new Command.OpenConnection("fuzz-" + System.nanoTime(), null, null,
                        null)));
                client.awaitAnswer(client.send(new Command.CreateSession(1, false)));
                client.awaitAnswer(client.send(new Command.CreateSession(2, true)));
            }
        },
        /** As SESSIONS, with consumer 1 on queue fuzz-a holding deliveries and a send waiting in session 2's transaction. */
        CONSUMING {
            void open(RawClient client) throws IOException {
                SESSIONS.open(client);
                client.awaitAnswer(client.send(new Command.CreateConsumer(new ConsumerInfo(1, 1,
                        DestinationName.queue("fuzz-a"), null, false, null, false, false, 10))));
                for (long session = 1; session <= 2; session++) {
                    client.awaitAnswer(client.send(new Command.Send(session, MessageData.builder(
                            MessageData.BodyType.TEXT).messageId("ID:fuzz-" + System.nanoTime())
                            .destination(DestinationName.queue("fuzz-a")).body("held").build())));
                }
                client.awaitAnswer(client.send(new Command.Credit(1, 10)));
            }
        },
        /** Opened and closed again: what follows comes after CloseConnection. */
        CLOSED {
            void open(RawClient client) throws IOException {
                SESSIONS.open(client);
                client.awaitAnswer(client.send(new Command.CloseConnection()));
            }
        };

        abstract void open(RawClient client) throws IOException;
    }

    // ---- reading the server ----

    private static RawClient client() throws IOException {
        RawClient client = new RawClient(SERVER.port());
        client.readTimeout(READ_TIMEOUT_MILLIS);
        return client;
    }

    private static RawClient.Outcome probe(RawClient client) throws IOException {
        try {
            return client.probe().outcome();
        } catch (SocketTimeoutException e) {
            fail("the server neither answered nor closed the connection within " + READ_TIMEOUT_MILLIS + " ms");
            return null;
        }
    }

    /** The server's handshake reply from its status on, or null if it closed first. */
    private static ByteBuf readReply(RawClient client) throws IOException {
        try {
            byte[] prelude = client.readBytes(Handshake.REPLY_PRELUDE);
            if (prelude == null) {
                return null;
            }
            assertEquals("FMQ", new String(prelude, 0, 3, java.nio.charset.StandardCharsets.US_ASCII));
            int length = ByteBuffer.wrap(prelude).getInt(5);
            byte[] body = client.readBytes(length);
            ByteBuf reply = io.netty.buffer.Unpooled.buffer(1 + length);
            reply.writeByte(prelude[4]);
            reply.writeBytes(body);
            return reply;
        } catch (SocketException e) {
            return null;
        }
    }

    // ---- the server's allocations ----

    /** Bytes allocated so far by each of the server's threads (I/O and command threads). */
    private static Map<Long, Long> serverAllocations() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<Long, Long> allocated = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("ferrymq-tcp-io") || thread.getName().startsWith("ferrymq-tcp-command")) {
                allocated.put(thread.getId(), threads.getThreadAllocatedBytes(thread.getId()));
            }
        }
        return allocated;
    }

    private static long allocatedSince(Map<Long, Long> before) {
        long total = 0;
        for (Map.Entry<Long, Long> now : serverAllocations().entrySet()) {
            total += Math.max(0, now.getValue() - before.getOrDefault(now.getKey(), 0L));
        }
        return total;
    }
}
