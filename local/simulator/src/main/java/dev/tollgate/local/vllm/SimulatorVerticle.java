package dev.tollgate.local.vllm;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * One HTTP server on one event loop. Several instances listening on the same host and port share the socket, and
 * Vert.x spreads the connections over their event loops.
 */
final class SimulatorVerticle extends AbstractVerticle {

    private final HttpDispatcher dispatcher;
    private final String host;
    private final int port;
    private volatile int actualPort;

    SimulatorVerticle(HttpDispatcher dispatcher, String host, int port) {
        this.dispatcher = dispatcher;
        this.host = host;
        this.port = port;
    }

    @Override
    public void start(Promise<Void> started) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setTcpNoDelay(true)
                // vLLM's uvicorn speaks HTTP/1.1 only; refusing h2c keeps clients honest about that.
                .setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(true);
        HttpServer server = vertx.createHttpServer(options).requestHandler(dispatcher);
        server.listen().onSuccess(s -> {
            actualPort = s.actualPort();
            started.complete();
        }).onFailure(started::fail);
    }

    int actualPort() {
        return actualPort;
    }
}
