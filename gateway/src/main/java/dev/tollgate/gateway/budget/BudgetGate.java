package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.ratelimit.RateLimitConfig;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.EndpointRegistry;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The budget step of a proxied request, after the rate limits: reserves the request's worst-case cost on every
 * budget of its org, team and key ({@link BudgetBook}), settles it to the real cost when the request ends, or
 * answers 429 {@code budget_exceeded} naming the budget's scope and period. Runs on the event loop and reads
 * memory only; an org without budgets costs one map lookup.
 */
@Singleton
public class BudgetGate {

    /**
     * The largest reservation ($1 billion): far above any budget, so such a request is simply refused, and small
     * enough that thousands of them in flight cannot overflow a ledger's sum.
     */
    static final long MAX_RESERVATION_MICROS = 1_000_000_000_000_000L;

    private final BudgetBook book;
    private final EndpointRegistry endpoints;
    private final boolean enabled;
    private final int promptBytesPerToken;
    private final long defaultMaxTokens;

    @Inject
    BudgetGate(BudgetBook book, EndpointRegistry endpoints, BudgetConfig config, RateLimitConfig limits) {
        this.book = book;
        this.endpoints = endpoints;
        this.enabled = config.enabled();
        this.promptBytesPerToken = Math.max(1, config.promptBytesPerToken());
        this.defaultMaxTokens = limits.defaultMaxTokens();
    }

    /**
     * Admits {@code request} or refuses it. When refused, the 429 has been sent and the exchange finished as
     * {@code REJECTED}; the caller stops.
     *
     * @return true when the request may go ahead
     */
    public boolean admit(RoutingContext ctx, Exchange exchange, ApiRequest request) {
        if (!enabled || !book.covers(exchange.principal())) {
            return true;
        }
        long start = System.nanoTime();
        long bodyBytes = ctx.body().length();
        BudgetBook.Admission admission = book.admit(exchange.principal(), () -> worstCaseMicros(request, bodyBytes,
                promptBytesPerToken, defaultMaxTokens, endpoints.endpoints(request.model())), System.currentTimeMillis());
        exchange.trace().span("budget", start, System.nanoTime(), admission.admitted());
        if (admission.admitted()) {
            if (admission != BudgetBook.Admission.NONE) {
                exchange.whenFinished(done -> admission.settle(done.outcome().completedAt().toEpochMilli(),
                        done.outcome().costMicros(), System.currentTimeMillis()));
            }
            return true;
        }
        BudgetLedger.Refusal refusal = admission.refusal();
        ctx.response().putHeader("retry-after", Long.toString(BudgetMessages.retryAfterSeconds(refusal,
                System.currentTimeMillis())));
        OpenAiError error = OpenAiError.of(ErrorCode.BUDGET_EXCEEDED, BudgetMessages.refused(refusal));
        error.send(ctx.response());
        exchange.fail(error, RequestStatus.REJECTED);
        return false;
    }

    /**
     * The most {@code request} can cost on any endpoint of its model: its prompt, at most one token per
     * {@code promptBytesPerToken} body bytes, plus the most it may generate ({@code max_completion_tokens} or
     * {@code max_tokens}, else the default, times {@code n}), at the dearest endpoint's prices, since routing
     * has not chosen one yet.
     */
    static long worstCaseMicros(ApiRequest request, long bodyBytes, int promptBytesPerToken, long defaultMaxTokens,
                                List<Endpoint> candidates) {
        try {
            return Math.min(MAX_RESERVATION_MICROS, priced(request, bodyBytes, promptBytesPerToken, defaultMaxTokens,
                    candidates));
        } catch (ArithmeticException overflow) {
            return MAX_RESERVATION_MICROS;
        }
    }

    private static long priced(ApiRequest request, long bodyBytes, int promptBytesPerToken, long defaultMaxTokens,
                               List<Endpoint> candidates) {
        long promptTokens = -Math.floorDiv(-bodyBytes, (long) promptBytesPerToken);
        long outputTokens = request.maxOutputTokens(defaultMaxTokens);
        long worst = 0;
        for (Endpoint endpoint : candidates) {
            worst = Math.max(worst, endpoint.price().costMicros(promptTokens, outputTokens));
        }
        return worst;
    }
}
