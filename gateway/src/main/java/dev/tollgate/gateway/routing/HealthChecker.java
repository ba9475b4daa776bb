package dev.tollgate.gateway.routing;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Background checks of every registered endpoint, on Vert.x timers and a small HTTP client of their own, so a
 * saturated request pool never delays a check and a check never touches the hot path.
 *
 * <ul>
 *   <li>Every {@code tollgate.routing.health.interval}, {@code GET /health}; a 2xx within the timeout passes. The
 *       endpoint goes down after {@code unhealthy-threshold} failures in a row and comes back after
 *       {@code healthy-threshold} passes in a row. A check still running when the next is due is not doubled.</li>
 *   <li>When {@code tollgate.routing.load-metrics.enabled}, every {@code load-metrics.interval},
 *       {@code GET /metrics}: {@code vllm:num_requests_waiting} and {@code vllm:gpu_cache_usage_perc} (or its newer
 *       name {@code vllm:kv_cache_usage_perc}) become the endpoint's load penalty. A failed scrape clears it.</li>
 *   <li>Each tick also drops the runtime state of endpoints that were removed from the registry.</li>
 * </ul>
 */
@ApplicationScoped
public class HealthChecker {

    private static final Logger LOG = Logger.getLogger(HealthChecker.class);

    private final Vertx vertx;
    private final EndpointRegistry registry;
    private final EndpointStates states;
    private final RoutingConfig.Health health;
    private final RoutingConfig.LoadMetrics load;
    private HttpClient client;
    private long healthTimer = -1;
    private long loadTimer = -1;

    @Inject
    HealthChecker(Vertx vertx, EndpointRegistry registry, EndpointStates states, RoutingConfig config) {
        this.vertx = vertx;
        this.registry = registry;
        this.states = states;
        this.health = config.health();
        this.load = config.loadMetrics();
    }

    void start(@Observes StartupEvent ignored) {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                        .setConnectTimeout((int) health.timeout().toMillis()),
                new PoolOptions().setHttp1MaxSize(2));
        if (health.enabled()) {
            healthTimer = vertx.setPeriodic(health.interval().toMillis(), id -> checkAll());
        }
        if (load.enabled()) {
            loadTimer = vertx.setPeriodic(load.interval().toMillis(), id -> scrapeAll());
        }
        LOG.infof("routing health checks enabled=%s interval=%s load_metrics=%s", health.enabled(),
                health.interval(), load.enabled());
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(healthTimer);
        vertx.cancelTimer(loadTimer);
        if (client != null) {
            client.close();
        }
    }

    /** Runs one round of health checks now; the timer calls it, and so can an admin action. */
    public void checkAll() {
        List<Endpoint> endpoints = registry.all();
        states.retainOnly(endpoints.stream().map(Endpoint::id).collect(Collectors.toSet()));
        for (Endpoint endpoint : endpoints) {
            EndpointState state = states.of(endpoint);
            if (!state.startCheck()) {
                continue;
            }
            get(endpoint, "/health").onComplete(result -> {
                boolean passed = result.succeeded() && result.result().status() / 100 == 2;
                if (state.checked(passed, health.healthyThreshold(), health.unhealthyThreshold())) {
                    String reason = result.succeeded() ? "status_" + result.result().status()
                            : String.valueOf(result.cause().getMessage());
                    if (passed) {
                        LOG.infof("endpoint up endpoint=%s model=%s", endpoint.id(), endpoint.model());
                    } else {
                        LOG.warnf("endpoint down endpoint=%s model=%s reason=%s", endpoint.id(), endpoint.model(),
                                reason);
                    }
                }
            });
        }
    }

    private void scrapeAll() {
        for (Endpoint endpoint : registry.all()) {
            EndpointState state = states.of(endpoint);
            if (!state.startScrape()) {
                continue;
            }
            get(endpoint, "/metrics").onComplete(result -> {
                state.scrapeDone();
                if (result.succeeded() && result.result().status() == 200) {
                    VllmLoad sample = VllmLoad.parse(result.result().body().toString());
                    state.loadPenalty(sample.penalty(load.waitingWeight(), load.kvCacheWeight()));
                } else {
                    state.loadPenalty(0);
                }
            });
        }
    }

    private record Answer(int status, Buffer body) {
    }

    private Future<Answer> get(Endpoint endpoint, String path) {
        long timeoutMs = health.timeout().toMillis();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(endpoint.base().getHost())
                .setPort(endpoint.port()).setSsl(endpoint.tls()).setURI(endpoint.path(path))
                .setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
        return client.request(options).compose(request -> request.send()
                .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body))));
    }
}
