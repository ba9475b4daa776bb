package dev.tollgate.gateway.sync;

import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.config.RegistryConfig;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes admin state to its compacted topic after it is committed to PostgreSQL; each feature names its topic,
 * key and record ({@link AdminStateFeed}). Unlike usage events, a
 * change is sent synchronously ({@code acks=all}, no linger) and the admin call answers only once every broker
 * replica has it: an admin who revokes a key must be able to trust that it is gone everywhere. The send runs on
 * a worker thread, since the serializer may block on the registry.
 */
@ApplicationScoped
public class StatePublisher {

    private static final Logger LOG = Logger.getLogger(StatePublisher.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<String, SpecificRecord> producer;

    @Inject
    StatePublisher(RegistryConfig registry, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-admin-state");
        AvroKafkaSerializer<SpecificRecord> values = new AvroKafkaSerializer<>();
        values.configure(AvroSerdes.serializerConfig(registry.url()), false);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), values);
    }

    /**
     * Publishes {@code state} under {@code key} on {@code topic}, or a tombstone when {@code state} is null; fails
     * with 503 {@code propagation_failed} when Kafka does not take it.
     *
     * @param description what is published, for the log; never a secret
     */
    public Uni<Void> publish(String topic, String key, SpecificRecord state, String description) {
        return send(new ProducerRecord<>(topic, key, state), state == null ? description + " tombstone=true"
                : description);
    }

    /**
     * Publishes every state of {@code states} (key to record, null for a tombstone) on {@code topic}, all sent before
     * any is awaited, so that a dataset of thousands of examples is one round of batches rather than thousands of
     * round trips; fails as {@link #publish} does when any of them is not taken.
     *
     * @param description what is published, for the log; never a secret
     */
    public Uni<Void> publishAll(String topic, Map<String, ? extends SpecificRecord> states, String description) {
        if (states.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = new ArrayList<>(states.size());
        states.forEach((key, state) -> sends.add(send(new ProducerRecord<>(topic, key, state), null)));
        return Uni.join().all(sends).andFailFast().replaceWithVoid()
                .invoke(() -> LOG.infof("admin state published topic=%s %s records=%d", topic, description,
                        states.size()));
    }

    private Uni<Void> send(ProducerRecord<String, SpecificRecord> record, String what) {
        return Uni.createFrom().<Void>emitter(emitter -> producer.send(record, (metadata, error) -> {
                    if (error == null) {
                        if (what != null) {
                            LOG.infof("admin state published topic=%s %s offset=%d", record.topic(), what,
                                    metadata.offset());
                        }
                        emitter.complete(null);
                    } else {
                        emitter.fail(error);
                    }
                }))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure(e -> !(e instanceof AdminException)).transform(e -> {
                    LOG.errorf("admin state not published topic=%s %s reason=%s", record.topic(),
                            what == null ? "key=" + record.key() : what, e.getMessage());
                    return new AdminException(ErrorCode.PROPAGATION_FAILED, "The change was saved but could not be "
                            + "published to the gateway replicas. Retry the request; it is safe to repeat.", null);
                });
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
