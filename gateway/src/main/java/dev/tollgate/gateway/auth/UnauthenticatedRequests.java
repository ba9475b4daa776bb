package dev.tollgate.gateway.auth;

import dev.tollgate.gateway.openai.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the requests refused before a key was accepted: a missing, unknown, revoked or expired key (401, counted
 * by {@code Authenticator}), oversized headers (431), a wrong method (405). Such a request has no exchange, so it reaches no other metric,
 * no access log line and no event; without this counter a flood of guessed keys would leave no trace.
 *
 * <p>Tagged by the stable error code and status only, never by the presented key or the client's address, so the
 * series stay bounded by the {@link ErrorCode} values.
 */
@Singleton
public class UnauthenticatedRequests {

    static final String NAME = "tollgate.requests.unauthenticated";

    private final MeterRegistry registry;
    private final Map<ErrorCode, Counter> counters = new ConcurrentHashMap<>();

    @Inject
    UnauthenticatedRequests(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one request refused with {@code code} before authentication succeeded. */
    public void refused(ErrorCode code) {
        counters.computeIfAbsent(code, c -> Counter.builder(NAME)
                .description("Requests refused before a key was accepted, by error code")
                .tag("error.type", c.code()).tag("http.response.status_code", Integer.toString(c.status()))
                .register(registry)).increment();
    }
}
