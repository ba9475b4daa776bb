package dev.tollgate.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.events.v1.CapturedContent;
import dev.tollgate.events.v1.CapturedMessage;
import dev.tollgate.events.v1.CapturedToolCall;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.Span;
import dev.tollgate.events.v1.SpanStatus;
import dev.tollgate.events.v1.TraceEvent;
import dev.tollgate.gateway.openai.AnswerContent;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.redaction.Redaction;
import dev.tollgate.gateway.redaction.Redactor;
import dev.tollgate.schemas.EventKeys;
import dev.tollgate.schemas.Topics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Publishes the {@link RequestEvent} and the {@link TraceEvent} of every finished request, next to its usage
 * event and through the same bounded queue, keyed by org. Prompt and completion text (and the tools the answer
 * called) go into the request event only for the orgs listed in {@code tollgate.events.capture-content-orgs}, and
 * for the requests of an eval run (whose answers exist to be scored); otherwise the event carries a summary of the
 * parameters and never any content. The request's {@code metadata} tags and its eval marking are always recorded.
 */
@Singleton
public class ExchangeEvents implements ExchangeListener {

    private static final Logger LOG = Logger.getLogger(ExchangeEvents.class);

    private final EventPublisher publisher;
    private final Set<String> captureOrgs;
    private final Redaction redaction;

    @Inject
    ExchangeEvents(EventPublisher publisher, EventsConfig config, Redaction redaction) {
        this.publisher = publisher;
        this.redaction = redaction;
        this.captureOrgs = Set.copyOf(config.captureContentOrgs().orElse(List.of()));
    }

    /**
     * Queues both events; the publisher thread builds them ({@link #requestEvent}, {@link #traceEvent}), so the
     * request's event loop pays for two queue entries, not for two Avro records with a map per span.
     *
     * <p>The queued recipes keep the request's body only for orgs with capture on: otherwise they keep its
     * parameters ({@link ParamsSummary}) and {@link ExchangeFinished#withoutContent}. The event buffer is bounded
     * by a count of events; while Kafka is away it fills, and whole bodies in it would bound nothing in bytes.
     */
    @Override
    public void onFinished(ExchangeFinished finished) {
        String org = finished.outcome().principal().orgId();
        String key = EventKeys.orgKey(org);
        boolean capture = captureOrgs.contains(org) || (finished.eval() != null && finished.eval().capturesContent());
        ParamsSummary params = ParamsSummary.of(finished.request());
        ExchangeFinished kept = capture ? finished : finished.withoutContent();
        // Which detectors apply is looked up here (map reads); the redacting runs where the event is built, on the
        // publisher's thread, before the event is journaled or sent (docs/redaction.md).
        Redactor redactor = capture ? redaction.forKey(org, finished.outcome().principal().keyId()) : Redactor.NONE;
        boolean queued = publisher.publishLater(Topics.REQUESTS, key,
                () -> requestEvent(kept, params, capture, redactor));
        List<Trace.Span> steps = finished.trace().spans(); // as they stand now, not as a late callback leaves them
        queued &= publisher.publishLater(Topics.TRACES, key, () -> traceEvent(kept, steps));
        if (!queued) {
            LOG.errorf("request or trace event dropped, buffer full request_id=%s", finished.outcome().requestId());
        }
    }

    /**
     * The request event: parameters, status and finish reason; content only when {@code capture}. The parameters
     * are summarised beforehand, so that {@code finished} need not carry the body unless {@code capture}.
     */
    static RequestEvent requestEvent(ExchangeFinished finished, ParamsSummary params, boolean capture) {
        return requestEvent(finished, params, capture, Redactor.NONE);
    }

    /** The request event, its captured content passed through {@code redactor}. */
    static RequestEvent requestEvent(ExchangeFinished finished, ParamsSummary params, boolean capture,
                                     Redactor redactor) {
        UsageRecorder.Outcome o = finished.outcome();
        ApiRequest request = finished.request();
        JsonNode body = request == null ? null : request.body();
        // Setters, not the builder: see UsageRecorder.toEvent. ExchangeEventsTest checks it against the schema.
        RequestEvent event = new RequestEvent();
        event.setEventId(EventIds.newId());
        event.setRequestId(o.requestId());
        event.setOrgId(o.principal().orgId());
        event.setTeamId(o.principal().teamId());
        event.setKeyId(o.principal().keyId());
        event.setModel(o.model() == null ? "" : o.model());
        event.setEndpointId(o.endpoint() == null ? null : o.endpoint().id());
        event.setEnvironment(o.environment() == null ? null : o.environment().wireName());
        event.setApi(finished.api().operation());
        event.setParams(params.toAvro());
        event.setStatus(o.status());
        event.setHttpStatus(o.httpStatus());
        event.setErrorCode(o.errorCode());
        event.setFinishReason(finished.finishReason());
        event.setReceivedAt(o.startedAt());
        event.setCompletedAt(o.completedAt());
        event.setContent(capture && body != null ? content(request, finished.output().get(), redactor) : null);
        event.setTags(params.tags());
        event.setEval(eval(finished.eval()));
        return event;
    }

