package dev.tollgate.notifier;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real HTTP receiver on loopback: records every POST per path, and answers each path with a chosen status. */
public final class TestReceiver implements AutoCloseable {

    /**
     * One request it got.
     *
     * @param path           the path
     * @param idempotencyKey its Idempotency-Key header
     * @param body           its body
     * @param receivedAtNanos when it arrived
     */
    public record Request(String path, String idempotencyKey, String body, long receivedAtNanos) {
    }

    private final HttpServer server;
    private final Map<String, BlockingQueue<Request>> requests = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();

    public TestReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            queue(path).add(new Request(path, exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    new String(body, StandardCharsets.UTF_8), System.nanoTime()));
            exchange.sendResponseHeaders(statuses.getOrDefault(path, 200), -1);
            exchange.close();
        });
        server.start();
    }

    /** The URL of {@code path} on this receiver. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers every request to {@code path} with {@code status}. */
    public void answer(String path, int status) {
        statuses.put(path, status);
    }

    /** The next request to {@code path} within {@code timeout}, or null. */
    public Request next(String path, Duration timeout) throws InterruptedException {
        return queue(path).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every request to {@code path} that arrived within {@code wait}. */
    public List<Request> drain(String path, Duration wait) throws InterruptedException {
        Thread.sleep(wait.toMillis());
        List<Request> all = new ArrayList<>();
        queue(path).drainTo(all);
        return all;
    }

    private BlockingQueue<Request> queue(String path) {
        return requests.computeIfAbsent(path, p -> new LinkedBlockingQueue<>());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
