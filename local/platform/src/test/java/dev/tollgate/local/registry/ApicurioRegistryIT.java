package dev.tollgate.local.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.local.postgres.LocalPostgres;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.testing.SharedInfra;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryIT {

    @TempDir
    Path workDir;

    @Test
    void roundTripsAUsageEventThroughTheRealRegistry() throws Exception {
        String registry = SharedInfra.registry().url();
        UsageEvent event = usage();

        byte[] bytes;
        try (var serializer = new AvroKafkaSerializer<UsageEvent>()) {
            serializer.configure(AvroSerdes.serializerConfig(registry), false);
            bytes = serializer.serialize(Topics.USAGE, event);
        }
        Object decoded;
        try (var deserializer = new AvroKafkaDeserializer<UsageEvent>()) {
            deserializer.configure(AvroSerdes.deserializerConfig(registry), false);
            decoded = deserializer.deserialize(Topics.USAGE, bytes);
        }

        assertThat(decoded).isEqualTo(event);
        var artifact = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                registry + "/apis/registry/v3/groups/default/artifacts/" + Topics.USAGE + "-value")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(artifact.statusCode()).isEqualTo(200);
    }

    @Test
    void keepsSchemasInPostgresWhenGivenADatabase() throws Exception {
        LocalPostgres pg = SharedInfra.postgres().createDatabase("registry_it");
        var storage = ApicurioRegistry.Storage.postgres(pg.jdbcUrl("registry_it"), LocalPostgres.USER,
                LocalPostgres.PASSWORD);
        int port = Ports.freePort();
        try (var first = new ApicurioRegistry(new ApicurioRegistry.Config(port, workDir, storage)).start();
             var serializer = new AvroKafkaSerializer<UsageEvent>()) {
            serializer.configure(AvroSerdes.serializerConfig(first.url()), false);
            serializer.serialize(Topics.USAGE, usage());
        }
        try (var second = new ApicurioRegistry(new ApicurioRegistry.Config(port, workDir, storage)).start()) {
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    second.url() + "/apis/registry/v3/groups/default/artifacts/" + Topics.USAGE + "-value")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    static UsageEvent usage() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return UsageEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestId("req-1")
                .setOrgId("acme").setKeyId("key-1").setModel("llama").setPromptTokens(10).setCompletionTokens(5)
                .setTotalTokens(15).setUsageSource(UsageSource.PROVIDER).setCostMicros(42)
                .setStatus(RequestStatus.OK).setHttpStatus(200).setLatencyMs(12).setStartedAt(now)
                .setCompletedAt(now).build();
    }
}