    /** The trace event: a root span for the request and one child span per step. */
    static TraceEvent traceEvent(ExchangeFinished finished) {
        return traceEvent(finished, finished.trace().spans());
    }

    /**
     * The trace event with the given steps of the request's trace. Spans are built with their all-arguments
     * constructor rather than their builder: a request has five to seven of them, and the builder's per-field
     * validation and default copies were a tenth of the publisher thread's time. Every field is set here.
     */
    static TraceEvent traceEvent(ExchangeFinished finished, List<Trace.Span> steps) {
        UsageRecorder.Outcome o = finished.outcome();
        Trace trace = finished.trace();
        List<Span> spans = new ArrayList<>(steps.size() + 1);
        long endNanos = trace.startNanos() + o.latencyMs() * 1_000_000L;
        for (Trace.Span step : steps) {
            endNanos = Math.max(endNanos, step.endNanos());
            spans.add(new Span(step.spanId(), trace.rootSpanId(), step.name(), micros(trace, step.startNanos()),
                    micros(trace, step.endNanos()), step.ok() ? SpanStatus.OK : SpanStatus.ERROR,
                    new HashMap<>(step.attributes())));
        }
        Map<String, String> rootAttributes = new HashMap<>();
        rootAttributes.put("gen_ai.operation.name", finished.api().genAiOperation());
        rootAttributes.put("gen_ai.request.model", o.model() == null ? "" : o.model());
        rootAttributes.put("http.response.status_code", Integer.toString(o.httpStatus()));
        rootAttributes.put("tollgate.request_id", o.requestId());
        if (o.errorCode() != null) {
            rootAttributes.put("error.type", o.errorCode());
        }
        spans.add(0, new Span(trace.rootSpanId(), trace.parentSpanId(), finished.api().genAiOperation(),
                micros(trace, trace.startNanos()), micros(trace, endNanos),
                o.httpStatus() < 400 ? SpanStatus.OK : SpanStatus.ERROR, rootAttributes));
        return new TraceEvent(EventIds.newId(), o.requestId(), o.principal().orgId(), trace.traceId(), spans);
    }

    private static Instant micros(Trace trace, long nanos) {
        long micros = trace.epochMicros(nanos);
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /**
     * The captured content: chat messages with their roles; for completions and embeddings, each text prompt
     * or input as one message whose role is the field's name ({@code prompt}, {@code input}). Token-id prompts
     * carry no text and are left out.
     */
    private static CapturedContent content(ApiRequest request, AnswerContent output, Redactor redactor) {
        List<CapturedMessage> messages = new ArrayList<>();
        JsonNode body = request.body();
        if (request.api() == OpenAiApi.CHAT_COMPLETIONS) {
            for (JsonNode message : body.path("messages")) {
                messages.add(new CapturedMessage(message.path("role").asText(""),
                        redactor.redact(text(message.path("content")))));
            }
        } else {
            JsonNode prompt = body.path(request.promptField());
            for (JsonNode item : prompt.isArray() ? prompt : List.of(prompt)) {
                if (item.isTextual()) {
                    messages.add(new CapturedMessage(request.promptField(), redactor.redact(item.asText())));
                }
            }
        }
        List<CapturedToolCall> calls = new ArrayList<>(output.toolCalls().size());
        for (AnswerContent.ToolCall call : output.toolCalls()) {
            calls.add(new CapturedToolCall(call.name(), redactor.redact(call.arguments())));
        }
        return new CapturedContent(messages, redactor.redact(output.text()), calls);
    }

    private static dev.tollgate.events.v1.EvalMarking eval(EvalMarking marking) {
        return marking == null ? null : new dev.tollgate.events.v1.EvalMarking(marking.runId(), marking.datasetId(),
                marking.exampleId(), marking.judge());
    }

    /** A message's text: a string as is, the text parts of a multi-part message joined; null otherwise. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }
}
