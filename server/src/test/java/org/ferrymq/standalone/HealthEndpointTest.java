package org.ferrymq.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health endpoint over real HTTP, alone and in a running server. */
class HealthEndpointTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path home;

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void liveAnswersAtOnceAndReadyOnlyOnceTheBrokerServes() throws Exception {
        try (HealthEndpoint health = HealthEndpoint.start("127.0.0.1", 0)) {
            HttpResponse<String> live = get(health.port(), HealthEndpoint.LIVE);
            assertEquals(200, live.statusCode());
            assertEquals("{\"status\":\"UP\"}\n", live.body());
            assertEquals("application/json; charset=utf-8", live.headers().firstValue("Content-Type").orElse(""));

            HttpResponse<String> starting = get(health.port(), HealthEndpoint.READY);
            assertEquals(503, starting.statusCode());
            assertEquals("{\"status\":\"DOWN\",\"reason\":\"the broker is starting: loading its journal\"}\n",
                    starting.body());

            health.ready();
            assertEquals(200, get(health.port(), HealthEndpoint.READY).statusCode());

            health.notReady("the \"server\" is stopping");
            HttpResponse<String> stopping = get(health.port(), HealthEndpoint.READY);
            assertEquals(503, stopping.statusCode());
            assertEquals("{\"status\":\"DOWN\",\"reason\":\"the \\\"server\\\" is stopping\"}\n", stopping.body());
        }
    }

    @Test
    void otherPathsAndMethodsAreRefusedAndHeadHasNoBody() throws Exception {
        try (HealthEndpoint health = HealthEndpoint.start("127.0.0.1", 0)) {
            assertEquals(404, get(health.port(), "/health/livex").statusCode());
            assertEquals(404, get(health.port(), "/").statusCode());
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + health.port() + HealthEndpoint.LIVE))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
            HttpResponse<String> head = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + health.port() + HealthEndpoint.LIVE))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }

    @Test
    void aPortInUseFailsNamingTheSetting() throws Exception {
        try (HealthEndpoint first = HealthEndpoint.start("127.0.0.1", 0)) {
            IOException e = assertThrows(IOException.class, () -> HealthEndpoint.start("127.0.0.1", first.port()));
            assertTrue(e.getMessage().contains("setting 'http'"), e.getMessage());
        }
    }

    @Test
    void aServerWithHttpIsReadyOnceItListensAndAnswersNothingOnceStopped() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("listen", "tcp://127.0.0.1:0");
        settings.setProperty("http", "http://127.0.0.1:0");
        settings.setProperty("journal", "memory");
        int port;
        try (FerryServer server = FerryServer.start(ServerSettings.from(settings, home))) {
            port = server.httpPort();
            assertTrue(port > 0);
            assertEquals(200, get(port, HealthEndpoint.LIVE).statusCode());
            assertEquals(200, get(port, HealthEndpoint.READY).statusCode());
        }
        assertThrows(IOException.class, () -> get(port, HealthEndpoint.LIVE), "closed with the server");
    }

    @Test
    void aServerWithoutHttpSettingHasNoEndpoint() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("listen", "tcp://127.0.0.1:0");
        settings.setProperty("journal", "memory");
        try (FerryServer server = FerryServer.start(ServerSettings.from(settings, home))) {
            assertEquals(-1, server.httpPort());
        }
    }
}
