package dev.tollgate.gateway.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.RequestParams;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.Span;
import dev.tollgate.events.v1.SpanStatus;
import dev.tollgate.events.v1.TraceEvent;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.openai.AnswerContent;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Price;
import java.net.URI;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class ExchangeEventsTest {

    private static final Principal ACME = new Principal("key-1", "acme", "search", Set.of());
    private static final Endpoint ENDPOINT = new Endpoint("ep-1", "llama", URI.create("http://127.0.0.1:8000"),
            new Price(1, 1, 1));
    private static final String BODY = "{\"model\":\"llama\",\"temperature\":0.2,\"top_p\":0.9,\"n\":1,\"seed\":7,"
            + "\"max_tokens\":64,\"response_format\":{\"type\":\"json_object\"},\"tools\":[{},{}],"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"secret plan\"}]}]}";

    @Test
    void summarisesTheParametersWithoutContentWhenCaptureIsOff() {
        RequestEvent event = requestEvent(finished(Trace.start(null, System.nanoTime())), false);

        assertThat(event.getRequestId()).isEqualTo("req-1");
        assertThat(event.getOrgId()).isEqualTo("acme");
        assertThat(event.getStatus()).isEqualTo(RequestStatus.OK);
        assertThat(event.getFinishReason()).isEqualTo("stop");
        assertThat(event.getEndpointId()).isEqualTo("ep-1");
        assertThat(event.getParams().getTemperature()).isEqualTo(0.2);
        assertThat(event.getParams().getTopP()).isEqualTo(0.9);
        assertThat(event.getParams().getSeed()).isEqualTo(7L);
        assertThat(event.getParams().getMaxTokens()).isEqualTo(64L);
        assertThat(event.getParams().getMessageCount()).isEqualTo(2);
        assertThat(event.getParams().getToolCount()).isEqualTo(2);
        assertThat(event.getParams().getResponseFormat()).isEqualTo("json_object");
        assertThat(event.getContent()).isNull();
        assertThat(event.toString()).doesNotContain("secret plan").doesNotContain("be brief");
    }

    @Test
    void fillsEveryFieldOfTheRequestEventFromItsOwnSource() throws Exception {
        RequestEvent event = requestEvent(finished(Trace.start(null, System.nanoTime())), false);

        assertThat(RequestEvent.fromByteBuffer(event.toByteBuffer())).isEqualTo(event); // every required field set
        assertThat(event.getEventId()).matches("[0-9a-f-]{36}");
        assertThat(event.getKeyId()).isEqualTo("key-1");
        assertThat(event.getTeamId()).isEqualTo("search");
        assertThat(event.getModel()).isEqualTo("llama");
        assertThat(event.getEnvironment()).isEqualTo("staging");
        assertThat(event.getApi()).isEqualTo("chat.completions");
        assertThat(event.getHttpStatus()).isEqualTo(200);
        assertThat(event.getErrorCode()).isNull();
        assertThat(event.getReceivedAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(event.getCompletedAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00.042Z"));
        assertThat(event.getParams().getUser()).isEqualTo("u-1");
        assertThat(event.getParams().getN()).isEqualTo(1);
        assertThat(event.getParams().getStream()).isFalse();
    }

    @Test
    void buildsTheSameRequestEventFromAnExchangeStrippedOfItsBody() {
        ExchangeFinished finished = finished(Trace.start(null, System.nanoTime()));
        ExchangeFinished kept = finished.withoutContent();

        assertThat(kept.request()).isNull();
        assertThat(kept.output().get()).isEqualTo(AnswerContent.NONE);
        assertThat(kept.outcome()).isSameAs(finished.outcome());
        assertThat(kept.trace()).isSameAs(finished.trace());
        RequestEvent fromStripped = ExchangeEvents.requestEvent(kept, ParamsSummary.of(finished.request()), false);
        RequestEvent fromWhole = requestEvent(finished, false);
        fromStripped.setEventId(fromWhole.getEventId());
        assertThat(fromStripped).isEqualTo(fromWhole);
        assertThat(fromStripped.getParams().getMessageCount()).isPositive();
    }

    @Test
    void redactsCapturedContentBeforeTheEventIsBuiltWhole() {
        ExchangeFinished finished = finished(Trace.start(null, System.nanoTime()));
        finished.request().body().withArray("messages").addObject().put("role", "user")
                .put("content", "write to jane@example.com");

        RequestEvent event = ExchangeEvents.requestEvent(finished, ParamsSummary.of(finished.request()), true,
                dev.tollgate.gateway.redaction.Redactor.ALL);

        assertThat(event.getContent().getInputMessages()).extracting(m -> m.getContent())
                .contains("write to [EMAIL]");
    }

    @Test
    void capturesMessagesAndOutputWhenTheOrgHasCaptureOn() {
        RequestEvent event = requestEvent(finished(Trace.start(null, System.nanoTime())), true);

        assertThat(event.getContent().getInputMessages()).extracting(m -> m.getRole() + ":" + m.getContent())
                .containsExactly("system:be brief", "user:secret plan");
        assertThat(event.getContent().getOutputText()).isEqualTo("the answer");
    }

    @Test
    void capturesTextPromptsOfACompletionUnderTheirFieldNameAndNamesItsApi() {
        ExchangeFinished completion = finished(OpenAiApi.COMPLETIONS,
                "{\"model\":\"llama\",\"prompt\":[\"first prompt\",\"second prompt\"]}");

        RequestEvent event = requestEvent(completion, true);
        TraceEvent trace = ExchangeEvents.traceEvent(completion);

        assertThat(event.getApi()).isEqualTo("completions");
        assertThat(event.getContent().getInputMessages()).extracting(m -> m.getRole() + ":" + m.getContent())
                .containsExactly("prompt:first prompt", "prompt:second prompt");
        assertThat(trace.getSpans().get(0).getName()).isEqualTo("text_completion");
        assertThat(trace.getSpans().get(0).getAttributes()).containsEntry("gen_ai.operation.name", "text_completion");
    }

    @Test
    void leavesTokenIdInputsOutOfCapturedContent() {
        RequestEvent event = requestEvent(finished(OpenAiApi.EMBEDDINGS,
                "{\"model\":\"llama\",\"input\":[[1,2,3]]}"), true);

        assertThat(event.getApi()).isEqualTo("embeddings");
        assertThat(event.getContent().getInputMessages()).isEmpty();
    }

    @Test
    void buildsARootSpanWithEveryStepAsItsChildInTheCallersTrace() {
        long start = System.nanoTime();
        Trace trace = Trace.start("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", start);
        trace.span("auth", start, start + 1_000, true);
        trace.span("rate_limit", start + 1_000, start + 2_000, true);
        trace.span("upstream_connect", start + 3_000, start + 9_000, false);

        TraceEvent event = ExchangeEvents.traceEvent(finished(trace));

        assertThat(event.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(event.getRequestId()).isEqualTo("req-1");
        Span root = event.getSpans().get(0);
        assertThat(root.getName()).isEqualTo("chat");
        assertThat(root.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(root.getAttributes()).containsEntry("gen_ai.request.model", "llama");
        assertThat(event.getSpans().subList(1, 4)).allSatisfy(s -> {
            assertThat(s.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(s.getSpanId()).matches("[0-9a-f]{16}");
            assertThat(s.getEndTime()).isAfterOrEqualTo(s.getStartTime());
            assertThat(s.getStartTime()).isAfterOrEqualTo(root.getStartTime());
        });
        assertThat(event.getSpans().stream().map(Span::getName).collect(Collectors.toList()))
                .containsExactly("chat", "auth", "rate_limit", "upstream_connect");
        assertThat(event.getSpans().get(3).getStatus()).isEqualTo(SpanStatus.ERROR);
        assertThat(event.getSpans().get(2).getEndTime().toEpochMilli() * 1000
                - event.getSpans().get(2).getStartTime().toEpochMilli() * 1000).isLessThan(1000);
    }

    @Test
    void summarisesTheParametersOfARequestWhoseBodyWasNeverReadAsTheSchemaDefaults() {
        assertThat(ParamsSummary.of(null).toAvro()).isEqualTo(RequestParams.newBuilder().build());
    }

    /** The request event as the publisher builds it, parameters summarised from the exchange's own body. */
    private static RequestEvent requestEvent(ExchangeFinished finished, boolean capture) {
        return ExchangeEvents.requestEvent(finished, ParamsSummary.of(finished.request()), capture);
    }

    private static ExchangeFinished finished(OpenAiApi api, String json) {
        try {
            ObjectNode body = (ObjectNode) RequestParser.MAPPER.readTree(json);
            ApiRequest request = new ApiRequest(api, body, "llama", false, false, null, null, 1);
            UsageRecorder.Outcome outcome = new UsageRecorder.Outcome("req-2", ACME, "llama", ENDPOINT, null, null,
                    false, Instant.parse("2026-11-22T10:00:00Z"), 42, null, new TokenUsage(10, 0, 0, false), RequestStatus.OK,
                    200, null, 1);
            return new ExchangeFinished(outcome, api, request, Trace.start(null, System.nanoTime()), "stop",
                    () -> AnswerContent.text(""), 1_000_000);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExchangeFinished finished(Trace trace) {
        ApiRequest request;
        try {
            ObjectNode body = (ObjectNode) RequestParser.MAPPER.readTree(BODY);
            request = new ApiRequest(OpenAiApi.CHAT_COMPLETIONS, body, "llama", false, false, 64L, "u-1", 2);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        UsageRecorder.Outcome outcome = new UsageRecorder.Outcome("req-1", ACME, "llama", ENDPOINT,
                Environment.STAGING, "u-1", false, Instant.parse("2026-11-22T10:00:00Z"), 42, null, new TokenUsage(10, 5, 0, false), RequestStatus.OK,
                200, null, 1);
        return new ExchangeFinished(outcome, OpenAiApi.CHAT_COMPLETIONS, request, trace, "stop",
                () -> AnswerContent.text("the answer"), 1_000_000);
    }
}
