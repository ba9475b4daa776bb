package dev.tollgate.gateway.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.EndpointHealthReport;
import dev.tollgate.events.v1.EndpointLoadSample;
import dev.tollgate.gateway.alerting.TopicRecords;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.EndpointRegistry;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Price;
import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import dev.tollgate.schemas.Topics;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * What this replica tells the streams app about an endpoint, on the real broker: a report at every health flip (the
 * checks run every 300 ms in tests) and every report interval (1 s in tests), and vLLM's load when scraped. The
 * endpoint is a real vLLM simulator that the test stops.
 */
@QuarkusTest
class EndpointSignalsIT {

    private static final Duration SEEN = Duration.ofSeconds(10);

    @Inject
    EndpointRegistry registry;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registryUrl;

    @Test
    void reportsAnEndpointUpPeriodicallyThenItsFallDownAtOnceAndItsLoadWhenScraped() throws Exception {
        String id = "signals-ep";
        VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withPort(0)
                .withServedModelNames("signals-model").withEventLoops(1));
        boolean stopped = false;
        try (TopicRecords topics = new TopicRecords(bootstrap, registryUrl,
                List.of(Topics.ENDPOINT_HEALTH, Topics.ENDPOINT_LOAD))) {
            registry.register(new Endpoint(id, "signals-model", URI.create(simulator.baseUrl()), new Price(0, 0, 1), 1,
                    Environment.STAGING));

            ConsumerRecord<String, Object> up = topics.await(r -> id.equals(r.key())
                    && r.value() instanceof EndpointHealthReport h && h.getUp() && !h.getTransition(), SEEN);
            ConsumerRecord<String, Object> load = topics.await(r -> id.equals(r.key())
                    && r.value() instanceof EndpointLoadSample, SEEN);
            simulator.close();
            stopped = true;
            long stoppedAt = System.nanoTime();
            ConsumerRecord<String, Object> down = topics.await(r -> id.equals(r.key())
                    && r.value() instanceof EndpointHealthReport h && !h.getUp() && h.getTransition(), SEEN);
            Duration toReport = Duration.ofNanos(System.nanoTime() - stoppedAt);

            assertThat(up).as("a periodic report while it is up").isNotNull();
            EndpointHealthReport upReport = (EndpointHealthReport) up.value();
            assertThat(upReport.getModel()).isEqualTo("signals-model");
            assertThat(upReport.getEnvironment()).isEqualTo("staging");
            assertThat(upReport.getValidForMs()).isEqualTo(3_000);
            assertThat(load).as("vLLM's gauges, scraped").isNotNull();
            assertThat(((EndpointLoadSample) load.value()).getReplicaId()).isEqualTo(upReport.getReplicaId());
            assertThat(down).as("the flip down, reported at once").isNotNull();
            EndpointHealthReport downReport = (EndpointHealthReport) down.value();
            assertThat(downReport.getReason()).isNotBlank();
            assertThat(downReport.getReplicaId()).isEqualTo(upReport.getReplicaId());
            assertThat(toReport).as("two failed checks 300 ms apart, then the report").isLessThan(Duration.ofSeconds(5));
        } finally {
            registry.remove(id);
            if (!stopped) {
                simulator.close();
            }
        }
    }
}
