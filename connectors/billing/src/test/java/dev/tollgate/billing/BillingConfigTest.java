package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BillingConfigTest {

    private static final Map<String, String> ENV = Map.of(
            "TOLLGATE_BILLING_BOOTSTRAP_SERVERS", "kafka:9092",
            "TOLLGATE_BILLING_REGISTRY_URL", "http://registry:8080",
            "TOLLGATE_BILLING_JDBC_URL", "jdbc:postgresql://db:5432/billing",
            "TOLLGATE_BILLING_USER", "billing",
            "TOLLGATE_BILLING_PASSWORD", "s3cret");

    @Test
    void readsEverySettingFromTheEnvironmentWithDefaultsForTheRest() {
        BillingConfig config = BillingConfig.load(ENV);

        assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/billing");
        assertThat(config.password()).isEqualTo("s3cret");
        assertThat(config.consumer()).isEqualTo("tollgate-billing");
        assertThat(config.maxBatch()).isEqualTo(500);
        assertThat(config.instanceId()).isNull();
    }

    @Test
    void namesEveryMissingSettingInOneMessage() {
        assertThatThrownBy(() -> BillingConfig.load(Map.of("TOLLGATE_BILLING_USER", "billing")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap-servers is required")
                .hasMessageContaining("registry-url is required")
                .hasMessageContaining("TOLLGATE_BILLING_JDBC_URL");
    }

    @Test
    void refusesADatabaseOtherThanPostgresAndABatchOutOfRange() {
        assertThatThrownBy(() -> new BillingConfig("k:9092", "http://r", "jdbc:mysql://db/billing", "u", "", "c", null, 500))
                .hasMessageContaining("PostgreSQL JDBC URL");
        assertThatThrownBy(() -> new BillingConfig("k:9092", "http://r", "jdbc:postgresql://db/b", "u", "", "c", null, 0))
                .hasMessageContaining("max-batch must be 1 to 100000");
    }

    @Test
    void neverPrintsThePassword() {
        assertThat(BillingConfig.load(ENV).toString()).doesNotContain("s3cret").contains("jdbc:postgresql://db:5432");
    }
}
