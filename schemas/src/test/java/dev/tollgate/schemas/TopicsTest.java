package dev.tollgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void everyTopicNameIsUniqueAndVersioned() {
        assertThat(Topics.all()).extracting(TopicSpec::name).doesNotHaveDuplicates()
                .allMatch(n -> n.matches("tollgate\\.[a-z-]+\\.v\\d+"));
    }

    @Test
    void budgetStateIsCompactedAndEventLogsAreNot() {
        assertThat(spec(Topics.BUDGET_STATE).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(spec(Topics.USAGE).configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(Duration.ofDays(30).toMillis()));
    }

    @Test
    void budgetDefinitionsAreCompactedSoEveryReplicaCanLoadThemAll() {
        assertThat(spec(Topics.BUDGETS).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(spec(Topics.BUDGET_EVENTS).compacted()).isFalse();
    }

    @Test
    void keepsUsageDeadLettersAsLongAsUsageSoTheyCanBeReplayed() {
        assertThat(spec(Topics.USAGE_DLQ).retention()).isEqualTo(spec(Topics.USAGE).retention());
        assertThat(spec(Topics.USAGE_DLQ).partitions()).isEqualTo(spec(Topics.USAGE).partitions());
        assertThat(spec(Topics.USAGE_DLQ).compacted()).isFalse();
    }

    @Test
    void leaseRequestsArePartitionedLikeUsageSoTheyReachTheTaskThatCountsTheOrgsSpend() {
        assertThat(spec(Topics.BUDGET_LEASE_REQUESTS).partitions()).isEqualTo(spec(Topics.USAGE).partitions());
        assertThat(spec(Topics.BUDGET_LEASE_REQUESTS).compacted()).isFalse();
        assertThat(spec(Topics.BUDGET_LEASE_GRANTS).compacted()).isFalse();
    }

    @Test
    void keepsWarehouseDeadLettersAsLongAsTheEventsTheyCameFrom() {
        assertThat(spec(Topics.WAREHOUSE_DLQ).retention()).isEqualTo(spec(Topics.USAGE).retention());
        assertThat(spec(Topics.WAREHOUSE_DLQ).compacted()).isFalse();
    }

    @Test
    void adminStateTopicsAreCompactedChangelogs() {
        assertThat(spec(Topics.KEYS).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(spec(Topics.ENDPOINTS).configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void alertRulesAndReceiversAreCompactedAndTransitionsAreAnEventLog() {
        assertThat(spec(Topics.ALERT_RULES).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(spec(Topics.ALERT_RECEIVERS).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(spec(Topics.ALERTS).compacted()).isFalse();
        assertThat(spec(Topics.ALERT_SILENCES).configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void alertInputsArePartitionedLikeUsageSoTheStreamsAppReadsThemInOneTask() {
        assertThat(java.util.List.of(Topics.ENDPOINT_HEALTH, Topics.ENDPOINT_LOAD, Topics.BUDGET_EVENTS))
                .allSatisfy(t -> assertThat(spec(t).partitions()).isEqualTo(spec(Topics.USAGE).partitions()));
    }

    @Test
    void namesTheTopicItDoesNotKnow() {
        assertThatThrownBy(() -> Topics.spec("tollgate.nope.v1")).hasMessageContaining("tollgate.nope.v1");
    }

    @Test
    void rejectsAnUnversionedTopicName() {
        assertThatThrownBy(() -> new TopicSpec("tollgate.usage", 1, false, Duration.ZERO, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".vN");
    }

    @Test
    void refusesToKeyAnEventWithoutOrg() {
        assertThatThrownBy(() -> EventKeys.orgKey(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(EventKeys.orgKey("acme")).isEqualTo("acme");
    }

    @Test
    void pointsSerdesAtTheRegistryV3Api() {
        assertThat(AvroSerdes.serializerConfig("http://localhost:8081"))
                .containsEntry("apicurio.registry.url", "http://localhost:8081/apis/registry/v3")
                .containsEntry("apicurio.registry.auto-register", true);
        assertThat(AvroSerdes.registryApi("http://h:1/apis/registry/v3")).isEqualTo("http://h:1/apis/registry/v3");
    }

    private static TopicSpec spec(String name) {
        return Topics.spec(name);
    }
}
