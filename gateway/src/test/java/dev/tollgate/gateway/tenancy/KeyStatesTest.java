package dev.tollgate.gateway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.auth.ApiKeys;
import dev.tollgate.gateway.auth.KeyLimits;
import dev.tollgate.gateway.auth.KeyRecord;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.routing.Environment;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyStatesTest {

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

        KeyRecord record = KeyStates.keyRecord(KeyStates.keyState(row));

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
    void aKeyMayUseExactlyItsAllowedEnvironments() {
        ApiKeyEntity row = row();
        row.environment = "staging";
        row.allowedEnvironments = "production,staging";

        Principal principal = KeyStates.keyRecord(KeyStates.keyState(row), LegacyEnvironments.OWN).principal();

        assertThat(principal.mayUse(Environment.STAGING)).isTrue();
        assertThat(principal.mayUse(Environment.PRODUCTION)).isTrue();
        assertThat(principal.mayUse(Environment.DEVELOPMENT)).isFalse();
    }

    @Test
    void aKeyCreatedBeforeEnvironmentsWerePermissionsKeepsOnlyItsOwnUnlessAnAdminSaysAny() {
        ApiKeyEntity row = row();
        row.allowedEnvironments = null;

        Principal own = KeyStates.keyRecord(KeyStates.keyState(row), LegacyEnvironments.OWN).principal();
        Principal any = KeyStates.keyRecord(KeyStates.keyState(row), LegacyEnvironments.ANY).principal();

        assertThat(own.allowedEnvironments()).containsExactly(Environment.PRODUCTION);
        assertThat(any.allowedEnvironments()).containsExactlyInAnyOrder(Environment.values());
    }

    private static ApiKeyEntity row() {
        ApiKeys.Generated generated = ApiKeys.generate();
        ApiKeyEntity row = new ApiKeyEntity();
        row.id = "key_2";
        row.orgId = "acme";
        row.prefix = generated.prefix();
        row.digest = generated.digest();
        row.createdAt = Instant.parse("2026-11-22T00:00:00Z");
        return row;
    }
}
