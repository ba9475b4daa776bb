package dev.tollgate.streams.usage;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;

/**
 * The running usage totals of one org, as kept in the totals store and its changelog topic. The JSON field names
 * are a storage contract (the changelog outlives any one version of the app): add fields, never rename them.
 *
 * @param requests         deduplicated usage events counted
 * @param errors           of those, the ones whose status is not {@code OK}
 * @param promptTokens     sum of {@code prompt_tokens}
 * @param completionTokens sum of {@code completion_tokens}
 * @param totalTokens      sum of {@code total_tokens}
 * @param costMicros       sum of {@code cost_micros}, integer micro-dollars
 * @param lastEventAtMs    the latest {@code completed_at} seen, epoch milliseconds; 0 before the first event
 */
public record OrgUsageTotals(
        @JsonProperty("requests") long requests,
        @JsonProperty("errors") long errors,
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("completion_tokens") long completionTokens,
        @JsonProperty("total_tokens") long totalTokens,
        @JsonProperty("cost_micros") long costMicros,
        @JsonProperty("last_event_at_ms") long lastEventAtMs) {

    /** Totals before any event. */
    public static OrgUsageTotals empty() {
        return new OrgUsageTotals(0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * These totals plus one event. Sums of validated (non-negative) values; a {@code long} of micro-dollars
     * overflows only past nine trillion dollars.
     */
    public OrgUsageTotals add(UsageEvent event) {
        return new OrgUsageTotals(
                requests + 1,
                errors + (event.getStatus() == RequestStatus.OK ? 0 : 1),
                promptTokens + event.getPromptTokens(),
                completionTokens + event.getCompletionTokens(),
                totalTokens + event.getTotalTokens(),
                costMicros + event.getCostMicros(),
                Math.max(lastEventAtMs, event.getCompletedAt().toEpochMilli()));
    }
}
