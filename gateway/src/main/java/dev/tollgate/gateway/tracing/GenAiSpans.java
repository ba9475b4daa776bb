package dev.tollgate.gateway.tracing;

import dev.tollgate.gateway.events.Trace;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns a finished request into OpenTelemetry spans with the ids, names and times of its {@code TraceEvent}: the
 * request's own span (kind {@code SERVER}, the parent of the endpoint's spans through the {@code traceparent} the
 * gateway sent), with the GenAI semantic-convention attributes, and one {@code INTERNAL} span per step (auth,
 * rate_limit, budget, route, upstream_connect, first_token, complete). Spans are built after the request ended, with
 * the timestamps the request recorded, on the tracing thread; none is ever current on a request's thread.
 *
 * <p>Attributes are numbers, names and ids (docs/observability.md lists them): never an API key, never prompt or
 * completion content, never the OpenAI {@code user} field.
 */
final class GenAiSpans {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<Double> FREQUENCY_PENALTY = AttributeKey.doubleKey("gen_ai.request.frequency_penalty");
    static final AttributeKey<Double> PRESENCE_PENALTY = AttributeKey.doubleKey("gen_ai.request.presence_penalty");
    static final AttributeKey<Long> SEED = AttributeKey.longKey("gen_ai.request.seed");
    static final AttributeKey<Long> CHOICE_COUNT = AttributeKey.longKey("gen_ai.request.choice.count");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("tollgate.request_id");
    static final AttributeKey<String> ORG = AttributeKey.stringKey("tollgate.org_id");
    static final AttributeKey<String> TEAM = AttributeKey.stringKey("tollgate.team_id");
    static final AttributeKey<String> KEY_ID = AttributeKey.stringKey("tollgate.key_id");
    static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("tollgate.endpoint_id");
    static final AttributeKey<String> ENVIRONMENT = AttributeKey.stringKey("tollgate.environment");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("tollgate.attempts");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("tollgate.status");
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("tollgate.stream");
    static final AttributeKey<Boolean> USAGE_ESTIMATED = AttributeKey.booleanKey("tollgate.usage_estimated");

    /** A model name is the client's: longer ones are cut, so that no client can make a span arbitrarily large. */
    static final int MAX_MODEL_LENGTH = 256;

    private final Tracer tracer;

    GenAiSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * Builds and ends the spans of {@code request}, which the SDK hands to its span processors.
     *
     * @return the spans handed on for export: all of them, or none when the sampler dropped the trace
     */
    int write(TracedRequest request) {
        Trace trace = request.exchange().trace();
        UsageRecorder.Outcome o = request.exchange().outcome();
        long endNanos = trace.startNanos() + TimeUnit.MILLISECONDS.toNanos(o.latencyMs());
        for (Trace.Span step : request.steps()) {
            endNanos = Math.max(endNanos, step.endNanos());
        }
        Span root;
        try {
            SpanIds.use(trace.traceId(), trace.rootSpanId());
            root = tracer.spanBuilder(name(request))
                    .setParent(parent(trace))
                    .setSpanKind(SpanKind.SERVER)
                    .setStartTimestamp(epochNanos(trace, trace.startNanos()), TimeUnit.NANOSECONDS)
                    .setAllAttributes(rootAttributes(request))
                    .startSpan();
        } finally {
            SpanIds.clear();
        }
        if (!root.isRecording()) {
            return 0; // sampled out: its steps would be too (parent-based), so they are not even built
        }
        if (o.httpStatus() >= 500) {
            root.setStatus(StatusCode.ERROR, o.errorCode() == null ? "" : o.errorCode());
        }
        Context parent = Context.root().with(root);
        for (Trace.Span step : request.steps()) {
            writeStep(trace, parent, step);
        }
        root.end(epochNanos(trace, endNanos), TimeUnit.NANOSECONDS);
        return request.spanCount();
    }

