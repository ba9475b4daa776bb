package dev.tollgate.gateway.console;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.events.v1.UsageEvent;
import java.time.Instant;

/**
 * One request as the live feed shows it: the billing record's numbers and ids, never content. The usage event has
 * no prompt or completion text; its {@code user} field (an end-user id the client chose) is left out too, since it
 * may identify a person and the console does not need it.
 *
 * @param eventId          the usage event's id, unique per request
 * @param requestId        the request id
 * @param completedAt      when the request ended
 * @param orgId            the key's org
 * @param teamId           the key's team, or null
 * @param keyId            the key's public id
 * @param model            the model asked for
 * @param endpointId       the endpoint that served it, or null
 * @param environment      the environment it was routed in, or null
 * @param status           OK, CLIENT_ERROR, UPSTREAM_ERROR, REJECTED or CANCELLED
 * @param httpStatus       the status the client got
 * @param errorCode        the stable error code, or null
 * @param streaming        whether it was streamed
 * @param latencyMs        received to last byte
 * @param ttftMs           received to first token, or null
 * @param promptTokens     prompt tokens
 * @param completionTokens completion tokens
 * @param costMicros       what it cost, in micro-dollars
 * @param usageSource      PROVIDER or ESTIMATED
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LiveUsage(String eventId, String requestId, Instant completedAt, String orgId, String teamId, String keyId,
                        String model, String endpointId, String environment, String status, int httpStatus,
                        String errorCode, boolean streaming, long latencyMs, Long ttftMs, long promptTokens,
                        long completionTokens, long costMicros, String usageSource) {

    static LiveUsage of(UsageEvent e) {
        return new LiveUsage(e.getEventId(), e.getRequestId(), e.getCompletedAt(), e.getOrgId(), e.getTeamId(),
                e.getKeyId(), e.getModel(), e.getEndpointId(), e.getEnvironment(), e.getStatus().name(),
                e.getHttpStatus(), e.getErrorCode(), e.getStreaming(), e.getLatencyMs(), e.getTtftMs(),
                e.getPromptTokens(), e.getCompletionTokens(), e.getCostMicros(), e.getUsageSource().name());
    }
}
