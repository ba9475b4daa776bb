package dev.tollgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Functional tests of alternating rounds against two stub servers; small bounded loads, no performance figure. */
class InterleavedTest {

    private Vertx vertx;
    /** Which server answered, in the order the requests arrived. */
    private final ConcurrentLinkedQueue<String> arrivals = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void createVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void alternatesTheTwoTargetsRoundByRoundAndMergesEachTargetsRounds() throws Exception {
        URI a = serve("a");
        URI b = serve("b");

        List<LoadResult> results = Interleaved.run(spec(a), spec(b), 3);

        assertThat(switches(List.copyOf(arrivals))).containsExactly("a", "b", "a", "b", "a", "b");
        LoadResult first = results.get(0);
        LoadResult second = results.get(1);
        assertThat(first.spec().target()).isEqualTo(a);
        assertThat(second.spec().target()).isEqualTo(b);
        assertThat(first.measuredSeconds()).isEqualTo(0.6);
        assertThat(first.ok()).isPositive().isEqualTo(first.latency().count());
        assertThat(second.ok()).isPositive().isEqualTo(second.latency().count());
        long served = arrivals.stream().filter("a"::equals).count();
        assertThat(first.ok()).isLessThanOrEqualTo(served);
    }

    @Test
    void refusesTargetsMeasuredForDifferentDurations() throws Exception {
        URI a = serve("a");

        assertThatThrownBy(() -> Interleaved.run(spec(a), spec(a).withDuration(Duration.ofSeconds(1)), 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The servers in the order they took turns: consecutive arrivals at the same server collapse into one. */
    private static List<String> switches(List<String> arrivals) {
        List<String> turns = new java.util.ArrayList<>();
        for (String server : arrivals) {
            if (turns.isEmpty() || !turns.get(turns.size() - 1).equals(server)) {
                turns.add(server);
            }
        }
        return turns;
    }

    private URI serve(String name) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            arrivals.add(name);
            request.response().end("{}");
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/test");
    }

    private static LoadSpec spec(URI target) {
        return new LoadSpec(target, "POST", "{}".getBytes(), Map.of("content-type", "application/json"),
                LoadSpec.Mode.CLOSED, 2, 0, Duration.ofMillis(600), Duration.ofMillis(50), false, 1,
                Duration.ofSeconds(5), 1_000);
    }
}
