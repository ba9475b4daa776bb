package dev.tollgate.gateway.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.policy.GatewayPolicies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The response cache on the request path (docs/cache.md): after the rate limits, before the budgets. A hit is
 * answered here with the cached bytes, and its usage event costs nothing; a miss that may be stored goes on to the
 * endpoint with a {@link CacheRecorder} on its exchange, which keeps the answer if it ends well. Runs on the event
 * loop; a lookup is a SHA-256 of the canonical body and one Caffeine read.
 *
 * <p>The response says what happened in {@code x-tollgate-cache-status}: {@code hit}, {@code miss} (stored if it
 * ends well), {@code refresh} ({@code no-cache}: not read, stored), {@code bypass} ({@code no-store}) or
 * {@code ineligible} (a policy asked, but the request samples or calls tools); absent when the cache is off for the
 * request.
 */
@Singleton
public class CacheFront {

    static final String STATUS_HEADER = "x-tollgate-cache-status";

    /** What the cache did for a request. */
    enum Result { HIT, MISS, REFRESH, BYPASS, INELIGIBLE }

    private final CacheConfig config;
    private final ResponseCache cache;
    private final GatewayPolicies policies;
    private final Map<Result, Counter> counters = new EnumMap<>(Result.class);

    @Inject
    CacheFront(CacheConfig config, ResponseCache cache, GatewayPolicies policies, MeterRegistry meters) {
        this.config = config;
        this.cache = cache;
        this.policies = policies;
        if (config.defaultTtl().isNegative() || config.defaultTtl().isZero() || config.maxTtl().isNegative()
                || config.maxTtl().isZero() || config.maxEntryBytes() < 1 || config.maxBytes() < 1) {
            throw new IllegalArgumentException("tollgate.cache.default-ttl, max-ttl, max-bytes and max-entry-bytes "
                    + "must be positive");
        }
        for (Result result : Result.values()) {
            counters.put(result, Counter.builder("tollgate.cache.requests")
                    .description("Requests the response cache saw, by what it did").tag("result",
                            result.name().toLowerCase()).register(meters));
        }
    }

    /**
     * Answers {@code request} from the cache when it may and can, or prepares the exchange to store its answer.
     * Also takes the {@code tollgate_cache} field out of the body, so that the endpoint never sees it.
     *
     * @return true when the request was answered here (a hit, or a 400 for a malformed directive)
     */
    public boolean answer(RoutingContext ctx, Exchange exchange, ApiRequest request) {
        CacheDirective directive;
        try {
            directive = directive(ctx, exchange, request);
        } catch (CacheDirective.Invalid invalid) {
            OpenAiError error = new OpenAiError(ErrorCode.INVALID_REQUEST, invalid.getMessage(),
                    CacheDirective.HEADER);
            error.send(ctx.response());
            exchange.fail(error, RequestStatus.CLIENT_ERROR);
            return true;
        }
        if (!config.enabled()) {
            return false;
        }
        String org = exchange.principal().orgId();
        String keyId = exchange.principal().keyId();
        if (directive.noStore()) {
            mark(ctx, Result.BYPASS);
            return false;
        }
        if (!directive.optIn() && !Boolean.TRUE.equals(policies.cacheEnabled(org, keyId))) {
            return false;
        }
        if (!directive.optIn() && Eligibility.whyNot(request) != null) {
            mark(ctx, Result.INELIGIBLE);
            return false;
        }
        long start = System.nanoTime();
        CacheKey key = CacheKey.of(org, request.model(), request.api(), request.body());
        CachedAnswer hit = directive.noCache() ? null : cache.get(key);
        exchange.trace().span("cache_lookup", start, System.nanoTime(), true,
                Map.of("tollgate.cache.hit", Boolean.toString(hit != null)));
        if (hit != null) {
            mark(ctx, Result.HIT);
            replay(ctx, exchange, hit);
            return true;
        }
        mark(ctx, directive.noCache() ? Result.REFRESH : Result.MISS);
        exchange.answerTap(new CacheRecorder(cache, key, ttlNanos(directive, org, keyId), config.maxEntryBytes(),
                exchange));
        return false;
    }

    /** The request's directive: its header, else its body field, which is taken out of the body either way. */
    private static CacheDirective directive(RoutingContext ctx, Exchange exchange, ApiRequest request)
            throws CacheDirective.Invalid {
        JsonNode field = request.body().remove(CacheDirective.FIELD);
        if (field != null) {
            exchange.bodyOverride(serialize(request));
        }
        String header = ctx.request().getHeader(CacheDirective.HEADER);
        if (header != null) {
            return CacheDirective.parse(header);
        }
        if (field == null || field.isNull()) {
            return CacheDirective.NONE;
        }
        if (!field.isTextual()) {
            throw new CacheDirective.Invalid("'" + CacheDirective.FIELD + "' must be a string such as \"on\", "
                    + "\"ttl=600\", \"no-cache\" or \"no-store\".");
        }
        return CacheDirective.parse(field.asText());
    }

    private static Buffer serialize(ApiRequest request) {
        try {
            return Buffer.buffer(RequestParser.MAPPER.writeValueAsBytes(request.body()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed body always serializes", e);
        }
    }

    private long ttlNanos(CacheDirective directive, String org, String keyId) {
        Long seconds = directive.ttlSeconds() != null ? directive.ttlSeconds() : policies.cacheTtlSeconds(org, keyId);
        long nanos = seconds == null ? config.defaultTtl().toNanos() : TimeUnit.SECONDS.toNanos(seconds);
        return Math.min(nanos, config.maxTtl().toNanos());
    }

    private void mark(RoutingContext ctx, Result result) {
        counters.get(result).increment();
        ctx.response().putHeader(STATUS_HEADER, result.name().toLowerCase());
    }

    /**
     * Answers with the cached bytes: a whole answer in one write, a stream as the writes it was received in. The usage
     * event is journaled before the last bytes go out, as for an answer from an endpoint.
     */
    private static void replay(RoutingContext ctx, Exchange exchange, CachedAnswer hit) {
        HttpServerResponse response = ctx.response();
        exchange.cacheHit(hit.costMicros());
        exchange.upstreamStarted();
        if (hit instanceof CachedAnswer.Stream stream) {
            replayStream(response, exchange, stream);
            return;
        }
        CachedAnswer.Whole whole = (CachedAnswer.Whole) hit;
        exchange.finish(RequestStatus.OK, 200, null, whole.usage(), () -> {
            if (!response.closed()) {
                response.setStatusCode(200).putHeader("content-type", whole.contentType())
                        .end(Buffer.buffer(whole.body()));
            }
        });
    }

    private static void replayStream(HttpServerResponse response, Exchange exchange, CachedAnswer.Stream stream) {
        List<byte[]> chunks = stream.chunks();
        response.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache");
        for (int i = 0; i < chunks.size() - 1 && !response.closed(); i++) {
            response.write(Buffer.buffer(chunks.get(i)));
        }
        exchange.firstToken();
        byte[] last = chunks.isEmpty() ? new byte[0] : chunks.get(chunks.size() - 1);
        exchange.finish(RequestStatus.OK, 200, null, stream.usage(), () -> {
            if (!response.closed()) {
                response.end(Buffer.buffer(last));
            }
        });
    }
}
