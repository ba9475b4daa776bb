package dev.tollgate.gateway;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP server standing in for a model server or a hosted provider, for tests that must see what the gateway
 * sends upstream (headers, health probes). It runs on its own Vert.x instance and stops, with it, on close.
 */
public final class StubUpstream implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    /** Starts the server on a free loopback port; every request goes to {@code handler}. */
    public StubUpstream(Handler<HttpServerRequest> handler) throws Exception {
        this(0, handler);
    }

    /** Starts the server on loopback {@code port} (0: a free one); every request goes to {@code handler}. */
    public StubUpstream(int port, Handler<HttpServerRequest> handler) throws Exception {
        try {
            server = vertx.createHttpServer().requestHandler(handler).listen(port, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * A model server that answers every request with {@code answer} (JSON) and records, for each chat completion
     * only, the value of request header {@code header} ({@code "null"} when absent). Only chat calls: the
     * gateway's background {@code GET /health} checks reach the server too.
     */
    public static StubUpstream recordingChatHeader(String header, Queue<String> seen, String answer) throws Exception {
        return recordingChatHeader(0, header, seen, answer);
    }

    /** {@link #recordingChatHeader(String, Queue, String)} on loopback {@code port} (0: a free one). */
    public static StubUpstream recordingChatHeader(int port, String header, Queue<String> seen, String answer)
            throws Exception {
        return new StubUpstream(port, request -> {
            if (request.path().equals("/v1/chat/completions")) {
                seen.add(String.valueOf(request.getHeader(header)));
            }
            request.response().putHeader("content-type", "application/json").end(answer);
        });
    }

    /** The port to register as the endpoint's base URL, {@code http://127.0.0.1:<port>}. */
    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
