package dev.tollgate.gateway.signals;

import dev.tollgate.events.v1.EndpointHealthReport;
import dev.tollgate.events.v1.EndpointLoadSample;
import dev.tollgate.gateway.events.EventIds;
import dev.tollgate.gateway.events.EventPublisher;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.EndpointHealth;
import dev.tollgate.gateway.routing.EndpointObserver;
import dev.tollgate.gateway.routing.Router;
import dev.tollgate.gateway.routing.VllmLoad;
import dev.tollgate.schemas.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Publishes this replica's view of every endpoint for the streams app's alert rules: an
 * {@code EndpointHealthReport} on {@code tollgate.endpoint-health.v1} at every up/down flip its health checks see,
 * and every report interval for every endpoint; an {@code EndpointLoadSample} on {@code tollgate.endpoint-load.v1}
 * when vLLM's gauges change materially, and at least every report interval. Both are keyed by endpoint id.
 *
 * <p>Why the periodic reports: the streams app decides whether an endpoint is down from the views of the replicas
 * that reported recently; a replica that stops (or loses the endpoint from its registry) stops counting once its last
 * report expires ({@code valid_for_ms}). Never on the request path: the health checker calls this from its own
 * callbacks, and events go through the same bounded queue as usage ({@link EventPublisher#publishLater}), so building
 * and sending them happens on the publisher thread.
 */
@Singleton
public class EndpointSignals implements EndpointObserver {

    private static final Logger LOG = Logger.getLogger(EndpointSignals.class);

    private final EventPublisher events;
    private final Router router;
    private final Vertx vertx;
    private final SignalsConfig config;
    private final String replicaId;
    private final LongSupplier clock;
    private final Map<String, View> views = new ConcurrentHashMap<>();
    private final Map<String, VllmLoad> lastLoad = new ConcurrentHashMap<>();
    private final Map<String, Long> lastLoadAt = new ConcurrentHashMap<>();
    private final long startedAt;
    private long timer = -1;

    /** What this replica last saw of one endpoint's health, and since when. */
    private record View(boolean up, long changedAt, String reason) {
    }

    @Inject
    EndpointSignals(EventPublisher events, Router router, Vertx vertx, SignalsConfig config) {
        this(events, router, vertx, config, config.replicaId().orElseGet(EndpointSignals::defaultReplicaId),
                System::currentTimeMillis);
    }

    EndpointSignals(EventPublisher events, Router router, Vertx vertx, SignalsConfig config, String replicaId,
                    LongSupplier clock) {
        this.events = events;
        this.router = router;
        this.vertx = vertx;
        this.config = config;
        this.replicaId = replicaId;
        this.clock = clock;
        this.startedAt = clock.getAsLong();
    }

    void start(@Observes StartupEvent ignored) {
        if (config.enabled()) {
            timer = vertx.setPeriodic(config.reportInterval().toMillis(), id -> reportAll());
        }
        LOG.infof("event=endpoint_signals enabled=%s replica=%s report_interval=%s load=%s", config.enabled(),
                replicaId, config.reportInterval(), wantsLoad());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    @Override
    public void healthChanged(Endpoint endpoint, boolean up, String reason) {
        if (!config.enabled()) {
            return;
        }
        View view = new View(up, clock.getAsLong(), reason);
        views.put(endpoint.id(), view);
        publishHealth(endpoint.id(), endpoint.model(), endpoint.environment().wireName(), view, true);
    }

    @Override
    public boolean wantsLoad() {
        return config.enabled() && config.load().enabled();
    }

    @Override
    public void loadSampled(Endpoint endpoint, VllmLoad load) {
        if (!wantsLoad()) {
            return;
        }
        long now = clock.getAsLong();
        VllmLoad last = lastLoad.get(endpoint.id());
        Long lastAt = lastLoadAt.get(endpoint.id());
        if (last != null && lastAt != null && now - lastAt < config.reportInterval().toMillis()
                && !materiallyDifferent(last, load)) {
            return;
        }
        lastLoad.put(endpoint.id(), load);
        lastLoadAt.put(endpoint.id(), now);
        EndpointLoadSample sample = EndpointLoadSample.newBuilder().setEventId(EventIds.newId())
                .setEndpointId(endpoint.id()).setModel(endpoint.model()).setReplicaId(replicaId)
                .setWaiting(load.waiting()).setKvCacheUsage(load.kvCacheUsage()).setSampledAt(Instant.ofEpochMilli(now))
                .setValidForMs(validForMs()).build();
        if (!events.publishLater(Topics.ENDPOINT_LOAD, endpoint.id(), () -> sample)) {
            LOG.debugf("event=load_sample_dropped endpoint=%s reason=buffer_full", endpoint.id());
        }
    }

    /** Whether the gauges moved enough to publish before the next interval. */
    boolean materiallyDifferent(VllmLoad last, VllmLoad now) {
        return Math.abs(now.waiting() - last.waiting()) >= config.load().waitingChange()
                || Math.abs(now.kvCacheUsage() - last.kvCacheUsage()) >= config.load().kvCacheChange();
    }

    /** Reports every registered endpoint's current view; the timer calls it every report interval. */
    void reportAll() {
        for (EndpointHealth health : router.health()) {
            View view = views.compute(health.id(), (id, known) -> known != null && known.up() == health.up() ? known
                    : new View(health.up(), known == null ? startedAt : clock.getAsLong(), null));
            publishHealth(health.id(), health.model(), health.environment().wireName(), view, false);
        }
        views.keySet().retainAll(router.health().stream().map(EndpointHealth::id).toList());
    }

    private void publishHealth(String endpointId, String model, String environment, View view, boolean transition) {
        long now = clock.getAsLong();
        EndpointHealthReport report = EndpointHealthReport.newBuilder().setEventId(EventIds.newId())
                .setEndpointId(endpointId).setModel(model).setEnvironment(environment).setReplicaId(replicaId)
                .setUp(view.up()).setTransition(transition).setReason(view.reason())
                .setChangedAt(Instant.ofEpochMilli(view.changedAt())).setReportedAt(Instant.ofEpochMilli(now))
                .setValidForMs(validForMs()).build();
        if (!events.publishLater(Topics.ENDPOINT_HEALTH, endpointId, () -> report)) {
            LOG.warnf("event=health_report_dropped endpoint=%s up=%s reason=buffer_full", endpointId, view.up());
        } else if (transition) {
            LOG.infof("event=health_report endpoint=%s up=%s replica=%s", endpointId, view.up(), replicaId);
        }
    }

    private long validForMs() {
        return config.reportInterval().toMillis() * Math.max(1, config.validIntervals());
    }

    private static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "gateway";
        }
        byte[] suffix = new byte[3];
        ThreadLocalRandom.current().nextBytes(suffix);
        return host + "-" + HexFormat.of().formatHex(suffix);
    }
}
