package dev.tollgate.gateway.routing;

import dev.tollgate.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoints of each model, in memory. The hot path asks it for an endpoint; it never waits on anything.
 */
@ApplicationScoped
public class EndpointRegistry {

    private final Map<String, List<Endpoint>> byModel = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    @Inject
    EndpointRegistry(GatewayConfig config) {
        config.bootstrap().endpoints().forEach(e -> register(new Endpoint(e.id(), e.model(), URI.create(e.url()),
                new Price(e.inputPricePerMillionMicros(), e.outputPricePerMillionMicros(), e.priceVersion()))));
    }

    /** Adds an endpoint; it serves requests from now on. */
    public void register(Endpoint endpoint) {
        byModel.merge(endpoint.model(), List.of(endpoint), (a, b) -> {
            var merged = new java.util.ArrayList<>(a);
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
        boolean[] removed = {false};
        for (String model : List.copyOf(byModel.keySet())) {
            byModel.computeIfPresent(model, (m, endpoints) -> {
                if (endpoints.stream().noneMatch(e -> e.id().equals(id))) {
                    return endpoints;
                }
                removed[0] = true;
                List<Endpoint> left = endpoints.stream().filter(e -> !e.id().equals(id)).toList();
                return left.isEmpty() ? null : left;
            });
        }
        return removed[0];
    }

    /** Whether any endpoint serves {@code model}. */
    public boolean knows(String model) {
        return byModel.containsKey(model);
    }

    /** An endpoint of {@code model}, spreading load round-robin; empty when the model is unknown. */
    public Optional<Endpoint> pick(String model) {
        List<Endpoint> endpoints = byModel.get(model);
        if (endpoints == null || endpoints.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(endpoints.get(Math.floorMod(next.getAndIncrement(), endpoints.size())));
    }

    /** Every registered model. */
    public List<String> models() {
        return byModel.keySet().stream().sorted().toList();
    }
}
