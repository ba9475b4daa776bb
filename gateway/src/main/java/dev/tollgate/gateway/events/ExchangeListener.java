package dev.tollgate.gateway.events;

/**
 * Wants every finished exchange: the request and trace events, the metrics and the access log. Every bean that
 * implements it is called by {@link UsageRecorder} exactly once per authenticated request, after the request's
 * usage event was queued, on the request's own thread, so an implementation must not block.
 *
 * <p>Why an interface and not a CDI event: firing a CDI event resolved each observer's bean through its context
 * on every request, a measurable share of the event loop's time at tens of thousands of requests per second. The
 * listeners are resolved once, when {@link UsageRecorder} is built, and called directly.
 */
public interface ExchangeListener {

    /** Takes note of a finished exchange. A listener that throws does not keep the others from being called. */
    void onFinished(ExchangeFinished finished);
}
