package dev.tollgate.gateway.exchange;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.events.EvalMarking;
import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.Trace;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.openai.AnswerContent;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Environment;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One authenticated request, from the moment its key was accepted to its last byte. Whatever way it ends
 * (answered, rejected, upstream failure, client gone), {@link #finish} records exactly one usage event: the
 * first call wins and every later call is a no-op, which is what makes "one usage event per accepted request"
 * hold when completion and a disconnect race.
 *
 * <p>Why a package of its own: the inbound side creates it and records the parsed request, the admission gates
 * (rate limits, budgets) hang their settlement on {@link #whenFinished}, and the upstream side records the
 * attempt's progress. All three depend on it; it depends on none of them, so no feature depends on the proxy.
 */
public final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);

    private final UsageRecorder recorder;
    private final OpenAiApi api;
    private final String requestId;
    private final Principal principal;
    private final Instant startedAt = Instant.now();
    private final long startNanos;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ApiRequest request;
    private volatile Endpoint endpoint;
    private volatile Environment environment;
    private volatile long firstTokenNanos;
    private final Trace trace;
    private final List<Consumer<ExchangeFinished>> whenFinished = new CopyOnWriteArrayList<>();
    private volatile long upstreamStartNanos;
    private volatile String finishReason;
    private volatile String responseModel;
    private volatile Supplier<AnswerContent> output = ExchangeFinished.NO_OUTPUT;
    private volatile int attempt = 1;
    private volatile Map<String, String> budgetLeases;
    private volatile EvalMarking eval;
    private volatile AnswerTap answerTap = AnswerTap.NONE;
    private volatile boolean cacheHit;
    private volatile long costSavedMicros;
    private volatile Buffer bodyOverride;

    public Exchange(UsageRecorder recorder, OpenAiApi api, String requestId, Principal principal) {
        this(recorder, api, requestId, principal, Trace.start(null, System.nanoTime()));
    }

    public Exchange(UsageRecorder recorder, OpenAiApi api, String requestId, Principal principal, Trace trace) {
        this.recorder = recorder;
        this.api = api;
        this.requestId = requestId;
        this.principal = principal;
        this.trace = trace;
        this.startNanos = trace.startNanos();
    }

    /** The request's spans; steps add theirs as they end. */
    public Trace trace() {
        return trace;
    }

    /**
     * Runs {@code hook} once the request has ended, right after its events were recorded; used to settle what
     * was reserved for it (rate limits). Hooks run on the finishing thread and must not block.
     */
    public void whenFinished(Consumer<ExchangeFinished> hook) {
        whenFinished.add(hook);
    }

    /** The upstream call starts now: what follows counts as upstream time, not gateway overhead. */
    public void upstreamStarted() {
        upstreamStartNanos = System.nanoTime();
    }

    /** The connection to the upstream was opened, or could not be. */
    public void upstreamConnected(boolean ok) {
        trace.span("upstream_connect", upstreamStartNanos, System.nanoTime(), ok);
    }

    /**
     * What the upstream answered: its finish reason, the model it named (or null) and, for content capture only,
     * its text and tool calls.
     */
    public void answered(String finishReason, String responseModel, Supplier<AnswerContent> output) {
        this.finishReason = finishReason;
        this.responseModel = responseModel;
        this.output = output;
    }

    /** The API the request was sent to. */
    public OpenAiApi api() {
        return api;
    }

    public String requestId() {
        return requestId;
    }

    public Principal principal() {
        return principal;
    }

    public void request(ApiRequest request) {
        this.request = request;
    }

    /** How the request's headers marked it for evaluation (inbound side); recorded on its request event. */
    public void eval(EvalMarking marking) {
        this.eval = marking;
    }

    /** The environment the request asked for (its header, else its key's); recorded on its events. */
    public void environment(Environment environment) {
        this.environment = environment;
    }

    public void endpoint(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** The endpoint serving the request, or null before one was chosen (or when none will be). */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** Who sees a successful answer as it is relayed (the response cache); {@link AnswerTap#NONE} by default. */
    public void answerTap(AnswerTap tap) {
        this.answerTap = tap;
    }

    public AnswerTap answerTap() {
        return answerTap;
    }

    /**
     * The request was answered from the response cache: its usage event costs nothing and records what the cached
     * answer cost when it was generated.
     */
    public void cacheHit(long costSavedMicros) {
        this.cacheHit = true;
        this.costSavedMicros = costSavedMicros;
    }

    /**
     * The body to send upstream instead of the client's, when a feature took a gateway-only field out of it (the
     * cache directive); null to send the client's bytes as they came.
     */
    public void bodyOverride(Buffer body) {
        this.bodyOverride = body;
    }

    public Buffer bodyOverride() {
        return bodyOverride;
    }

    /**
     * The spend lease of each hard budget the request was admitted under (budget id to lease id), set by the budget
     * gate; its usage event names them, so that each budget's owner settles the lease against the real cost.
     */
    public void budgetLeases(Map<String, String> leases) {
        this.budgetLeases = leases;
    }

    /** The number of the attempt now serving the request: 1 for the first endpoint tried, 2 for the first retry. */
    public void attempt(int number) {
        this.attempt = number;
    }

    public void firstToken() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
            trace.span("first_token", upstreamStartNanos == 0 ? startNanos : upstreamStartNanos, firstTokenNanos,
                    true);
        }
    }

    /** Whether the usage event has been recorded. */
    public boolean isFinished() {
        return finished.get();
    }

    /** Ends a request the gateway refused or could not serve, with the error the client received. */
    public void fail(OpenAiError error, RequestStatus status) {
        finish(status, error.code().status(), error.code().code(), TokenUsage.NONE);
    }

    /** Ends the request; only the first call records. */
    public void finish(RequestStatus status, int httpStatus, String errorCode, TokenUsage usage) {
        finish(status, httpStatus, errorCode, usage, null);
    }

    /**
     * Ends the request whose answer's last bytes {@code answer} writes: its usage event is recorded (and journaled)
     * first, then {@code answer} runs, then the rest of the bookkeeping. So a client never holds a complete answer
     * whose usage event a crash of the gateway could lose (docs/events.md). Only the first call records; a later one
     * only runs {@code answer}.
     *
     * @param answer writes the end of the answer, on this thread; null when it was written already
     */
    public void finish(RequestStatus status, int httpStatus, String errorCode, TokenUsage usage, Runnable answer) {
        if (!finished.compareAndSet(false, true)) {
            if (answer != null) {
                answer.run();
            }
            return;
        }
        long now = System.nanoTime();
        ApiRequest r = request;
        Long ttft = firstTokenNanos == 0 ? null : TimeUnit.NANOSECONDS.toMillis(firstTokenNanos - startNanos);
        long upstreamNanos = 0;
        if (upstreamStartNanos != 0) {
            upstreamNanos = now - upstreamStartNanos;
            trace.span("complete", upstreamStartNanos, now, status == RequestStatus.OK);
        }
        UsageRecorder.Outcome outcome = new UsageRecorder.Outcome(requestId, principal, r == null ? null : r.model(),
                endpoint, environment, r == null ? null : r.user(), r != null && r.stream(), startedAt,
                TimeUnit.NANOSECONDS.toMillis(now - startNanos), ttft, usage, status, httpStatus, errorCode, attempt,
                budgetLeases, cacheHit, costSavedMicros);
        ExchangeFinished done = new ExchangeFinished(outcome, api, r, trace, finishReason, responseModel, output,
                upstreamNanos, eval);
        recorder.record(done, answer);
        for (Consumer<ExchangeFinished> hook : whenFinished) {
            try {
                hook.accept(done);
            } catch (RuntimeException e) {
                LOG.errorf(e, "finish hook failed request_id=%s", requestId);
            }
        }
    }
}
