package dev.tollgate.streams.rollups;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.events.v1.UsageEvent;

/**
 * What a rollup needs of one usage event: its dimensions and measures. It is also the value of the endpoint
 * repartition topic, in the binary format of {@link RollupSampleSerde} (which still reads the former JSON under these
 * {@code @JsonProperty} names), which is why it is smaller than the event.
 *
 * @param orgId            the org
 * @param model            the model asked for
 * @param keyId            the API key's public id
 * @param endpointId       the endpoint that served it, or {@code null}
 * @param status           the {@code RequestStatus} name
 * @param httpStatus       the HTTP status the client received
 * @param promptTokens     prompt tokens
 * @param completionTokens completion tokens
 * @param costMicros       cost, integer micro-dollars
 * @param latencyMs        latency to the last byte
 * @param ttftMs           time to first token, or {@code null}
 */
public record RollupSample(
        @JsonProperty("org_id") String orgId,
        @JsonProperty("model") String model,
        @JsonProperty("key_id") String keyId,
        @JsonProperty("endpoint_id") String endpointId,
        @JsonProperty("status") String status,
        @JsonProperty("http_status") int httpStatus,
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("completion_tokens") long completionTokens,
        @JsonProperty("cost_micros") long costMicros,
        @JsonProperty("latency_ms") long latencyMs,
        @JsonProperty("ttft_ms") Long ttftMs) {

    /** The sample of {@code event}. */
    public static RollupSample of(UsageEvent event) {
        return new RollupSample(event.getOrgId(), event.getModel(), event.getKeyId(), event.getEndpointId(),
                event.getStatus().name(), event.getHttpStatus(), event.getPromptTokens(), event.getCompletionTokens(),
                event.getCostMicros(), event.getLatencyMs(), event.getTtftMs());
    }

    /** Whether the request failed: any status but {@code OK}. */
    public boolean isError() {
        return !"OK".equals(status);
    }
}
