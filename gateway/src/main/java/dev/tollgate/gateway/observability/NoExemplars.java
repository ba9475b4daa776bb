package dev.tollgate.gateway.observability;

import io.prometheus.client.exemplars.ExemplarSampler;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * No exemplars on the Prometheus metrics. With Quarkus's OpenTelemetry extension on the class path, Quarkus gives the
 * Prometheus registry an exemplar sampler that looks up the current OpenTelemetry span (a context lookup and a few
 * {@code Optional}s) on every histogram observation: several per request, on the event loop, with tracing off as much
 * as on. No span is ever current there: the gateway builds its spans after the request, on the tracing thread
 * (docs/observability.md#tracing-with-opentelemetry), so the sampler could never find one. This alternative replaces
 * Quarkus's producer of the sampler with none.
 */
@Singleton
public class NoExemplars {

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Optional<ExemplarSampler> exemplarSampler() {
        return Optional.empty();
    }
}
