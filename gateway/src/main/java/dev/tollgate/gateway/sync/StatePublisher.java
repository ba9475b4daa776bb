package dev.tollgate.gateway.sync;

import dev.tollgate.control.v1.ApiKeyState;
import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.config.GatewayConfig;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes admin state to the compacted topics after it is committed to PostgreSQL. Unlike usage events, a
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
    StatePublisher(GatewayConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-admin-state");
        AvroKafkaSerializer<SpecificRecord> values = new AvroKafkaSerializer<>();
        values.configure(AvroSerdes.serializerConfig(config.registry().url()), false);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), values);
    }

    /** Publishes the state of a key; fails with 503 {@code propagation_failed} when Kafka does not take it. */
    public Uni<Void> key(ApiKeyState state) {
        return send(new ProducerRecord<>(Topics.KEYS, state.getKeyId(), state),
                "key=" + state.getKeyId() + " version=" + state.getVersion());
    }

    /** Publishes the state of an endpoint, or its tombstone when {@code state} is null (deregistered). */
    public Uni<Void> endpoint(String endpointId, EndpointState state) {
        return send(new ProducerRecord<>(Topics.ENDPOINTS, endpointId, state),
                state == null ? "endpoint=" + endpointId + " tombstone=true" : States.describe(state));
    }

    /** Publishes a budget's definition, or its tombstone when {@code definition} is null (deleted). */
    public Uni<Void> budget(String budgetId, BudgetDefinition definition) {
        return send(new ProducerRecord<>(Topics.BUDGETS, budgetId, definition), "budget=" + budgetId
                + (definition == null ? " tombstone=true" : " org=" + definition.getOrgId() + " amount_micros="
                + definition.getAmountMicros() + " enforcement=" + definition.getEnforcement()));
    }

    private Uni<Void> send(ProducerRecord<String, SpecificRecord> record, String what) {
        return Uni.createFrom().<Void>emitter(emitter -> producer.send(record, (metadata, error) -> {
                    if (error == null) {
                        LOG.infof("admin state published topic=%s %s offset=%d", record.topic(), what, metadata.offset());
                        emitter.complete(null);
                    } else {
                        emitter.fail(error);
                    }
                }))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure(e -> !(e instanceof AdminException)).transform(e -> {
                    LOG.errorf("admin state not published topic=%s %s reason=%s", record.topic(), what, e.getMessage());
                    return new AdminException(ErrorCode.PROPAGATION_FAILED, "The change was saved but could not be "
                            + "published to the gateway replicas. Retry the request; it is safe to repeat.", null);
                });
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
