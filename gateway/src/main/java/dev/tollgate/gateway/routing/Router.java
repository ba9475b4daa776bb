package dev.tollgate.gateway.routing;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Chooses the endpoint of each attempt. Among the endpoints of the requested model and environment that are up
 * and whose breaker admits a request, it prefers those the request has not tried yet, and picks one by weighted
 * power of two choices on outstanding requests ({@link PowerOfTwoChoices}). Reads memory only; never blocks.
 */
@Singleton
public class Router {

    /** The outcome of {@link #select}. */
    public sealed interface Selection permits Chosen, NotServed, NoneRoutable {
    }

    /** An endpoint was chosen; the caller must settle the lease. */
    public record Chosen(Lease lease) implements Selection {
    }

    /** No endpoint of the model is registered in the environment. */
    public record NotServed() implements Selection {
    }

    /** Endpoints exist, but none is up with a breaker that admits a request. */
    public record NoneRoutable() implements Selection {
    }

    private final EndpointRegistry registry;
    private final EndpointStates states;
    private final Supplier<RandomGenerator> random;
    private final RetryPolicy retryPolicy;
    private final Duration defaultTimeout;
    private final Map<String, Duration> timeouts;

    @Inject
    Router(EndpointRegistry registry, EndpointStates states, RoutingConfig config,
           UpstreamConfig upstream) {
        this(registry, states, ThreadLocalRandom::current, new RetryPolicy(config.retries().maxRetries()),
                upstream.requestTimeout(), config.requestTimeouts());
    }

    Router(EndpointRegistry registry, EndpointStates states, Supplier<RandomGenerator> random,
           RetryPolicy retryPolicy, Duration defaultTimeout, Map<String, Duration> timeouts) {
        this.registry = registry;
        this.states = states;
        this.random = random;
        this.retryPolicy = retryPolicy;
        this.defaultTimeout = defaultTimeout;
        this.timeouts = Map.copyOf(timeouts);
    }

    /**
     * Chooses an endpoint for one attempt and counts it as outstanding there.
     *
     * @param model       the model asked for
     * @param environment the request's environment
     * @param tried       ids of endpoints this request already tried; they are chosen again only when no other
     *                    endpoint is routable
     */
    public Selection select(String model, Environment environment, Collection<String> tried) {
        List<Endpoint> served = new ArrayList<>();
        for (Endpoint e : registry.endpoints(model)) {
            if (e.environment() == environment) {
                served.add(e);
            }
        }
        if (served.isEmpty()) {
            return new NotServed();
        }
        List<Endpoint> routable = new ArrayList<>(served.size());
        List<Endpoint> fresh = new ArrayList<>(served.size());
        for (Endpoint e : served) {
            if (states.of(e).routable()) {
                routable.add(e);
                if (!tried.contains(e.id())) {
                    fresh.add(e);
                }
            }
        }
        List<Endpoint> pool = fresh.isEmpty() ? routable : fresh;
        while (!pool.isEmpty()) {
            Endpoint chosen = PowerOfTwoChoices.choose(pool, Endpoint::weight, e -> states.of(e).load(),
                    random.get());
            EndpointState state = states.of(chosen);
            CircuitBreaker.Permit permit = state.breaker().acquire();
            if (permit != CircuitBreaker.Permit.DENIED) {
                return new Chosen(new Lease(chosen, state, permit));
            }
            // Another request took the half-open probe between the check and the choice.
            pool = new ArrayList<>(pool);
            pool.remove(chosen);
        }
        return new NoneRoutable();
    }

    /** The retry policy every request follows. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Time allowed for one attempt on an endpoint of {@code model}. */
    public Duration requestTimeout(String model) {
        return timeouts.getOrDefault(model, defaultTimeout);
    }

    /** Health, breaker and load of every registered endpoint, for the admin API; sorted by model, then id. */
    public List<EndpointHealth> health() {
        return registry.all().stream()
                .sorted(java.util.Comparator.comparing(Endpoint::model).thenComparing(Endpoint::id))
                .map(e -> {
                    EndpointState s = states.of(e);
                    return new EndpointHealth(e.id(), e.model(), e.environment(), e.base().toString(), e.weight(),
                            s.up(), s.breaker().state(), s.outstanding(), s.dispatched(), s.loadPenalty(),
                            s.routable(), s.vllm());
                }).toList();
    }
}
