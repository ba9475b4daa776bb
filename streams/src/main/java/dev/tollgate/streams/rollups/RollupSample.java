package dev.tollgate.streams.rollups;


import dev.tollgate.events.v1.UsageEvent;

/**
 * What a rollup needs of one usage event: its dimensions and measures. It lives only in memory, between the usage
 * stream and the aggregating processors of the same task; the endpoint rollups receive {@link RollupPartial}s.
 *
 * @param orgId            the org
 * @param model            the model asked for
 * @param keyId            the API key's public id
 * @param teamId           the team (or project) of the key within the org, or {@code null} when the key has none
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
        String orgId,
        String model,
        String keyId,
        String teamId,
        String endpointId,
        String status,
        int httpStatus,
        long promptTokens,
        long completionTokens,
        long costMicros,
        long latencyMs,
        Long ttftMs) {

    /** The sample of {@code event}. */
    public static RollupSample of(UsageEvent event) {
        return new RollupSample(event.getOrgId(), event.getModel(), event.getKeyId(), event.getTeamId(),
                event.getEndpointId(),
                event.getStatus().name(), event.getHttpStatus(), event.getPromptTokens(), event.getCompletionTokens(),
                event.getCostMicros(), event.getLatencyMs(), event.getTtftMs());
    }

    /** Whether the request failed: any status but {@code OK}. */
    public boolean isError() {
        return !"OK".equals(status);
    }
}
