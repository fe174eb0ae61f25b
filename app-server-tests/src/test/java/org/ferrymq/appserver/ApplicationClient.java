package org.ferrymq.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Calls a deployed test application's HTTP endpoints, given relative to its base address: a
 * POST must answer 204 No Content; a GET answers 200 with its text or 204 (null).
 */
public final class ApplicationClient {

    private final URI application;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The application under {@code http://127.0.0.1:(8080 + wildfly.port.offset)/base}, each call given {@code timeout}. */
    public static ApplicationClient onWildFly(String base, Duration timeout) {
        return new ApplicationClient(URI.create("http://127.0.0.1:"
                + (8080 + Integer.getInteger("wildfly.port.offset", 0)) + base), timeout);
    }

    public ApplicationClient(URI application, Duration timeout) {
        this.application = application;
        this.timeout = timeout;
    }

    public void post(String path) throws Exception {
        HttpResponse<String> response = http.send(postRequest(path), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, response.statusCode(), "POST " + path + ": " + response.body());
    }

    /** A POST whose answer comes later: the call may outlive something the test does meanwhile. */
    public CompletableFuture<HttpResponse<String>> postAsync(String path) {
        return http.sendAsync(postRequest(path), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer's text, or null for 204 No Content. */
    public String get(String path) throws Exception {
        HttpResponse<String> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 204) {
            return null;
        }
        assertEquals(200, response.statusCode(), "GET " + path + ": " + response.body());
        return response.body();
    }

    private HttpRequest postRequest(String path) {
        return request(path).POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(application.resolve(path)).timeout(timeout);
    }
}
