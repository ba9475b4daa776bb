package dev.tollgate.gateway.routing;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Background checks of every registered endpoint, on Vert.x timers and a small HTTP client of their own, so a
 * saturated request pool never delays a check and a check never touches the hot path.
 *
 * <ul>
 *   <li>Every {@code tollgate.routing.health.interval}, {@code GET /health}; a 2xx within the timeout passes. The
 *       endpoint goes down after {@code unhealthy-threshold} failures in a row and comes back after
 *       {@code healthy-threshold} passes in a row. A check still running when the next is due is not doubled.
 *       Hosted OpenAI-compatible providers (OpenAI, Together, OpenRouter, Gemini, Ollama) have no {@code /health}:
 *       an endpoint with an upstream API key is checked with {@code GET /v1/models} carrying that key, and so is
 *       one whose {@code /health} answered 404, from then on.</li>
 *   <li>When {@code tollgate.routing.load-metrics.enabled}, or an {@link EndpointObserver} wants the load, every
 *       {@code load-metrics.interval}, {@code GET /metrics} of every endpoint that looks like vLLM (no upstream
 *       key, a {@code /health}): {@code vllm:num_requests_waiting} and {@code vllm:gpu_cache_usage_perc} (or its
 *       newer name {@code vllm:kv_cache_usage_perc}) become the endpoint's load penalty when routing uses it, and
 *       go to the observers. A failed scrape clears the penalty.</li>
 *   <li>Every flip of an endpoint up or down goes to every {@link EndpointObserver}.</li>
 *   <li>Each tick also drops the runtime state of endpoints that were removed from the registry.</li>
 * </ul>
 */
@ApplicationScoped
public class HealthChecker {

    private static final Logger LOG = Logger.getLogger(HealthChecker.class);
    private static final String HEALTH_PATH = "/health";
    private static final String MODELS_PATH = "/v1/models";

    private final Vertx vertx;
    private final EndpointRegistry registry;
    private final EndpointStates states;
    private final UpstreamCredentials credentials;
    private final List<EndpointObserver> observers;
    private final Set<String> withoutHealthPath = ConcurrentHashMap.newKeySet();
    private final RoutingConfig.Health health;
    private final RoutingConfig.LoadMetrics load;
    private HttpClient client;
    private long healthTimer = -1;
    private long loadTimer = -1;

    @Inject
    HealthChecker(Vertx vertx, EndpointRegistry registry, EndpointStates states, UpstreamCredentials credentials,
                  RoutingConfig config, Instance<EndpointObserver> observers) {
        this.vertx = vertx;
        this.observers = observers.stream().toList();
        this.registry = registry;
        this.states = states;
        this.credentials = credentials;
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
        boolean scrape = load.enabled() || observers.stream().anyMatch(EndpointObserver::wantsLoad);
        if (scrape) {
            loadTimer = vertx.setPeriodic(load.interval().toMillis(), id -> scrapeAll());
        }
        LOG.infof("routing health checks enabled=%s interval=%s load_metrics=%s scrape=%s", health.enabled(),
                health.interval(), load.enabled(), scrape);
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
        Set<String> ids = endpoints.stream().map(Endpoint::id).collect(Collectors.toSet());
        states.retainOnly(ids);
        withoutHealthPath.retainAll(ids);
        for (Endpoint endpoint : endpoints) {
            EndpointState state = states.of(endpoint);
            if (!state.startCheck()) {
                continue;
            }
            probe(endpoint).onComplete(result -> {
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
                    for (EndpointObserver observer : observers) {
                        observer.healthChanged(endpoint, passed, passed ? null : reason);
                    }
                }
            });
        }
    }

    /**
     * One health probe: {@code GET /health}, or {@code GET /v1/models} with the upstream key for a hosted provider
     * or a server that answered 404 on {@code /health}.
     */
    private Future<Answer> probe(Endpoint endpoint) {
        String authorization = credentials.authorization(endpoint.id());
        if (authorization != null || withoutHealthPath.contains(endpoint.id())) {
            return get(endpoint, MODELS_PATH, authorization);
        }
        return get(endpoint, HEALTH_PATH, null).compose(answer -> {
            if (answer.status() != 404) {
                return Future.succeededFuture(answer);
            }
            withoutHealthPath.add(endpoint.id());
            LOG.infof("endpoint has no %s, checking %s instead endpoint=%s", HEALTH_PATH, MODELS_PATH, endpoint.id());
            return get(endpoint, MODELS_PATH, null);
        });
    }

    private void scrapeAll() {
        for (Endpoint endpoint : registry.all()) {
            if (!servesVllmMetrics(endpoint)) {
                continue;
            }
            EndpointState state = states.of(endpoint);
            if (!state.startScrape()) {
                continue;
            }
            get(endpoint, "/metrics", null).onComplete(result -> {
                state.scrapeDone();
                if (result.succeeded() && result.result().status() == 200) {
                    VllmLoad sample = VllmLoad.parse(result.result().body().toString());
                    // The reading is kept for operators either way; it only weighs in routing with load metrics on.
                    state.loaded(sample, load.enabled() ? sample.penalty(load.waitingWeight(), load.kvCacheWeight())
                            : 0, System.currentTimeMillis());
                    for (EndpointObserver observer : observers) {
                        observer.loadSampled(endpoint, sample);
                    }
                } else {
                    state.loadUnknown();
                }
            });
        }
    }

    /** Hosted providers (with an upstream key) and servers without {@code /health} are not vLLM: not scraped. */
    private boolean servesVllmMetrics(Endpoint endpoint) {
        return credentials.authorization(endpoint.id()) == null && !withoutHealthPath.contains(endpoint.id());
    }

    private record Answer(int status, Buffer body) {
    }

    private Future<Answer> get(Endpoint endpoint, String path, String authorization) {
        long timeoutMs = health.timeout().toMillis();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(endpoint.base().getHost())
                .setPort(endpoint.port()).setSsl(endpoint.tls()).setURI(endpoint.path(path))
                .setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
        if (authorization != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        return client.request(options).compose(request -> request.send()
                .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body))));
    }
}
