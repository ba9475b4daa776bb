package dev.tollgate.gateway.evals;

import dev.tollgate.control.v1.EvalProgress;
import dev.tollgate.gateway.config.RegistryConfig;
import dev.tollgate.gateway.sync.FollowedTopics;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where every eval run and backfill stands, as the evals worker publishes it on the compacted
 * {@code tollgate.eval-progress.v1}: replayed from the beginning, then followed, into memory, for the admin API.
 * It never holds readiness: the request path does not need it, and a run shows as {@code pending} until the worker
 * reports on it.
 */
@ApplicationScoped
public class EvalProgressBook {

    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Map<String, EvalProgress> progress = new ConcurrentHashMap<>();
    private final Map<String, Object> consumerProps;
    private final String registryUrl;
    private final FollowedTopics<EvalProgress> followed;

    @Inject
    EvalProgressBook(RegistryConfig registry, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.registryUrl = registry.url();
        this.consumerProps = new HashMap<>(kafka);
        this.followed = new FollowedTopics<>("tollgate-eval-progress-follower", List.of(Topics.EVAL_PROGRESS),
                new FollowedTopics.Bootstrap.Replay(), this::createConsumer, this::apply, RETRY);
    }

    void start(@Observes StartupEvent ignored) throws InterruptedException {
        followed.start(Duration.ZERO);
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        followed.stop();
    }

    /** The latest progress of a run or backfill, if the worker has reported on it. */
    public Optional<EvalProgress> get(String jobId) {
        return Optional.ofNullable(progress.get(jobId));
    }

    private void apply(ConsumerRecord<String, EvalProgress> record, boolean live) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            progress.remove(record.key());
        } else {
            progress.put(record.key(), record.value());
        }
    }

    private KafkaConsumer<String, EvalProgress> createConsumer() {
        Map<String, Object> props = new HashMap<>(consumerProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-eval-progress");
        AvroKafkaDeserializer<EvalProgress> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }
}
