package dev.tollgate.gateway.events;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.schemas.EventKeys;
import dev.tollgate.schemas.Topics;
import io.quarkus.arc.All;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Turns the outcome of one request into its {@link UsageEvent}, priced at the endpoint's current price, and
 * queues it for {@link Topics#USAGE} keyed by org. It then hands the finished request to every
 * {@link ExchangeListener} (request and trace events, metrics, the access log), so each of them sees every request
 * exactly once, after its usage event was queued.
 *
 * <p>With the event journal on (the default), the usage event is built and journaled here, on the request's thread,
 * before the last bytes of the answer are written ({@link #record(ExchangeFinished, Runnable)}): once a client has a
 * complete answer, its usage event survives a crash of the gateway. Off, the publisher thread builds it.
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
        LOG.infof("event=usage_producer producer_id=%s", ProducerStamp.PROCESS.producerId());
    }

    /** Queues the usage event of a finished request, then calls every listener, each even if another failed. */
    public void record(ExchangeFinished exchange) {
        record(exchange, null);
    }

    /**
     * Queues (and journals) the usage event of a finished request, then runs {@code answer}, which writes the last
     * bytes of the answer, then calls every listener, each even if another failed. Why in this order: a client must
     * not hold a complete answer whose usage event a crash could still lose, and the listeners' work (metrics, the
     * access log, request and trace events) need not delay the answer.
     *
     * @param answer writes the end of the answer; null when it was written already
     */
    public void record(ExchangeFinished exchange, Runnable answer) {
        record(exchange.outcome());
        if (answer != null) {
            try {
                answer.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "event=answer_not_written request_id=%s", exchange.outcome().requestId());
            }
        }
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
     * @param environment the environment the request asked for, or null when it was refused before that was read
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
     * @param budgetLeases the spend lease of each hard budget the request was admitted under (budget id to lease
     *                     id), or null when none
     * @param cacheHit    whether the gateway answered from its response cache (no endpoint was called)
     * @param costSavedMicros on a cache hit, what the cached answer cost when it was generated; 0 otherwise
     */
    public record Outcome(String requestId, Principal principal, String model, Endpoint endpoint,
                          Environment environment, String user,
                          boolean streaming, Instant startedAt, long latencyMs, Long ttftMs, TokenUsage usage,
                          RequestStatus status, int httpStatus, String errorCode, int attempt,
                          Map<String, String> budgetLeases, boolean cacheHit, long costSavedMicros) {

        /** An outcome that was not answered from the response cache. */
        public Outcome(String requestId, Principal principal, String model, Endpoint endpoint,
                       Environment environment, String user, boolean streaming, Instant startedAt, long latencyMs,
                       Long ttftMs, TokenUsage usage, RequestStatus status, int httpStatus, String errorCode,
                       int attempt, Map<String, String> budgetLeases) {
            this(requestId, principal, model, endpoint, environment, user, streaming, startedAt, latencyMs, ttftMs,
                    usage, status, httpStatus, errorCode, attempt, budgetLeases, false, 0);
        }

        /** An outcome admitted under no budget lease. */
        public Outcome(String requestId, Principal principal, String model, Endpoint endpoint,
                       Environment environment, String user, boolean streaming, Instant startedAt, long latencyMs,
                       Long ttftMs, TokenUsage usage, RequestStatus status, int httpStatus, String errorCode,
                       int attempt) {
            this(requestId, principal, model, endpoint, environment, user, streaming, startedAt, latencyMs, ttftMs,
                    usage, status, httpStatus, errorCode, attempt, null);
        }

        /**
         * What the request cost at its endpoint's price, in micro-dollars; 0 when no endpoint was reached, and 0 for
         * a cache hit, which no endpoint served.
         */
        public long costMicros() {
            return endpoint == null || cacheHit ? 0 : endpoint.price().costMicros(usage.promptTokens(), usage.completionTokens());
        }

        /** When the last byte was sent: the usage event's {@code completed_at}. */
        public Instant completedAt() {
            return startedAt.plusMillis(latencyMs);
        }
    }

    /**
     * Queues the usage event of {@code outcome}, built once ({@link #toEvent}), so the event id it gets is the one it
     * keeps through any retry and any replay. With the journal on it is built and journaled on the calling thread, a
     * few microseconds; off, the publisher thread builds it and the request's thread only queues it.
     *
     * @return false when the buffer was full and the event was not queued (already logged)
     */
    public boolean record(Outcome outcome) {
        String key = EventKeys.orgKey(outcome.principal().orgId());
        boolean queued = publisher.journaled() ? publisher.publishJournaled(Topics.USAGE, key, toEvent(outcome))
                : publisher.publishLater(Topics.USAGE, key, () -> toEvent(outcome));
        if (!queued) {
            LOG.errorf("usage event buffer full request_id=%s", outcome.requestId());
            return false;
        }
        return true;
    }

    /** The usage event of {@code o}, stamped with this process's {@link ProducerStamp}. */
    static UsageEvent toEvent(Outcome o) {
        return toEvent(o, ProducerStamp.PROCESS);
    }

    /**
     * The usage event of {@code o}, with a new event id and the next number of {@code producer} on every call, so
     * both are fixed before the event is journaled or queued and travel with it through any replay. Every field of
     * the contract is set, through the record's own setters rather than its builder: the builder validates each
     * value and deep-copies the schema default of each field left unset, which was about a sixth of the publisher
     * thread's time (docs/benchmarks.md). {@code UsageRecorderTest} checks the result against the schema.
     */
    static UsageEvent toEvent(Outcome o, ProducerStamp producer) {
        TokenUsage usage = o.usage();
        Endpoint endpoint = o.endpoint();
        UsageEvent event = new UsageEvent();
        event.setEventId(EventIds.newId());
        event.setRequestId(o.requestId());
        event.setAttempt(o.attempt());
        event.setOrgId(o.principal().orgId());
        event.setTeamId(o.principal().teamId());
        event.setKeyId(o.principal().keyId());
        event.setUser(o.user());
        event.setModel(o.model() == null ? "" : o.model());
        event.setEndpointId(endpoint == null ? null : endpoint.id());
        event.setEnvironment(o.environment() == null ? null : o.environment().wireName());
        event.setPromptTokens(usage.promptTokens());
        event.setCompletionTokens(usage.completionTokens());
        event.setTotalTokens(usage.totalTokens());
        event.setCachedTokens(usage.cachedTokens());
        event.setUsageSource(usage.estimated() ? UsageSource.ESTIMATED : UsageSource.PROVIDER);
        event.setCostMicros(o.costMicros());
        event.setPriceVersion(endpoint == null ? null : endpoint.price().version());
        event.setStatus(o.status());
        event.setHttpStatus(o.httpStatus());
        event.setErrorCode(o.errorCode());
        event.setStreaming(o.streaming());
        event.setLatencyMs(o.latencyMs());
        event.setTtftMs(o.ttftMs());
        event.setStartedAt(o.startedAt());
        event.setCompletedAt(o.completedAt());
        event.setBudgetLeases(o.budgetLeases());
        event.setCacheHit(o.cacheHit());
        event.setCostSavedMicros(o.costSavedMicros());
        event.setProducerId(producer.producerId());
        event.setProducerSequence(producer.next());
        return event;
    }
}
