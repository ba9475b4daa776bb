package dev.tollgate.gateway.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Price;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetGateTest {

    private static final Endpoint CHEAP = endpoint("cheap", 1_000_000, 2_000_000);
    private static final Endpoint DEAR = endpoint("dear", 3_000_000, 4_000_000);

    @Test
    void reservesThePromptBytesAndMaxTokensAtTheDearestEndpoint() {
        ApiRequest request = chat(100L, 1);

        long micros = BudgetGate.worstCaseMicros(request, 1_000, 1, 4096, List.of(CHEAP, DEAR));

        // 1,000 prompt tokens at $3/M plus 100 output tokens at $4/M
        assertThat(micros).isEqualTo(3_000 + 400);
    }

    @Test
    void reservesTheDefaultMaxTokensForEveryChoiceWhenNoneIsGiven() {
        ApiRequest request = chat(null, 3);

        long micros = BudgetGate.worstCaseMicros(request, 0, 1, 1_000, List.of(CHEAP));

        assertThat(micros).isEqualTo(3 * 1_000 * 2);
    }

    @Test
    void reservesOnlyThePromptOfAnEmbedding() {
        ApiRequest request = new ApiRequest(OpenAiApi.EMBEDDINGS, JsonNodeFactory.instance.objectNode(), "m", false,
                false, null, null, 1);

        assertThat(BudgetGate.worstCaseMicros(request, 400, 4, 4096, List.of(CHEAP))).isEqualTo(100);
    }

    @Test
    void anAbsurdMaxTokensReservesTheCapInsteadOfOverflowing() {
        ApiRequest request = chat(Long.MAX_VALUE / 2, 8);

        assertThat(BudgetGate.worstCaseMicros(request, 10, 1, 4096, List.of(DEAR)))
                .isEqualTo(BudgetGate.MAX_RESERVATION_MICROS);
    }

    @Test
    void aRefusalNamesTheScopeThePeriodAndWhenItResets() {
        Budget budget = new Budget("b_1", BudgetScopeType.TEAM, "research", "acme", 10_000_000, BudgetPeriod.MONTHLY,
                ZoneOffset.UTC, BudgetEnforcement.HARD, 1);
        long start = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
        long end = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
        var refusal = new Refusal(budget, new dev.tollgate.schemas.CalendarPeriods.Window(start, end),
                Refusal.Kind.SPENT, 10_000_120, 0, 50);

        assertThat(BudgetMessages.refused(refusal))
                .isEqualTo("Budget exceeded for team 'research' (budget b_1): the monthly budget of $10.000000 for "
                        + "the period 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z (Z) is spent ($10.000120 used). "
                        + "It resets at 2026-12-01T00:00:00Z.");
        assertThat(BudgetMessages.retryAfterSeconds(refusal, end - 1_500)).isEqualTo(2);
    }

    @Test
    void aRefusalByRequestsInFlightSaysHowMuchTheyHold() {
        Budget budget = new Budget("b_1", BudgetScopeType.KEY, "key_1", "acme", 1_000, BudgetPeriod.DAILY,
                ZoneOffset.UTC, BudgetEnforcement.HARD, 1);
        var refusal = new Refusal(budget, new dev.tollgate.schemas.CalendarPeriods.Window(0, 86_400_000),
                Refusal.Kind.HELD, 400, 500, 200);

        assertThat(BudgetMessages.refused(refusal)).contains("key 'key_1'").contains("daily")
                .contains("has $0.000600 left, of which requests in flight and spend leases of gateway replicas hold "
                        + "$0.000500")
                .contains("may cost up to $0.000200");
        assertThat(BudgetMessages.retryAfterSeconds(refusal, 0)).isEqualTo(1);
    }

    @Test
    void aRefusalWithNothingInFlightPointsToTheEndOfThePeriod() {
        Budget budget = new Budget("b_1", BudgetScopeType.ORG, "acme", "acme", 1_000, BudgetPeriod.DAILY,
                ZoneOffset.UTC, BudgetEnforcement.HARD, 1);
        var refusal = new Refusal(budget, new dev.tollgate.schemas.CalendarPeriods.Window(0, 86_400_000),
                Refusal.Kind.TOO_LARGE, 990, 0, 69);

        assertThat(BudgetMessages.refused(refusal)).contains("has $0.000010 left, less than this request may cost "
                + "(up to $0.000069). Lower max_tokens; the budget resets at 1970-01-02T00:00:00Z.");
        assertThat(BudgetMessages.retryAfterSeconds(refusal, 86_400_000 - 10_000)).isEqualTo(10);
    }

    @Test
    void aRefusalForAnUnreachableOwnerSaysHardBudgetsFailClosedAndToRetrySoon() {
        Budget budget = new Budget("b_1", BudgetScopeType.ORG, "acme", "acme", 1_000, BudgetPeriod.DAILY,
                ZoneOffset.UTC, BudgetEnforcement.HARD, 1);
        var refusal = new Refusal(budget, new dev.tollgate.schemas.CalendarPeriods.Window(0, 86_400_000),
                Refusal.Kind.OWNER_UNREACHABLE, 0, 0, 69);

        assertThat(BudgetMessages.refused(refusal)).contains("org 'acme' (budget b_1)")
                .contains("holds no spend lease that covers this request (up to $0.000069)")
                .contains("Hard budgets fail closed");
        assertThat(BudgetMessages.retryAfterSeconds(refusal, 0)).isEqualTo(1);
        assertThat(dev.tollgate.gateway.openai.ErrorCode.BUDGET_OWNER_UNAVAILABLE.status()).isEqualTo(503);
        assertThat(dev.tollgate.gateway.openai.ErrorCode.BUDGET_OWNER_UNAVAILABLE.code())
                .isEqualTo("budget_owner_unavailable");
    }

    private static ApiRequest chat(Long maxTokens, int n) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("n", n);
        return new ApiRequest(OpenAiApi.CHAT_COMPLETIONS, body, "m", false, false, maxTokens, null, 1);
    }

    private static Endpoint endpoint(String id, long input, long output) {
        return new Endpoint(id, "m", URI.create("http://localhost:1"), new Price(input, output, 1), 1,
                Environment.PRODUCTION);
    }
}
