package dev.tollgate.gateway.events;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Price;
import java.net.URI;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class UsageRecorderTest {

    private static final Principal ACME = new Principal("key-1", "acme", "search", Set.of());
    private static final Endpoint ENDPOINT = new Endpoint("ep-1", "llama", URI.create("http://127.0.0.1:8000"),
            new Price(1_000_000, 2_000_000, 3));

    @Test
    void pricesTokensAtTheEndpointPriceAndRecordsItsVersion() {
        UsageEvent event = UsageRecorder.toEvent(outcome(ENDPOINT, new TokenUsage(1000, 500, 100, false),
                RequestStatus.OK, 200));

        assertThat(event.getCostMicros()).isEqualTo(2000); // 1000 × $1/M + 500 × $2/M
        assertThat(event.getPriceVersion()).isEqualTo(3);
        assertThat(event.getTotalTokens()).isEqualTo(1500);
        assertThat(event.getCachedTokens()).isEqualTo(100);
        assertThat(event.getUsageSource()).isEqualTo(UsageSource.PROVIDER);
        assertThat(event.getOrgId()).isEqualTo("acme");
        assertThat(event.getTeamId()).isEqualTo("search");
        assertThat(event.getEndpointId()).isEqualTo("ep-1");
    }

    @Test
    void aCacheHitCostsNothingAndRecordsTheCostItSaved() {
        UsageEvent event = UsageRecorder.toEvent(new UsageRecorder.Outcome("req-h", ACME, "llama", null, null, null,
                false, Instant.now(), 2, null, new TokenUsage(1000, 500, 0, false), RequestStatus.OK, 200, null, 1,
                null, true, 2000));

        assertThat(event.getCacheHit()).isTrue();
        assertThat(event.getCostMicros()).isZero();
        assertThat(event.getCostSavedMicros()).isEqualTo(2000);
        assertThat(event.getEndpointId()).isNull();
        assertThat(event.getTotalTokens()).isEqualTo(1500);
    }

    @Test
    void anAnswerFromAnEndpointIsNoCacheHit() {
        UsageEvent event = UsageRecorder.toEvent(outcome(ENDPOINT, new TokenUsage(10, 5, 0, false), RequestStatus.OK,
                200));

        assertThat(event.getCacheHit()).isFalse();
        assertThat(event.getCostSavedMicros()).isZero();
    }

    @Test
    void fillsEveryFieldOfTheUsageEventFromItsOwnSource() throws Exception {
        Instant start = Instant.parse("2026-11-22T10:00:00Z");
        UsageEvent event = UsageRecorder.toEvent(new UsageRecorder.Outcome("req-1", ACME, "llama", ENDPOINT,
                Environment.STAGING, "u", true, start, 42, 7L, new TokenUsage(1000, 500, 100, false),
                RequestStatus.UPSTREAM_ERROR, 502, "upstream_error", 3));

        assertThat(UsageEvent.fromByteBuffer(event.toByteBuffer())).isEqualTo(event); // every required field set
        assertThat(event.getEventId()).matches("[0-9a-f-]{36}");
        assertThat(event.getRequestId()).isEqualTo("req-1");
        assertThat(event.getAttempt()).isEqualTo(3);
        assertThat(event.getKeyId()).isEqualTo("key-1");
        assertThat(event.getUser()).isEqualTo("u");
        assertThat(event.getModel()).isEqualTo("llama");
        assertThat(event.getEnvironment()).isEqualTo("staging");
        assertThat(event.getPromptTokens()).isEqualTo(1000);
        assertThat(event.getCompletionTokens()).isEqualTo(500);
        assertThat(event.getStatus()).isEqualTo(RequestStatus.UPSTREAM_ERROR);
        assertThat(event.getHttpStatus()).isEqualTo(502);
        assertThat(event.getErrorCode()).isEqualTo("upstream_error");
        assertThat(event.getStreaming()).isTrue();
        assertThat(event.getLatencyMs()).isEqualTo(42);
        assertThat(event.getTtftMs()).isEqualTo(7L);
        assertThat(event.getStartedAt()).isEqualTo(start);
        assertThat(event.getCompletedAt()).isEqualTo(start.plusMillis(42));
    }

    @Test
    void leavesTheEnvironmentEmptyWhenTheRequestWasRefusedBeforeItWasRead() throws Exception {
        UsageEvent event = UsageRecorder.toEvent(new UsageRecorder.Outcome("req-3", ACME, null, null, null, null,
                false, Instant.parse("2026-11-22T10:00:00Z"), 1, null, TokenUsage.NONE, RequestStatus.CLIENT_ERROR,
                400, "invalid_request", 1));

        assertThat(UsageEvent.fromByteBuffer(event.toByteBuffer())).isEqualTo(event); // every required field set
        assertThat(event.getEnvironment()).isNull();
        assertThat(event.getModel()).isEmpty();
    }

    @Test
    void marksEstimatedUsage() {
        UsageEvent event = UsageRecorder.toEvent(outcome(ENDPOINT, new TokenUsage(10, 5, 0, true), RequestStatus.OK, 200));

        assertThat(event.getUsageSource()).isEqualTo(UsageSource.ESTIMATED);
    }

    @Test
    void recordsARejectionWithoutEndpointAtZeroCost() {
        UsageEvent event = UsageRecorder.toEvent(outcome(null, TokenUsage.NONE, RequestStatus.REJECTED, 403));

        assertThat(event.getCostMicros()).isZero();
        assertThat(event.getEndpointId()).isNull();
        assertThat(event.getPriceVersion()).isNull();
        assertThat(event.getHttpStatus()).isEqualTo(403);
    }

    @Test
    void givesEveryEventItsOwnId() {
        var outcome = outcome(ENDPOINT, TokenUsage.NONE, RequestStatus.OK, 200);

        assertThat(UsageRecorder.toEvent(outcome).getEventId()).isNotEqualTo(UsageRecorder.toEvent(outcome).getEventId());
    }

    @Test
    void stampsEveryEventWithItsProducerAndTheNextNumberOfThatProducersSequence() throws Exception {
        var outcome = outcome(ENDPOINT, TokenUsage.NONE, RequestStatus.OK, 200);
        ProducerStamp producer = new ProducerStamp("gateway-1");

        UsageEvent first = UsageRecorder.toEvent(outcome, producer);
        UsageEvent second = UsageRecorder.toEvent(outcome, producer);

        assertThat(first.getProducerId()).isEqualTo("gateway-1");
        assertThat(second.getProducerId()).isEqualTo("gateway-1");
        assertThat(first.getProducerSequence()).isEqualTo(1L);
        assertThat(second.getProducerSequence()).isEqualTo(2L);
        assertThat(UsageEvent.fromByteBuffer(second.toByteBuffer())).isEqualTo(second); // the stamp survives encoding
    }

    @Test
    void stampsEventsWithThisProcesssProducerIdAndARisingSequence() {
        var outcome = outcome(ENDPOINT, TokenUsage.NONE, RequestStatus.OK, 200);

        UsageEvent first = UsageRecorder.toEvent(outcome);
        UsageEvent second = UsageRecorder.toEvent(outcome);

        assertThat(first.getProducerId()).isEqualTo(ProducerStamp.PROCESS.producerId()).matches("[0-9a-f-]{36}");
        assertThat(second.getProducerSequence()).isGreaterThan(first.getProducerSequence());
    }

    @Test
    void recordsTheAttemptThatServedTheRequest() {
        var outcome = new UsageRecorder.Outcome("req-2", ACME, "llama", ENDPOINT, null, null, false,
                Instant.parse("2026-11-22T10:00:00Z"), 42, null, TokenUsage.NONE, RequestStatus.OK, 200, null, 2);

        assertThat(UsageRecorder.toEvent(outcome).getAttempt()).isEqualTo(2);
    }

    @Test
    void namesTheSpendLeaseOfEachHardBudgetTheRequestWasAdmittedUnder() {
        var outcome = new UsageRecorder.Outcome("req-3", ACME, "llama", ENDPOINT, null, null, false,
                Instant.parse("2026-11-22T10:00:00Z"), 42, null, TokenUsage.NONE, RequestStatus.OK, 200, null, 1,
                java.util.Map.of("b-org", "1763769600000-ask-1", "b-key", "1763769600000-ask-2"));

        assertThat(UsageRecorder.toEvent(outcome).getBudgetLeases())
                .containsEntry("b-org", "1763769600000-ask-1").containsEntry("b-key", "1763769600000-ask-2");
        assertThat(UsageRecorder.toEvent(outcome(ENDPOINT, TokenUsage.NONE, RequestStatus.OK, 200)).getBudgetLeases())
                .isNull();
    }

    private static UsageRecorder.Outcome outcome(Endpoint endpoint, TokenUsage usage, RequestStatus status, int http) {
        Instant start = Instant.parse("2026-11-22T10:00:00Z");
        return new UsageRecorder.Outcome("req-1", ACME, "llama", endpoint, Environment.STAGING, "u", false, start, 42, null, usage, status,
                http, null, 1);
    }
}
