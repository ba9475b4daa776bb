package dev.tollgate.gateway.ratelimit;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.TokenEstimator;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The rate-limit step of a proxied request (chat, completions, embeddings): charges it against its key's and org's limits, puts the
 * {@code x-ratelimit-*} headers on the answer, and either lets it through (settling its tokens when it ends)
 * or answers 429 {@code rate_limit_exceeded} with {@code retry-after}. Runs on the event loop; never blocks.
 *
 * <p>Once a minute a background thread drops the buckets that have refilled ({@link RateLimiter#evictFull}), so
 * memory follows the keys in use, not every key ever seen; {@code tollgate.ratelimit.buckets} shows how many are
 * held.
 */
@Singleton
public class RateLimitGate {

    private static final Logger LOG = Logger.getLogger(RateLimitGate.class);
    /** How often full buckets are dropped; a bucket refills within a minute of its last charge. */
    private static final long SWEEP_SECONDS = 60;

    private final RateLimiter limiter;
    private final boolean enabled;
    private final long defaultMaxTokens;
    private final ScheduledExecutorService sweeper;

    @Inject
    RateLimitGate(RateLimitConfig config, MeterRegistry metrics) {
        this.enabled = config.enabled();
        this.defaultMaxTokens = config.defaultMaxTokens();
        RateLimiter.Limits orgDefault = limits(config.orgDefault());
        Map<String, RateLimiter.Limits> orgs = new HashMap<>();
        config.orgs().forEach((org, limits) -> orgs.put(org, limits(limits)));
        this.limiter = new RateLimiter(new RateLimiter.Policy(config.replicaShare(),
                org -> orgs.getOrDefault(org, orgDefault)), System::nanoTime);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tollgate-ratelimit-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        metrics.gauge("tollgate.ratelimit.buckets", limiter, RateLimiter::bucketCount);
    }

    private void sweep() {
        try {
            int evicted = limiter.evictFull();
            LOG.debugf("event=ratelimit_buckets_swept evicted=%d held=%d", evicted, limiter.bucketCount());
        } catch (RuntimeException e) {
            LOG.warnf(e, "event=ratelimit_sweep_failed");
        }
    }

    @PreDestroy
    void close() {
        sweeper.shutdownNow();
    }

    /**
     * Admits {@code request} or refuses it. When refused, the 429 has been sent and the exchange finished as
     * {@code REJECTED}; the caller stops.
     *
     * @return true when the request may go ahead
     */
    public boolean admit(RoutingContext ctx, Exchange exchange, ApiRequest request) {
        if (!enabled) {
            return true;
        }
        long start = System.nanoTime();
        long tokens = reservedTokens(request, defaultMaxTokens);
        RateLimiter.Decision decision = limiter.admit(exchange.principal(), tokens);
        decision.quota().applyTo(ctx.response());
        boolean admitted = decision instanceof RateLimiter.Admitted;
        exchange.trace().span("rate_limit", start, System.nanoTime(), admitted,
                Map.of("tollgate.ratelimit.reserved_tokens", Long.toString(tokens)));
        if (decision instanceof RateLimiter.Admitted ok) {
            exchange.whenFinished(done -> limiter.settle(ok.admission(), done.outcome().usage().totalTokens()));
            return true;
        }
        RateLimiter.Limited limited = (RateLimiter.Limited) decision;
        OpenAiError error = OpenAiError.of(limited.kind() == RateLimiter.Kind.REQUESTS ? ErrorCode.RATE_LIMIT_REQUESTS
                : ErrorCode.RATE_LIMIT_TOKENS, message(exchange.principal(), limited));
        ctx.response().putHeader("retry-after", Long.toString(Durations.retryAfterSeconds(limited.retryAfterNanos())));
        error.send(ctx.response());
        exchange.fail(error, RequestStatus.REJECTED);
        return false;
    }

    /**
     * Puts the current {@code x-ratelimit-*} values on a response without charging anything, so that answers
     * refused before the rate-limit step (malformed body, model not allowed) carry them too.
     */
    public void quote(RoutingContext ctx, Principal principal) {
        if (enabled) {
            limiter.peek(principal).applyTo(ctx.response());
        }
    }

    /** The limiter, for tests and for the admin API to inspect. */
    public RateLimiter limiter() {
        return limiter;
    }

    /**
     * Tokens charged up front. Chat and text completions: the most the request may generate
     * ({@code max_completion_tokens} or {@code max_tokens}, else the configured default) times the number of
     * choices; their prompt tokens are charged at settlement, when the upstream has counted them, since
     * estimating them here would tokenize every prompt on the event loop. Embeddings generate nothing, so their
     * charge is the estimated input itself (bounded by the body limit), settled to the upstream's count.
     */
    static long reservedTokens(ApiRequest request, long defaultMaxTokens) {
        if (request.api() == OpenAiApi.EMBEDDINGS) {
            return Math.max(1, TokenEstimator.promptTokens(request));
        }
        return request.maxOutputTokens(defaultMaxTokens);
    }

    /** OpenAI's wording, naming the scope (key or org) and the kind (requests or tokens). */
    static String message(Principal principal, RateLimiter.Limited limited) {
        boolean key = limited.scope() == RateLimiter.Scope.KEY;
        String who = key ? "API key " + principal.keyId() : "organization " + principal.orgId();
        String what = limited.kind() == RateLimiter.Kind.REQUESTS ? "requests per min (RPM)" : "tokens per min (TPM)";
        String advice = limited.requested() > limited.limit()
                ? " The request is larger than the limit; lower max_tokens or ask for a higher limit."
                : " Please try again in " + Durations.openAi(limited.retryAfterNanos()) + ".";
        return "Rate limit reached for " + who + " on " + what + ": Limit " + limited.limit() + ", Requested "
                + limited.requested() + "." + advice;
    }

    private static RateLimiter.Limits limits(RateLimitConfig.Limits configured) {
        return new RateLimiter.Limits(configured.rpm().isPresent() ? configured.rpm().getAsLong() : null,
                configured.tpm().isPresent() ? configured.tpm().getAsLong() : null);
    }
}
