package dev.tollgate.streams.usage;

import java.time.Instant;
import java.util.UUID;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;

/** Plausible usage events for tests, to be adjusted through the builder. */
public final class UsageEvents {

    private UsageEvents() {
    }

    /** A successful request of {@code org}: 100 prompt + 20 completion tokens for 1,500 micro-dollars. */
    public static UsageEvent.Builder ok(String org, Instant completedAt) {
        return UsageEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestId("req-" + UUID.randomUUID())
                .setAttempt(1)
                .setOrgId(org)
                .setKeyId("key-1")
                .setModel("llama-3-8b")
                .setPromptTokens(100)
                .setCompletionTokens(20)
                .setTotalTokens(120)
                .setUsageSource(UsageSource.PROVIDER)
                .setCostMicros(1_500)
                .setStatus(RequestStatus.OK)
                .setHttpStatus(200)
                .setLatencyMs(250)
                .setStartedAt(completedAt.minusMillis(250))
                .setCompletedAt(completedAt);
    }

    /** A request of {@code org} the upstream failed: no tokens, no cost. */
    public static UsageEvent.Builder upstreamError(String org, Instant completedAt) {
        return ok(org, completedAt).setStatus(RequestStatus.UPSTREAM_ERROR).setHttpStatus(502)
                .setErrorCode("upstream_error").setPromptTokens(0).setCompletionTokens(0).setTotalTokens(0)
                .setCostMicros(0);
    }
}
