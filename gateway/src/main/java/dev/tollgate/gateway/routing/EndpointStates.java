package dev.tollgate.gateway.routing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The runtime state of every endpoint, keyed by endpoint id, created the first time an endpoint is seen and
 * dropped once it is no longer registered. Each state is published as Micrometer gauges tagged with the endpoint
 * and model: {@code tollgate.endpoint.up} (1 or 0), {@code tollgate.endpoint.outstanding},
 * {@code tollgate.endpoint.breaker.state} (0 closed, 1 half-open, 2 open) and
 * {@code tollgate.endpoint.load.penalty}.
 */
@Singleton
public class EndpointStates {

    private final Map<String, Entry> states = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final CircuitBreaker.Settings breakerSettings;
    private final LongSupplier nanoClock;

    private record Entry(EndpointState state, List<Meter> meters) {
    }

    @Inject
    EndpointStates(MeterRegistry meters, RoutingConfig config) {
        this(meters, CircuitBreaker.Settings.of(config.breaker()), System::nanoTime);
    }

    EndpointStates(MeterRegistry meters, CircuitBreaker.Settings breakerSettings, LongSupplier nanoClock) {
        this.meters = meters;
        this.breakerSettings = breakerSettings;
        this.nanoClock = nanoClock;
    }

    /** The state of {@code endpoint}, created (closed breaker, up) on first use. */
    public EndpointState of(Endpoint endpoint) {
        Entry entry = states.get(endpoint.id());
        return entry != null ? entry.state() : states.computeIfAbsent(endpoint.id(), id -> create(endpoint)).state();
    }

    /** Drops the state of every endpoint whose id is not in {@code registered}, with its gauges. */
    void retainOnly(Set<String> registered) {
        states.keySet().removeIf(id -> {
            if (registered.contains(id)) {
                return false;
            }
            states.get(id).meters().forEach(meters::remove);
            return true;
        });
    }

    private Entry create(Endpoint endpoint) {
        EndpointState state = new EndpointState(endpoint.id(), new CircuitBreaker(breakerSettings, nanoClock));
        Tags tags = Tags.of("endpoint", endpoint.id(), "model", endpoint.model());
        List<Meter> gauges = List.of(
                Gauge.builder("tollgate.endpoint.up", state, s -> s.up() ? 1 : 0).tags(tags)
                        .description("1 when the endpoint's health checks pass").register(meters),
                Gauge.builder("tollgate.endpoint.outstanding", state, EndpointState::outstanding).tags(tags)
                        .description("requests in flight on the endpoint").register(meters),
                Gauge.builder("tollgate.endpoint.breaker.state", state, s -> switch (s.breaker().state()) {
                    case CLOSED -> 0;
                    case HALF_OPEN -> 1;
                    case OPEN -> 2;
                }).tags(tags).description("0 closed, 1 half-open, 2 open").register(meters),
                Gauge.builder("tollgate.endpoint.load.penalty", state, EndpointState::loadPenalty).tags(tags)
                        .description("load from the endpoint's own metrics, in outstanding requests")
                        .register(meters));
        return new Entry(state, gauges);
    }
}
