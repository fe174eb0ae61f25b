package org.ferrymq.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The server's health over HTTP, for process supervisors and Kubernetes probes:
 * {@code GET /health/live} answers 200 while the server process runs and serves HTTP;
 * {@code GET /health/ready} answers 200 only once the broker has loaded its journal and listens
 * for clients, and 503 before (a long journal load), while it stops, and after its broker
 * stopped by itself. The body is a line of JSON, {@code {"status":"UP"}} or
 * {@code {"status":"DOWN","reason":"..."}}. No authentication: they tell nothing but up or down.
 */
final class HealthEndpoint implements AutoCloseable {

    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";

    private final HttpServer http;
    private final ExecutorService threads;
    /** Why the server is not ready; null once it is. */
    private volatile String notReady = "the broker is starting: loading its journal";

    private HealthEndpoint(HttpServer http, ExecutorService threads) {
        this.http = http;
        this.threads = threads;
    }

    /** Listens on {@code host}:{@code port} (0: any free port), not ready yet. */
    static HealthEndpoint start(String host, int port) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen for HTTP on " + host + ":" + port + " (" + e.getMessage()
                    + "); free the port or set another in setting '" + ServerSettings.HTTP + "'", e);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ferrymq-http");
            t.setDaemon(true);
            return t;
        });
        HealthEndpoint endpoint = new HealthEndpoint(http, threads);
        http.setExecutor(threads);
        http.createContext(LIVE, exchange -> endpoint.answer(exchange, null));
        http.createContext(READY, exchange -> endpoint.answer(exchange, endpoint.notReady));
        http.start();
        return endpoint;
    }

    int port() {
        return http.getAddress().getPort();
    }

    /** The broker serves clients from now on. */
    void ready() {
        notReady = null;
    }

    /** The broker does not serve clients (any more), for {@code reason}. */
    void notReady(String reason) {
        notReady = reason;
    }

    private void answer(HttpExchange exchange, String down) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                send(exchange, 404, "{\"error\":\"no such page; try " + LIVE + " or " + READY + "\"}");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "{\"error\":\"use GET\"}");
            } else if (down == null) {
                send(exchange, 200, "{\"status\":\"UP\"}");
            } else {
                send(exchange, 503, "{\"status\":\"DOWN\",\"reason\":\"" + down.replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\"}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdown();
    }
}
