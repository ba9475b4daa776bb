package dev.tollgate.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.control.v1.EndpointStatus;
import dev.tollgate.control.v1.Environment;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.secrets.SealedSecret;
import dev.tollgate.gateway.secrets.SecretSealer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointRecordsTest {

    private static final SecretSealer SEALER = SecretSealer.withKeys(Map.of("k1", new byte[32]), "k1");

    @Test
    void thePublishedStateCarriesTheUpstreamKeySealedNeverInClear() {
        EndpointState state = EndpointRecords.endpointState(endpointRow());
        byte[] envelope = EndpointRecords.sealedKey(state).envelope();

        assertThat(state.getUpstreamApiKey()).isNull();
        assertThat(state.getUpstreamKeyKekId()).isEqualTo("k1");
        assertThat(new String(envelope, StandardCharsets.ISO_8859_1)).doesNotContain("sk-secret");
        assertThat(Base64.getEncoder().encodeToString(envelope)).doesNotContain("sk-secret");
        assertThat(state.toString()).doesNotContain("sk-secret");
        assertThat(SEALER.open(EndpointRecords.sealedKey(state), EndpointRecords.secretContext("ep-1")))
                .isEqualTo("sk-secret");
    }

    @Test
    void anEndpointWithoutAnUpstreamKeyPublishesNoSealedKey() {
        EndpointEntity row = endpointRow();
        row.upstreamKeyKekId = null;
        row.upstreamKeyEnvelope = null;

        assertThat(EndpointRecords.sealedKey(EndpointRecords.endpointState(row))).isNull();
    }

    @Test
    void anEndpointIsRoutableOnlyWhenReadyAndOfThisReplicasEnvironment() {
        EndpointEntity row = endpointRow();
        EndpointState ready = EndpointRecords.endpointState(row);

        assertThat(ready.getEnvironment()).isEqualTo(Environment.STAGING);
        assertThat(EndpointRecords.routable(ready, "staging")).isTrue();
        assertThat(EndpointRecords.routable(ready, "production")).isFalse();
        row.status = "draining";
        assertThat(EndpointRecords.routable(EndpointRecords.endpointState(row), "staging")).isFalse();
        row.status = "disabled";
        assertThat(EndpointRecords.endpointState(row).getStatus()).isEqualTo(EndpointStatus.DISABLED);
    }

    @Test
    void anEndpointStateRoutesToItsUrlAtItsPrice() {
        Endpoint endpoint = EndpointRecords.endpoint(EndpointRecords.endpointState(endpointRow()));

        assertThat(endpoint.id()).isEqualTo("ep-1");
        assertThat(endpoint.base().toString()).isEqualTo("http://vllm-1:8000");
        assertThat(endpoint.price().inputPerMillionMicros()).isEqualTo(500_000);
        assertThat(endpoint.price().version()).isEqualTo(3);
    }

    @Test
    void describingAnEndpointForLogsNeverShowsItsUpstreamKey() {
        assertThat(EndpointRecords.describe(EndpointRecords.endpointState(endpointRow()))).doesNotContain("sk-secret").contains("ep-1");
    }

    private static EndpointEntity endpointRow() {
        EndpointEntity row = new EndpointEntity();
        row.id = "ep-1";
        row.model = "llama";
        row.environment = "staging";
        row.baseUrl = "http://vllm-1:8000";
        SealedSecret sealed = SEALER.seal("sk-secret", EndpointRecords.secretContext("ep-1"));
        row.upstreamKeyKekId = sealed.kekId();
        row.upstreamKeyEnvelope = sealed.envelope();
        row.weight = 2;
        row.status = "ready";
        row.inputPricePerMillionMicros = 500_000;
        row.outputPricePerMillionMicros = 1_500_000;
        row.priceVersion = 3;
        row.createdAt = Instant.now();
        return row;
    }
}
