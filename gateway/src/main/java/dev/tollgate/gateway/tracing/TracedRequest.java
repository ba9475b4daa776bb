package dev.tollgate.gateway.tracing;

import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.Trace;
import java.util.List;

/**
 * A finished request waiting to become spans: the exchange without its body or generated text, its steps as they
 * stood when it finished (the steps its {@code TraceEvent} has), and its parameters.
 *
 * @param exchange the finished exchange, {@link ExchangeFinished#withoutContent() without content}
 * @param steps    the request's step spans
 * @param params   its GenAI request parameters
 */
record TracedRequest(ExchangeFinished exchange, List<Trace.Span> steps, RequestParams params) {

    /** Its spans: the request's own and one per step. */
    int spanCount() {
        return 1 + steps.size();
    }
}
