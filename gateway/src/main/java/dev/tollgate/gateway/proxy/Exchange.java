package dev.tollgate.gateway.proxy;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.events.TokenUsage;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.openai.ChatRequest;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.routing.Endpoint;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One authenticated request, from the moment its key was accepted to its last byte. Whatever way it ends
 * (answered, rejected, upstream failure, client gone), {@link #finish} records exactly one usage event: the
 * first call wins and every later call is a no-op, which is what makes "one usage event per accepted request"
 * hold when completion and a disconnect race.
 */
public final class Exchange {

    private final UsageRecorder recorder;
    private final String requestId;
    private final Principal principal;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ChatRequest request;
    private volatile Endpoint endpoint;
    private volatile long firstTokenNanos;
    private volatile int attempt = 1;

    Exchange(UsageRecorder recorder, String requestId, Principal principal) {
        this.recorder = recorder;
        this.requestId = requestId;
        this.principal = principal;
    }

    public String requestId() {
        return requestId;
    }

    public Principal principal() {
        return principal;
    }

    void request(ChatRequest request) {
        this.request = request;
    }

    void endpoint(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** The number of the attempt now serving the request: 1 for the first endpoint tried, 2 for the first retry. */
    void attempt(int number) {
        this.attempt = number;
    }

    void firstToken() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
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
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        long now = System.nanoTime();
        ChatRequest r = request;
        Long ttft = firstTokenNanos == 0 ? null : TimeUnit.NANOSECONDS.toMillis(firstTokenNanos - startNanos);
        recorder.record(new UsageRecorder.Outcome(requestId, principal, r == null ? null : r.model(), endpoint,
                r == null ? null : r.user(), r != null && r.stream(), startedAt,
                TimeUnit.NANOSECONDS.toMillis(now - startNanos), ttft, usage, status, httpStatus, errorCode, attempt));
    }
}
