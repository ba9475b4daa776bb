package dev.tollgate.streams.usage;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The JSON answer of {@code GET /v1/usage/orgs/{orgId}/totals}. Field names are the API contract, fixed here
 * rather than by the app's JSON settings.
 *
 * @param object           always {@code usage.totals}, in the manner of OpenAI objects
 * @param orgId            the org
 * @param requests         deduplicated usage events counted
 * @param errors           of those, the ones whose status is not {@code OK}
 * @param promptTokens     sum of prompt tokens
 * @param completionTokens sum of completion tokens
 * @param totalTokens      sum of total tokens
 * @param costMicros       sum of cost, integer micro-dollars
 * @param lastEventAt      the latest {@code completed_at} counted, ISO-8601 UTC
 */
public record OrgUsageTotalsView(
        @JsonProperty("object") String object,
        @JsonProperty("org_id") String orgId,
        @JsonProperty("requests") long requests,
        @JsonProperty("errors") long errors,
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("completion_tokens") long completionTokens,
        @JsonProperty("total_tokens") long totalTokens,
        @JsonProperty("cost_micros") long costMicros,
        @JsonProperty("last_event_at") String lastEventAt) {

    static final String OBJECT = "usage.totals";

    /** The view of the stored totals of {@code orgId}. */
    public static OrgUsageTotalsView of(String orgId, OrgUsageTotals totals) {
        return new OrgUsageTotalsView(OBJECT, orgId, totals.requests(), totals.errors(), totals.promptTokens(),
                totals.completionTokens(), totals.totalTokens(), totals.costMicros(),
                Instant.ofEpochMilli(totals.lastEventAtMs()).toString());
    }
}
