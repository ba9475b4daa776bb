package dev.tollgate.gateway.events;

import dev.tollgate.gateway.openai.AnswerContent;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import java.util.function.Supplier;

/**
 * Everything known about a request once it has ended, handed to whoever turns it into events, metrics and
 * log lines. Fired exactly once per authenticated request, on the request's own thread: observers must not
 * block. Observers may hand it to another thread (the event publisher builds events from it later): nothing in
 * it changes once the request has ended, except that a late callback may still add a span to the trace.
 *
 * @param outcome       what the usage event is built from
 * @param api           the API the request was sent to, known even when its body was not
 * @param request       the validated request, or null when it never got that far (unreadable body)
 * @param trace         the request's spans
 * @param finishReason  the upstream's finish reason of the first choice, or null
 * @param responseModel the model the upstream's answer named, or null
 * @param output        the generated text and tool calls, computed only when asked for (content capture)
 * @param upstreamNanos time spent on the upstream call, from opening it to the end; 0 when none was made
 * @param eval          how the request was marked for evaluation, or null for live traffic
 */
public record ExchangeFinished(UsageRecorder.Outcome outcome, OpenAiApi api, ApiRequest request, Trace trace,
                               String finishReason, String responseModel, Supplier<AnswerContent> output,
                               long upstreamNanos, EvalMarking eval) {

    /** A finished exchange of live traffic (no eval marking) whose answer named no model. */
    public ExchangeFinished(UsageRecorder.Outcome outcome, OpenAiApi api, ApiRequest request, Trace trace,
                            String finishReason, Supplier<AnswerContent> output, long upstreamNanos) {
        this(outcome, api, request, trace, finishReason, null, output, upstreamNanos, null);
    }

    /** Nothing generated. */
    public static final Supplier<AnswerContent> NO_OUTPUT = () -> AnswerContent.NONE;

    /**
     * The same exchange without the request's body and the generated text, for whatever keeps it after the
     * request ended (queued events, the access log). Why: those queues are bounded by count, and a request body
     * may be megabytes; kept whole, a stalled queue would hold its count times the largest bodies.
     */
    public ExchangeFinished withoutContent() {
        return new ExchangeFinished(outcome, api, null, trace, finishReason, responseModel, NO_OUTPUT, upstreamNanos,
                eval);
    }
}
