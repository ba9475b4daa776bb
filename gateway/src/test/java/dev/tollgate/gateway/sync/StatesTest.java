package dev.tollgate.gateway.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.control.v1.EndpointStatus;
import dev.tollgate.control.v1.Environment;
import dev.tollgate.gateway.auth.ApiKeys;
import dev.tollgate.gateway.auth.KeyLimits;
import dev.tollgate.gateway.auth.KeyRecord;
import dev.tollgate.gateway.registry.EndpointEntity;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.tenancy.ApiKeyEntity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatesTest {

    @Test
    void aKeyRowBecomesTheSameRecordThroughItsPublishedState() {
        ApiKeys.Generated generated = ApiKeys.generate();
        ApiKeyEntity row = new ApiKeyEntity();
        row.id = "key_1";
        row.orgId = "acme";
        row.teamId = "search";
        row.prefix = generated.prefix();
        row.digest = generated.digest();
        row.allowedModelList(List.of("llama", "mistral"));
        row.rpmLimit = 60L;
        row.expiresAt = Instant.parse("2027-01-01T00:00:00Z");
        row.createdAt = Instant.parse("2026-11-22T00:00:00Z");
        row.version = 4;

        KeyRecord record = States.keyRecord(States.keyState(row));

        assertThat(record.principal().keyId()).isEqualTo("key_1");
        assertThat(record.principal().orgId()).isEqualTo("acme");
        assertThat(record.principal().teamId()).isEqualTo("search");
        assertThat(record.principal().allowedModels()).containsExactlyInAnyOrder("llama", "mistral");
        assertThat(record.principal().limits()).isEqualTo(new KeyLimits(60L, null));
        assertThat(record.digest()).isEqualTo(generated.digest());
        assertThat(record.expiresAt()).isEqualTo(row.expiresAt);
        assertThat(record.revokedAt()).isNull();
        assertThat(record.version()).isEqualTo(4);
    }

    @Test
    void anEndpointIsRoutableOnlyWhenReadyAndOfThisReplicasEnvironment() {
        EndpointEntity row = endpointRow();
        EndpointState ready = States.endpointState(row);

        assertThat(ready.getEnvironment()).isEqualTo(Environment.STAGING);
        assertThat(States.routable(ready, "staging")).isTrue();
        assertThat(States.routable(ready, "production")).isFalse();
        row.status = "draining";
        assertThat(States.routable(States.endpointState(row), "staging")).isFalse();
        row.status = "disabled";
        assertThat(States.endpointState(row).getStatus()).isEqualTo(EndpointStatus.DISABLED);
    }

    @Test
    void anEndpointStateRoutesToItsUrlAtItsPrice() {
        Endpoint endpoint = States.endpoint(States.endpointState(endpointRow()));

        assertThat(endpoint.id()).isEqualTo("ep-1");
        assertThat(endpoint.base().toString()).isEqualTo("http://vllm-1:8000");
        assertThat(endpoint.price().inputPerMillionMicros()).isEqualTo(500_000);
        assertThat(endpoint.price().version()).isEqualTo(3);
    }

    @Test
    void describingAnEndpointForLogsNeverShowsItsUpstreamKey() {
        assertThat(States.describe(States.endpointState(endpointRow()))).doesNotContain("sk-secret").contains("ep-1");
    }

    private static EndpointEntity endpointRow() {
        EndpointEntity row = new EndpointEntity();
        row.id = "ep-1";
        row.model = "llama";
        row.environment = "staging";
        row.baseUrl = "http://vllm-1:8000";
        row.upstreamApiKey = "sk-secret";
        row.weight = 2;
        row.status = "ready";
        row.inputPricePerMillionMicros = 500_000;
        row.outputPricePerMillionMicros = 1_500_000;
        row.priceVersion = 3;
        row.createdAt = Instant.now();
        return row;
    }
}
