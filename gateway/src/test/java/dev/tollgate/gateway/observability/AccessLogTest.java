package dev.tollgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.Trace;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.openai.AnswerContent;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.openai.TokenUsage;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void logsIdsOutcomeAndTimingsButNeverContent() throws Exception {
        ObjectNode body = (ObjectNode) RequestParser.MAPPER.readTree(
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"my password is hunter2\"}]}");
        ApiRequest request = new ApiRequest(OpenAiApi.CHAT_COMPLETIONS, body, "llama", true, false, null, null, 1);
        UsageRecorder.Outcome outcome = new UsageRecorder.Outcome("req-9", new Principal("key-1", "acme", null,
                Set.of()), "llama", null, null, null, true, Instant.now(), 120, 30L, new TokenUsage(12, 7, 0, false),
                RequestStatus.REJECTED, 429, "rate_limit_exceeded", 1);

        String line = AccessLog.line(new ExchangeFinished(outcome, OpenAiApi.CHAT_COMPLETIONS, request, Trace.start(null, System.nanoTime()),
                "stop", () -> AnswerContent.text("the reply text"), 0));

        assertThat(line).contains("request_id=req-9", "org=acme", "key_id=key-1", "model=llama", "status=429",
                "outcome=REJECTED", "code=rate_limit_exceeded", "latency_ms=120", "ttft_ms=30", "tokens_in=12",
                "tokens_out=7");
        assertThat(line).doesNotContain("hunter2").doesNotContain("the reply text");
    }
}
