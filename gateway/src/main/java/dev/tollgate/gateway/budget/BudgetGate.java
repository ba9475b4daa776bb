package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.ratelimit.RateLimitConfig;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.EndpointRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The budget step of a proxied request, after the rate limits: reserves the request's worst-case cost on a spend
 * lease of every hard budget of its org, team and key ({@link BudgetBook}), settles it to the real cost when the
 * request ends, or answers 429 {@code budget_exceeded} naming the budget's scope and period (503
 * {@code budget_owner_unavailable} when the budget's owner did not answer and no lease covers the request).
 *
 * <p>It runs on the event loop and, when a lease covers the request, answers from memory: that is the common case,
 * since replicas fetch leases ahead of need. When none does, the request <b>waits</b> for the owner's answer, at most
 * {@code tollgate.budgets.lease-wait}, without blocking the event loop: it is parked on the budget and resumed on its
 * own event loop by the grant follower, or refused by a Vert.x timer. Soft budgets are only counted (by the streams
 * app); an org without budgets costs one map lookup.
 */
@Singleton
public class BudgetGate {

    /**
     * The largest reservation ($1 billion): far above any budget, so such a request is simply refused, and small
     * enough that thousands of them in flight cannot overflow a lease's sum.
     */
    static final long MAX_RESERVATION_MICROS = 1_000_000_000_000_000L;
    /** The status the client sees in the usage event when it left while its request waited for a lease. */
    private static final int CLIENT_CLOSED = 499;

    private final BudgetBook book;
    private final EndpointRegistry endpoints;
    private final boolean enabled;
    private final int promptBytesPerToken;
    private final long defaultMaxTokens;
    private final long waitNanos;
    private final Timer admittedAfterWait;
    private final Timer refusedAfterWait;

    @Inject
    BudgetGate(BudgetBook book, EndpointRegistry endpoints, BudgetConfig config, RateLimitConfig limits,
               MeterRegistry metrics) {
        this.book = book;
        this.endpoints = endpoints;
        this.enabled = config.enabled();
        this.promptBytesPerToken = Math.max(1, config.promptBytesPerToken());
        this.defaultMaxTokens = limits.defaultMaxTokens();
        this.waitNanos = config.leaseWait().toNanos();
        this.admittedAfterWait = waitTimer(metrics, "admitted");
        this.refusedAfterWait = waitTimer(metrics, "refused");
    }

    /**
     * Admits {@code request} and runs {@code proceed}, now or (after waiting for a lease) later on the same event
     * loop; or refuses it: the error has then been sent and the exchange finished as {@code REJECTED}, and
     * {@code proceed} never runs.
     */
    public void admit(RoutingContext ctx, Exchange exchange, ApiRequest request, Runnable proceed) {
        if (!enabled || !book.covers(exchange.principal())) {
            proceed.run();
            return;
        }
        new Admission(ctx, exchange, request, proceed, System.nanoTime()).attempt();
    }

    /** One request's way through the budget step, waits included. */
    private final class Admission implements BudgetAccount.Waiter {

        private final RoutingContext ctx;
        private final Exchange exchange;
        private final ApiRequest request;
        /** Priced on the first admission that meets a hard budget; soft budgets never price a request. */
        private long worstCase = -1;
        private final Runnable proceed;
        private final long startNanos;
        private final long deadlineNanos;
        private final AtomicBoolean waiting = new AtomicBoolean();
        private Context context;
        private BudgetAccount waitingOn;
        private long timer = -1;
        private boolean waited;

        Admission(RoutingContext ctx, Exchange exchange, ApiRequest request, Runnable proceed, long startNanos) {
            this.ctx = ctx;
            this.exchange = exchange;
            this.request = request;
            this.proceed = proceed;
            this.startNanos = startNanos;
            this.deadlineNanos = startNanos + waitNanos;
        }