    private void writeStep(Trace trace, Context parent, Trace.Span step) {
        Span span;
        try {
            SpanIds.use(null, step.spanId());
            var builder = tracer.spanBuilder(step.name()).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                    .setStartTimestamp(epochNanos(trace, step.startNanos()), TimeUnit.NANOSECONDS);
            for (Map.Entry<String, String> attribute : step.attributes().entrySet()) {
                builder.setAttribute(attribute.getKey(), attribute.getValue());
            }
            span = builder.startSpan();
        } finally {
            SpanIds.clear();
        }
        if (!step.ok()) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end(epochNanos(trace, step.endNanos()), TimeUnit.NANOSECONDS);
    }

    /**
     * {@code {gen_ai.operation.name} {gen_ai.request.model}} as the conventions ask, with the model only when an
     * endpoint served it: a span name is a low-cardinality key in every backend, and a name the client invented is not.
     */
    static String name(TracedRequest request) {
        UsageRecorder.Outcome o = request.exchange().outcome();
        String operation = request.exchange().api().genAiOperation();
        return o.endpoint() == null || o.model() == null ? operation : operation + " " + o.model();
    }

    /** The caller's span as a remote parent, with its sampled flag; the root of the context when it sent none. */
    private static Context parent(Trace trace) {
        if (trace.parentSpanId() == null) {
            return Context.root();
        }
        return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(trace.traceId(), trace.parentSpanId(),
                trace.parentSampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault())));
    }

    static Attributes rootAttributes(TracedRequest request) {
        UsageRecorder.Outcome o = request.exchange().outcome();
        Endpoint endpoint = o.endpoint();
        RequestParams params = request.params();
        AttributesBuilder a = Attributes.builder()
                .put(OPERATION, request.exchange().api().genAiOperation())
                .put(PROVIDER, GenAiProvider.of(endpoint))
                .put(HTTP_METHOD, "POST")
                .put(HTTP_ROUTE, request.exchange().api().path())
                .put(HTTP_STATUS, o.httpStatus())
                .put(REQUEST_ID, o.requestId())
                .put(ORG, o.principal().orgId())
                .put(KEY_ID, o.principal().keyId())
                .put(STATUS, o.status().name())
                .put(STREAM, o.streaming());
        putIfPresent(a, TEAM, o.principal().teamId());
        if (o.model() != null) {
            a.put(REQUEST_MODEL, cut(o.model()));
        }
        putIfPresent(a, RESPONSE_MODEL, request.exchange().responseModel() == null ? null
                : cut(request.exchange().responseModel()));
        putIfPresent(a, MAX_TOKENS, params.maxTokens());
        putIfPresent(a, TEMPERATURE, params.temperature());
        putIfPresent(a, TOP_P, params.topP());
        putIfPresent(a, FREQUENCY_PENALTY, params.frequencyPenalty());
        putIfPresent(a, PRESENCE_PENALTY, params.presencePenalty());
        putIfPresent(a, SEED, params.seed());
        if (params.choices() != null && params.choices() != 1) {
            a.put(CHOICE_COUNT, params.choices().longValue());
        }
        if (endpoint != null) {
            a.put(SERVER_ADDRESS, endpoint.base().getHost()).put(SERVER_PORT, endpoint.port())
                    .put(ENDPOINT, endpoint.id()).put(ATTEMPTS, o.attempt());
            TokenUsage usage = o.usage();
            a.put(INPUT_TOKENS, usage.promptTokens()).put(OUTPUT_TOKENS, usage.completionTokens())
                    .put(USAGE_ESTIMATED, usage.estimated());
        }
        if (o.environment() != null) {
            a.put(ENVIRONMENT, o.environment().wireName());
        }
        if (request.exchange().finishReason() != null) {
            a.put(FINISH_REASONS, List.of(request.exchange().finishReason()));
        }
        putIfPresent(a, ERROR_TYPE, o.errorCode());
        return a.build();
    }

    private static <T> void putIfPresent(AttributesBuilder attributes, AttributeKey<T> key, T value) {
        if (value != null) {
            attributes.put(key, value);
        }
    }

    private static String cut(String model) {
        return model.length() <= MAX_MODEL_LENGTH ? model : model.substring(0, MAX_MODEL_LENGTH);
    }

    private static long epochNanos(Trace trace, long nanos) {
        return TimeUnit.MICROSECONDS.toNanos(trace.epochMicros(nanos));
    }
}
