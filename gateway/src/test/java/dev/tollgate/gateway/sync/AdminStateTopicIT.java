package dev.tollgate.gateway.sync;

import static dev.tollgate.gateway.admin.AdminApiIT.chat;
import static dev.tollgate.gateway.admin.AdminApiIT.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.control.v1.ApiKeyState;
import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.control.v1.EndpointStatus;
import dev.tollgate.control.v1.Environment;
import dev.tollgate.gateway.admin.AdminApiIT;
import dev.tollgate.gateway.auth.ApiKeys;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Propagation as another replica causes it: the test writes admin state straight to the compacted topics (what a
 * second replica's admin API does) and measures how long this replica takes to act on it. Two gateway replicas in
 * one {@code @QuarkusTest} JVM are not practical; this exercises the exact consumer path a second replica runs.
 * The test resources are those of {@link AdminApiIT}: PostgreSQL, broker, registry, simulator.
 */
@QuarkusTest
class AdminStateTopicIT {

    private static final Logger LOG = Logger.getLogger(AdminStateTopicIT.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;

    private KafkaProducer<String, SpecificRecord> producer;

    @BeforeEach
    void connect() {
        AvroKafkaSerializer<SpecificRecord> values = new AvroKafkaSerializer<>();
        values.configure(AvroSerdes.serializerConfig(registry), false);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), values);
    }

    @AfterEach
    void disconnect() {
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    void appliesAKeyPublishedByAnotherReplicaWithinOneSecondAndIgnoresAnOlderVersion() throws Exception {
        ApiKeys.Generated key = ApiKeys.generate();
        String keyId = "key_topic_" + UUID.randomUUID().toString().substring(0, 8);

        publish(Topics.KEYS, keyId, keyState(keyId, key, null, 1));
        Duration toWork = until(() -> chat(key.plain(), VllmSimulatorResource.MODEL).statusCode() == 200);

        publish(Topics.KEYS, keyId, keyState(keyId, key, Instant.now(), 2));
        Duration toRevoke = until(() -> chat(key.plain(), VllmSimulatorResource.MODEL).statusCode() == 401);

        publish(Topics.KEYS, keyId, keyState(keyId, key, null, 1));
        Thread.sleep(300);
        LOG.infof("propagation measured topic-key=%dms topic-revoke=%dms", toWork.toMillis(), toRevoke.toMillis());
        assertThat(toWork).isLessThan(AdminApiIT.PROPAGATION_BOUND);
        assertThat(toRevoke).isLessThan(AdminApiIT.PROPAGATION_BOUND);
        assertThat(chat(key.plain(), VllmSimulatorResource.MODEL).statusCode()).as("stale state ignored").isEqualTo(401);
    }

    @Test
    void routesToAnEndpointPublishedByAnotherReplicaAndDropsItOnItsTombstone() throws Exception {
        String id = "ep_topic_" + UUID.randomUUID().toString().substring(0, 8);
        String model = "topic-model";
        EndpointState state = EndpointState.newBuilder().setEndpointId(id).setModel(model)
                .setEnvironment(Environment.PRODUCTION).setBaseUrl(VllmSimulatorResource.simulator().baseUrl())
                .setStatus(EndpointStatus.READY).setVersion(0).build();
        // Before: the model is unknown. This first request also takes the test client's own start-up (over a
        // second for REST Assured in a fresh JVM) out of the propagation measured below.
        assertThat(chat(AdminApiIT.ChatKey.BOOTSTRAP, model).jsonPath().getString("error.code"))
                .isEqualTo("model_not_found");

        publish(Topics.ENDPOINTS, id, state);
        // The simulator only serves its own model name, so a routed request comes back as its 404, not ours.
        Duration toRoute = until(() -> !"model_not_found".equals(
                chat(AdminApiIT.ChatKey.BOOTSTRAP, model).jsonPath().getString("error.code")));
        publish(Topics.ENDPOINTS, id, null);
        Duration toDrop = until(() -> "model_not_found".equals(
                chat(AdminApiIT.ChatKey.BOOTSTRAP, model).jsonPath().getString("error.code")));

        LOG.infof("propagation measured topic-endpoint=%dms topic-tombstone=%dms", toRoute.toMillis(), toDrop.toMillis());
        assertThat(toRoute).isLessThan(AdminApiIT.PROPAGATION_BOUND);
        assertThat(toDrop).isLessThan(AdminApiIT.PROPAGATION_BOUND);
    }

    private void publish(String topic, String key, SpecificRecord value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static ApiKeyState keyState(String keyId, ApiKeys.Generated key, Instant revokedAt, long version) {
        return ApiKeyState.newBuilder().setKeyId(keyId).setOrgId("topic-org").setPrefix(key.prefix())
                .setDigest(ByteBuffer.wrap(key.digest())).setAllowedModels(List.of()).setRevokedAt(revokedAt)
                .setCreatedAt(Instant.now()).setVersion(version).build();
    }
}