        void attempt() {
            long nowNanos = System.nanoTime();
            BudgetBook.Outcome outcome = book.admit(exchange.principal(), this::worstCase, System.currentTimeMillis(),
                    nowNanos, !waited);
            if (outcome instanceof BudgetBook.Outcome.Admitted admitted) {
                admit(admitted, nowNanos);
            } else if (outcome instanceof BudgetBook.Outcome.Refused refused) {
                refuse(refused.refusal(), nowNanos);
            } else {
                BudgetBook.Outcome.Wait wait = (BudgetBook.Outcome.Wait) outcome;
                if (nowNanos >= deadlineNanos || Vertx.currentContext() == null) {
                    refuse(wait.account().refusalAfterWait(worstCase(), System.currentTimeMillis(), nowNanos,
                            startNanos), nowNanos);
                } else {
                    park(wait.account(), nowNanos);
                }
            }
        }

        private void admit(BudgetBook.Outcome.Admitted admitted, long nowNanos) {
            if (exchange.isFinished()) { // the client left while it waited: nothing will be spent
                admitted.release(nowNanos);
                return;
            }
            exchange.trace().span("budget", startNanos, nowNanos, true);
            record(admittedAfterWait, nowNanos);
            if (admitted != BudgetBook.Outcome.Admitted.NONE) {
                exchange.budgetLeases(admitted.leaseIds());
                exchange.whenFinished(done -> admitted.settle(done.outcome().costMicros(), System.nanoTime()));
            }
            proceed.run();
        }

        private long worstCase() {
            if (worstCase < 0) {
                worstCase = worstCaseMicros(request, ctx.body().length(), promptBytesPerToken, defaultMaxTokens,
                        endpoints.endpoints(request.model()));
            }
            return worstCase;
        }

        /** Waits on {@code account} for the owner's answer, until the deadline, without blocking the event loop. */
        private void park(BudgetAccount account, long nowNanos) {
            waited = true;
            context = Vertx.currentContext();
            waitingOn = account;
            waiting.set(true);
            account.await(this);
            long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - nowNanos));
            timer = context.owner().setTimer(remainingMs, id -> timedOut());
        }

        /** The owner answered: try again on the request's own event loop. Called on the grant follower's thread. */
        @Override
        public void wake() {
            if (waiting.compareAndSet(true, false)) {
                context.runOnContext(v -> {
                    context.owner().cancelTimer(timer);
                    resume();
                });
            }
        }

        private void timedOut() {
            if (waiting.compareAndSet(true, false)) {
                waitingOn.forget(this);
                if (!clientGone()) {
                    long nowNanos = System.nanoTime();
                    refuse(waitingOn.refusalAfterWait(worstCase(), System.currentTimeMillis(), nowNanos, startNanos),
                            nowNanos);
                }
            }
        }

        private void resume() {
            if (!clientGone()) {
                attempt();
            }
        }

        /** Whether the client left while the request waited; if so the request ends as cancelled, unbilled. */
        private boolean clientGone() {
            if (ctx.response().closed() && !exchange.isFinished()) {
                record(refusedAfterWait, System.nanoTime());
                exchange.finish(RequestStatus.CANCELLED, CLIENT_CLOSED, "client_closed", TokenUsage.NONE);
            }
            return exchange.isFinished();
        }

        private void refuse(Refusal refusal, long nowNanos) {
            exchange.trace().span("budget", startNanos, nowNanos, false);
            record(refusedAfterWait, nowNanos);
            ctx.response().putHeader("retry-after", Long.toString(BudgetMessages.retryAfterSeconds(refusal,
                    System.currentTimeMillis())));
            ErrorCode code = refusal.kind() == Refusal.Kind.OWNER_UNREACHABLE ? ErrorCode.BUDGET_OWNER_UNAVAILABLE
                    : ErrorCode.BUDGET_EXCEEDED;
            OpenAiError error = OpenAiError.of(code, BudgetMessages.refused(refusal));
            error.send(ctx.response());
            exchange.fail(error, RequestStatus.REJECTED);
        }

        private void record(Timer timer, long nowNanos) {
            if (waited) {
                timer.record(nowNanos - startNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private static Timer waitTimer(MeterRegistry metrics, String outcome) {
        return Timer.builder("tollgate.budget.lease.wait")
                .description("How long a request waited for a spend lease of a hard budget, until admitted or refused")
                .tag("outcome", outcome).publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(metrics);
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
