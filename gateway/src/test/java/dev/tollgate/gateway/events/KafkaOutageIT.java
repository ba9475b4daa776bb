package dev.tollgate.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.gateway.sync.AdminStateFollower;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.testing.SharedInfra;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.schemas.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The reliability test of issue #3: the real broker is stopped for about 20 s while four clients keep calling,
 * then started again on the same port and data. The gateway must keep answering, buffer the events, and once
 * Kafka is back deliver every successful request's usage event exactly once (counted by event id).
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class KafkaOutageIT {

    private static final Logger LOG = Logger.getLogger(KafkaOutageIT.class);
    private static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";
    private static final int CLIENTS = 4;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;
    @TestHTTPResource("/v1/chat/completions")
    URI chat;
    @Inject
    EventPublisher publisher;
    @Inject
    AdminStateFollower adminState;

    @Test
    void deliversEveryAnsweredRequestsUsageEventExactlyOnceAcrossABrokerOutage() throws Exception {
        KafkaBroker kafka = SharedInfra.kafka();
        assertThat(kafka.bootstrapServers()).as("the test stops the broker the gateway uses").isEqualTo(bootstrap);
        String prefix = "outage-" + UUID.randomUUID() + "-";
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sequence = new AtomicLong();
        AtomicLong peakBacklog = new AtomicLong();
        AtomicLong peakStalenessMs = new AtomicLong();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> loops = new java.util.ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            loops.add(clients.submit(() -> {
                while (running.get()) {
                    String requestId = prefix + sequence.incrementAndGet();
                    answers.put(requestId, call(http, requestId));
                    sleep(10);
                }
                return null;
            }));
        }
        long outageMs;
        long stalenessAfterMs = -1;
        try {
            sleep(3_000);
            kafka.stop();
            long stopped = System.nanoTime();
            while (System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(20)) {
                peakBacklog.accumulateAndGet(publisher.backlog(), Math::max);
                peakStalenessMs.accumulateAndGet(adminState.staleness().toMillis(), Math::max);
                sleep(200);
            }
            kafka.start();
            outageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
            sleep(5_000);
            stalenessAfterMs = adminState.staleness().toMillis();
        } finally {
            running.set(false);
            clients.shutdown();
            clients.awaitTermination(30, TimeUnit.SECONDS);
            if (!kafka.isRunning()) {
                kafka.start();
            }
        }
        for (Future<?> loop : loops) {
            loop.get();
        }
        long drainStart = System.nanoTime();
        assertThat(publisher.awaitDrained(Duration.ofMinutes(3))).as("backlog drained after the restart").isTrue();
        long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart);

        Set<String> answered = new java.util.HashSet<>();
        answers.forEach((id, status) -> {
            if (status == 200) {
                answered.add(id);
            }
        });
        Map<String, Integer> recordsPerEventId = new HashMap<>();
        Map<String, Integer> eventsPerRequest = new HashMap<>();
        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.USAGE))) {
            List<EventTopics.Received> found = topics.await(r -> r.value() instanceof UsageEvent u
                    && u.getRequestId().startsWith(prefix), answered.size(), Duration.ofSeconds(90));
            found.addAll(topics.await(r -> r.value() instanceof UsageEvent u
                    && u.getRequestId().startsWith(prefix), 1, Duration.ofSeconds(3)));
            for (EventTopics.Received r : found) {
                UsageEvent e = (UsageEvent) r.value();
                recordsPerEventId.merge(e.getEventId(), 1, Integer::sum);
                eventsPerRequest.merge(e.getRequestId(), 1, Integer::sum);
            }
        }
        long duplicates = recordsPerEventId.values().stream().filter(n -> n > 1).count();
        long lost = answered.stream().filter(id -> !eventsPerRequest.containsKey(id)).count();
        LOG.infof("kafka outage: requests=%d answered_200=%d outage_ms=%d peak_backlog=%d drain_ms=%d "
                        + "usage_events=%d distinct_event_ids=%d duplicates=%d lost=%d peak_admin_staleness_ms=%d "
                        + "admin_staleness_after_ms=%d", answers.size(), answered.size(), outageMs, peakBacklog.get(),
                drainMs,
                recordsPerEventId.values().stream().mapToInt(Integer::intValue).sum(), recordsPerEventId.size(),
                duplicates, lost, peakStalenessMs.get(), stalenessAfterMs);

        assertThat(answers.values()).as("the gateway keeps serving while Kafka is away").containsOnly(200);
        assertThat(peakStalenessMs.get()).as("the admin state is reported stale while Kafka is away")
                .isGreaterThan(15_000);
        assertThat(stalenessAfterMs).as("and current again within seconds of its return").isBetween(0L, 3_000L);
        assertThat(peakBacklog.get()).as("events were buffered during the outage").isPositive();
        assertThat(recordsPerEventId.size()).as("distinct usage event ids").isEqualTo(answered.size());
        assertThat(duplicates).as("usage events delivered more than once").isZero();
        assertThat(eventsPerRequest.keySet()).isEqualTo(answered);
        assertThat(eventsPerRequest.values()).containsOnly(1);
    }

    private int call(HttpClient http, String requestId) {
        HttpRequest request = HttpRequest.newBuilder(chat).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + VllmSimulatorResource.MODEL
                        + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}"))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
