package dev.tollgate.gateway.events;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.schemas.EventKeys;
import dev.tollgate.schemas.Topics;
import io.quarkus.arc.All;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Turns the outcome of one request into its {@link UsageEvent}, priced at the endpoint's current price, and
 * queues it for {@link Topics#USAGE} keyed by org (built by the publisher thread, off the event loop). It then hands
 * the finished request to every {@link ExchangeListener} (request and trace events, metrics, the access log), so
 * each of them sees every request exactly once, after its usage event was queued.
 *
 * <p>A {@code @Singleton}, like the other beans on the request path: an application-scoped bean is reached
 * through a client proxy that looks its instance up in the context on every call.
 */
@Singleton
public class UsageRecorder {

    private static final Logger LOG = Logger.getLogger(UsageRecorder.class);

    private final EventPublisher publisher;
    private final List<ExchangeListener> listeners;

    @Inject
    UsageRecorder(EventPublisher publisher, @All List<ExchangeListener> listeners) {
        this.publisher = publisher;
        this.listeners = List.copyOf(listeners);
    }

    /** Queues the usage event of a finished request, then calls every listener, each even if another failed. */
    public void record(ExchangeFinished exchange) {
        record(exchange.outcome());
        for (ExchangeListener listener : listeners) {
            try {
                listener.onFinished(exchange);
            } catch (RuntimeException e) {
                LOG.errorf(e, "event=exchange_listener_failed listener=%s request_id=%s",
                        listener.getClass().getSimpleName(), exchange.outcome().requestId());
            }
        }
    }

    /**
     * The outcome of one request.
     *
     * @param requestId   the gateway's request id
     * @param principal   who called
     * @param model       the model asked for
     * @param endpoint    the endpoint that served it, or null when none was reached
     * @param user        the OpenAI {@code user} field, or null
     * @param streaming   whether the client asked for a stream
     * @param startedAt   when the gateway received the request
     * @param latencyMs   until the last byte was sent
     * @param ttftMs      time to first token, or null
     * @param usage       token counts
     * @param status      how it ended
     * @param httpStatus  what the client received
     * @param errorCode   the stable error code, or null
     * @param attempt     attempts made on endpoints, retries included (1 when none was retried or reached)
     */
    public record Outcome(String requestId, Principal principal, String model, Endpoint endpoint, String user,
                          boolean streaming, Instant startedAt, long latencyMs, Long ttftMs, TokenUsage usage,
                          RequestStatus status, int httpStatus, String errorCode, int attempt) {

        /** What the request cost at its endpoint's price, in micro-dollars; 0 when no endpoint was reached. */
        public long costMicros() {
            return endpoint == null ? 0 : endpoint.price().costMicros(usage.promptTokens(), usage.completionTokens());
        }

        /** When the last byte was sent: the usage event's {@code completed_at}. */
        public Instant completedAt() {
            return startedAt.plusMillis(latencyMs);
        }
    }

    /**
     * Queues the usage event of {@code outcome}. The publisher thread builds it ({@link #toEvent}), once: the
     * request's event loop only queues it, and the event id it gets is the one it keeps through any retry.
     *
     * @return false when the buffer was full and the event was not queued (already logged)
     */
    public boolean record(Outcome outcome) {
        if (!publisher.publishLater(Topics.USAGE, EventKeys.orgKey(outcome.principal().orgId()),
                () -> toEvent(outcome))) {
            LOG.errorf("usage event buffer full request_id=%s", outcome.requestId());
            return false;
        }
        return true;
    }

    /** The usage event of {@code o}, with a new event id on every call. */
    static UsageEvent toEvent(Outcome o) {
        TokenUsage usage = o.usage();
        Endpoint endpoint = o.endpoint();
        return UsageEvent.newBuilder()
                .setEventId(EventIds.newId())
                .setRequestId(o.requestId())
                .setAttempt(o.attempt())
                .setOrgId(o.principal().orgId())
                .setTeamId(o.principal().teamId())
                .setKeyId(o.principal().keyId())
                .setUser(o.user())
                .setModel(o.model() == null ? "" : o.model())
                .setEndpointId(endpoint == null ? null : endpoint.id())
                .setPromptTokens(usage.promptTokens())
                .setCompletionTokens(usage.completionTokens())
                .setTotalTokens(usage.totalTokens())
                .setCachedTokens(usage.cachedTokens())
                .setUsageSource(usage.estimated() ? UsageSource.ESTIMATED : UsageSource.PROVIDER)
                .setCostMicros(o.costMicros())
                .setPriceVersion(endpoint == null ? null : endpoint.price().version())
                .setStatus(o.status())
                .setHttpStatus(o.httpStatus())
                .setErrorCode(o.errorCode())
                .setStreaming(o.streaming())
                .setLatencyMs(o.latencyMs())
                .setTtftMs(o.ttftMs())
                .setStartedAt(o.startedAt())
                .setCompletedAt(o.completedAt())
                .build();
    }
}
