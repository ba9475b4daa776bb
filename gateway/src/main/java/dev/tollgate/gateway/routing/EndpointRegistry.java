package dev.tollgate.gateway.routing;

import dev.tollgate.gateway.config.BootstrapConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The endpoints of each model, in memory: what is registered, not how it behaves. The hot path reads it through
 * {@link Router}; it never waits on anything. Endpoints may be added and removed at any time; the runtime state
 * of an endpoint ({@link EndpointStates}) follows within one health-check interval.
 */
@Singleton
public class EndpointRegistry {

    private final Map<String, List<Endpoint>> byModel = new ConcurrentHashMap<>();

    /** An empty registry, for tests that register endpoints themselves. */
    EndpointRegistry() {
    }

    @Inject
    EndpointRegistry(BootstrapConfig bootstrap) {
        bootstrap.endpoints().forEach(e -> register(new Endpoint(e.id(), e.model(), URI.create(e.url()),
                new Price(e.inputPricePerMillionMicros(), e.outputPricePerMillionMicros(), e.priceVersion()),
                e.weight(), Environment.parse(e.environment()).orElseThrow(() -> new IllegalArgumentException(
                        "endpoint " + e.id() + ": environment must be development, staging or production, not "
                                + e.environment())))));
    }

    /**
     * Adds an endpoint, or replaces the one with the same id; it serves requests from now on. Replacing it under the
     * same model is one atomic step, so a request never finds the model briefly unknown (a re-published endpoint,
     * e.g. after its secret was re-wrapped, loses no request).
     */
    public void register(Endpoint endpoint) {
        for (String model : List.copyOf(byModel.keySet())) {
            if (!model.equals(endpoint.model())) {
                removeFrom(model, endpoint.id());
            }
        }
        byModel.merge(endpoint.model(), List.of(endpoint), (a, b) -> {
            var merged = new ArrayList<>(a);
            merged.removeIf(e -> e.id().equals(endpoint.id()));
            merged.addAll(b);
            return List.copyOf(merged);
        });
    }

    /**
     * Stops routing to the endpoint {@code id}, whatever its model; requests already sent to it finish. A model
     * left without endpoints becomes unknown (404).
     *
     * @return whether an endpoint was removed
     */
    public boolean remove(String id) {
        boolean removed = false;
        for (String model : List.copyOf(byModel.keySet())) {
            removed |= removeFrom(model, id);
        }
        return removed;
    }

    private boolean removeFrom(String model, String id) {
        boolean[] removed = {false};
        byModel.computeIfPresent(model, (m, endpoints) -> {
            if (endpoints.stream().noneMatch(e -> e.id().equals(id))) {
                return endpoints;
            }
            removed[0] = true;
            List<Endpoint> left = endpoints.stream().filter(e -> !e.id().equals(id)).toList();
            return left.isEmpty() ? null : left;
        });
        return removed[0];
    }

    /** Whether any endpoint serves {@code model}. */
    public boolean knows(String model) {
        return byModel.containsKey(model);
    }

    /** Every endpoint of {@code model}, in any environment and state; empty when the model is unknown. */
    public List<Endpoint> endpoints(String model) {
        return byModel.getOrDefault(model, List.of());
    }

    /** Every registered endpoint. */
    public List<Endpoint> all() {
        return byModel.values().stream().flatMap(List::stream).toList();
    }

    /** Every registered model. */
    public List<String> models() {
        return byModel.keySet().stream().sorted().toList();
    }
}
