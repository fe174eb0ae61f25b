package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.ferrymq.client.FerryQueue;
import org.ferrymq.testing.RoundTrip;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the bytes the frame fuzzer found a bug with (src/test/resources/fuzz-corpus, one
 * file each, see {@link RawBytes} for the format) against a running server, after an accepted
 * hello: the server either goes on answering that connection or closes it with an error
 * saying why (a file's {@code # expect:} line names words the error must hold), logs no
 * crash and at most one warning, and serves another client all along.
 */
class FuzzCorpusTest {

    private static final String CORPUS = "fuzz-corpus";

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    static Stream<String> corpus() throws IOException, URISyntaxException {
        URL directory = FuzzCorpusTest.class.getClassLoader().getResource(CORPUS);
        assertNotNull(directory, "the corpus directory " + CORPUS + " is on the test class path");
        try (Stream<Path> files = Files.list(Path.of(directory.toURI()))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".hex")).sorted()
                    .toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void theServerAnswersOrClosesOnlyThatConnectionSayingWhy(String name) throws Throwable {
        String text = new String(FuzzCorpusTest.class.getClassLoader().getResourceAsStream(CORPUS + "/" + name)
                .readAllBytes(), StandardCharsets.UTF_8);
        byte[] bytes = RawBytes.parse(text);
        String expected = text.lines().filter(line -> line.startsWith("# expect:"))
                .map(line -> line.substring("# expect:".length()).trim()).findFirst().orElse(null);
        server.start(data);
        Connection bystander = server.startedConnection();
        FerryQueue queue = new FerryQueue("beside-the-corpus");
        RoundTrip.check(bystander, queue, "before " + name);
        try (ServerLog log = new ServerLog(); RawClient client = new RawClient(server.port())) {
            int mark = log.mark();
            assertEquals(Handshake.ACCEPTED, client.hello(Handshake.VERSION, 0).status());
            client.writeRaw(bytes);
            RawClient.Ending ending = client.probe();
            assertTrue(ending.outcome() != RawClient.Outcome.CLOSED_WITHOUT_REASON,
                    "the server closed the connection without saying why");
            if (expected != null) {
                assertEquals(RawClient.Outcome.CLOSED_WITH_REASON, ending.outcome());
                assertTrue(ending.reason().contains(expected), ending.reason());
            }
            RoundTrip.check(bystander, queue, "after " + name);
            assertEquals(List.of(), log.unexpectedSince(mark), "what the server logged");
            assertTrue(log.since(mark).split("Closing the connection of client", -1).length <= 2,
                    "one bad connection, one warning: " + log.since(mark));
        }
    }
}
