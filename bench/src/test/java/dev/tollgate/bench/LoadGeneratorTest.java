package dev.tollgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Functional tests of the load generator against a stub server: small, short, bounded loads that check what is
 * counted and measured. They are not benchmarks and assert no performance figure.
 */
class LoadGeneratorTest {

    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void createVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void closedLoopCountsEverySuccessfulExchangeOfTheMeasuredWindow() throws Exception {
        AtomicInteger served = new AtomicInteger();
        URI target = serve(request -> {
            served.incrementAndGet();
            request.response().end("{\"ok\":true}");
        });

        LoadResult result = LoadGenerator.run(spec(target, LoadSpec.Mode.CLOSED, 4, 0, false,
                Duration.ofMillis(700), Duration.ofMillis(200)));

        assertThat(result.ok()).isPositive().isLessThanOrEqualTo(served.get());
        assertThat(result.errors()).isEmpty();
        assertThat(result.latency().count()).isEqualTo(result.ok());
        assertThat(result.bytes()).isEqualTo(result.ok() * "{\"ok\":true}".length());
        assertThat(result.throughput()).isEqualTo(result.ok() / 0.7, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void openLoopSendsAtTheTargetRate() throws Exception {
        URI target = serve(request -> request.response().end());

        LoadResult result = LoadGenerator.run(spec(target, LoadSpec.Mode.OPEN, 4, 200, false,
                Duration.ofSeconds(1), Duration.ZERO));

        assertThat(result.ok()).isBetween(190L, 201L);
        assertThat(result.skipped()).isZero();
    }

    @Test
    void openLoopChargesAServerStallToTheRequestsThatWaitedBehindIt() throws Exception {
        AtomicInteger count = new AtomicInteger();
        URI target = serve(request -> {
            if (count.incrementAndGet() == 20) {
                vertx.setTimer(400, id -> request.response().end());
            } else {
                request.response().end();
            }
        });

        // One connection at 100 req/s: during the 400 ms stall about 40 requests come due and wait.
        LoadResult result = LoadGenerator.run(spec(target, LoadSpec.Mode.OPEN, 1, 100, false,
                Duration.ofSeconds(1), Duration.ZERO));

        assertThat(result.ok()).isBetween(95L, 101L);
        assertThat(result.latency().max()).isGreaterThanOrEqualTo(390);
        assertThat(result.latency().p90()).isGreaterThan(50);
        assertThat(result.latency().p50()).isLessThan(400);
    }

    @Test
    void countsFailuresByStatus() throws Exception {
        AtomicInteger count = new AtomicInteger();
        URI target = serve(request -> request.response()
                .setStatusCode(count.incrementAndGet() % 2 == 0 ? 503 : 200).end());

        LoadResult result = LoadGenerator.run(spec(target, LoadSpec.Mode.OPEN, 2, 100, false,
                Duration.ofSeconds(1), Duration.ZERO));

        assertThat(result.errors()).containsOnlyKeys("status 503");
        assertThat(result.errors().get("status 503")).isBetween(45L, 55L);
        assertThat(result.ok() + result.errorCount()).isBetween(95L, 101L);
    }

    @Test
    void countsFailuresByStatusAndTheErrorCodeOfTheirBody() throws Exception {
        AtomicInteger count = new AtomicInteger();
        URI target = serve(request -> {
            if (count.incrementAndGet() % 2 == 0) {
                request.response().setStatusCode(503).end("{\"error\":{\"message\":\"full\",\"type\":"
                        + "\"server_error\",\"param\":null,\"code\":\"events_unavailable\"}}");
            } else {
                request.response().setStatusCode(429).end("{\"error\": {\"code\": \"rate_limit_exceeded\"}}");
            }
        });

        LoadResult result = LoadGenerator.run(spec(target, LoadSpec.Mode.OPEN, 2, 100, false,
                Duration.ofSeconds(1), Duration.ZERO));

        assertThat(result.errors()).containsOnlyKeys("status 503 events_unavailable", "status 429 rate_limit_exceeded");
        assertThat(Worker.errorCode("not json")).isEmpty();
    }

    @Test
    void measuresTimeToFirstByteOfAStream() throws Exception {
        URI target = serve(request -> {
            request.response().setChunked(true).putHeader("content-type", "text/event-stream");
            request.response().writeHead();
            vertx.setTimer(120, a -> request.response().write("data: {}\n\n"));
            vertx.setTimer(200, b -> request.response().end("data: [DONE]\n\n"));
        });

        LoadResult result = LoadGenerator.run(spec(target, LoadSpec.Mode.CLOSED, 2, 0, true,
                Duration.ofMillis(800), Duration.ZERO));

        assertThat(result.firstByte()).isNotNull();
        assertThat(result.firstByte().count()).isEqualTo(result.ok()).isPositive();
        assertThat(result.firstByte().p50()).isGreaterThanOrEqualTo(115.0).isLessThan(result.latency().p50());
        assertThat(result.latency().p50()).isGreaterThanOrEqualTo(195.0);
    }

    @Test
    void endsByItselfWhenTheServerNeverAnswers() throws Exception {
        URI target = serve(request -> {
            // Never answers.
        });
        long start = System.nanoTime();

        LoadResult result = LoadGenerator.run(new LoadSpec(target, "GET", null, Map.of(), LoadSpec.Mode.CLOSED, 2,
                0, Duration.ofMillis(300), Duration.ZERO, false, 1, Duration.ofMillis(300), 100));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        assertThat(result.ok()).isZero();
        assertThat(result.errors()).containsKey("timeout");
    }

    private URI serve(Consumer<HttpServerRequest> handler) throws Exception {
        server = vertx.createHttpServer().requestHandler(handler::accept);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/test");
    }

    private static LoadSpec spec(URI target, LoadSpec.Mode mode, int connections, int rate, boolean streaming,
            Duration duration, Duration warmup) {
        return new LoadSpec(target, "POST", "{}".getBytes(), Map.of("content-type", "application/json"), mode,
                connections, rate, duration, warmup, streaming, 1, Duration.ofSeconds(5), 1_000);
    }
}
