package dev.tollgate.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in OpenTelemetry collector for benchmarks: an OTLP/HTTP endpoint that takes {@code POST /v1/traces} and
 * answers 200 with an empty {@code ExportTraceServiceResponse} (zero bytes of protobuf), without decoding what it
 * got: what is measured is the gateway's cost of exporting, not a collector's. Loopback only. Prints the exports and
 * bytes it took when stopped.
 *
 * <p>Usage: {@code java -cp ... dev.tollgate.bench.OtlpSink PORT}
 */
public final class OtlpSink {

    private OtlpSink() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        AtomicLong exports = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            exports.incrementAndGet();
            bytes.addAndGet(body.length());
            request.response().putHeader("content-type", "application/x-protobuf").end();
        })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.printf(
                "{\"otlpExports\":%d,\"otlpBytes\":%d}%n", exports.get(), bytes.get())));
        System.out.println("otlp sink listening on 127.0.0.1:" + server.actualPort());
        Thread.currentThread().join();
    }
}
