package dev.tollgate.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny HTTP server on loopback that answers fixed JSON per method and path (query left out), and records what it
 * was asked: enough to check how commands call the admin and streams APIs and print their answers, without a
 * platform. The platform itself is exercised by e2e OperatorToolsIT.
 */
final class FakeApi implements AutoCloseable {

    /** One request as received. */
    record Request(String method, String pathAndQuery, String body, String authorization) {
    }

    private final HttpServer server;
    private final Map<String, String[]> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new ArrayList<>();

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            synchronized (requests) {
                requests.add(new Request(exchange.getRequestMethod(), path + (query == null ? "" : "?" + query), body,
                        exchange.getRequestHeaders().getFirst("Authorization")));
            }
            String[] answer = answers.getOrDefault(exchange.getRequestMethod() + " " + path, new String[] {"404",
                    "{\"error\":{\"message\":\"No such thing: " + path + "\",\"type\":\"invalid_request_error\","
                            + "\"param\":null,\"code\":\"not_found\"}}"});
            byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    /** Answers {@code method path} with {@code status} and {@code json}; single quotes stand for double quotes. */
    FakeApi on(String method, String path, int status, String json) {
        answers.put(method + " " + path, new String[] {Integer.toString(status), json.replace('\'', '"')});
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The environment pointing both APIs here, with a token. */
    Map<String, String> env() {
        return Map.of("TOLLGATE_ADMIN_URL", url(), "TOLLGATE_STREAMS_URL", url(), "TOLLGATE_ADMIN_TOKEN", "tga_test");
    }

    Request last(String method, String pathPrefix) {
        synchronized (requests) {
            for (int i = requests.size() - 1; i >= 0; i--) {
                Request r = requests.get(i);
                if (r.method().equals(method) && r.pathAndQuery().startsWith(pathPrefix)) {
                    return r;
                }
            }
        }
        throw new AssertionError("no " + method + " " + pathPrefix + " in " + requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
