package dev.tollgate.bench.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.intake.UsageIntake;
import dev.tollgate.streams.rollups.RollupTopology;

/** The floors measure what they say: the app's own decode, and the app's own intake, and nothing more. */
class StreamsFloorTest {

    private static final String REGISTRY = "http://127.0.0.1:1";

    @Test
    void benchStartsTheFloorByItsClassName() {
        assertThat(StreamsBench.FLOOR_MAIN).isEqualTo(StreamsFloor.class.getName());
    }

    @Test
    void intakeStageRunsTheAppsSharedIntakeWithItsDedupeStore() {
        String description = StreamsFloor.topology(StreamsFloor.INTAKE, REGISTRY).describe().toString();

        assertThat(description).contains(UsageIntake.SOURCE, UsageIntake.DECODE,
                UsageIntake.DEDUPE, UsageIntake.DEDUPE_STORE, "floor-end");
    }

    @Test
    void rollupsStageRunsTheIntakeAndTheAppsRollupsAndNoOtherCapability() {
        String description = StreamsFloor.topology(StreamsFloor.ROLLUPS, REGISTRY).describe().toString();

        assertThat(description).contains(UsageIntake.DEDUPE, RollupTopology.ENDPOINT_PARTIAL,
                RollupTopology.ENDPOINT_REPARTITION, Topics.ROLLUPS).doesNotContain("budgets", "usage-totals");
    }

    @Test
    void decodeStageDecodesWithoutStoreOrDedupe() {
        String description = StreamsFloor.topology(StreamsFloor.DECODE, REGISTRY).describe().toString();

        // The dedupe processor's name is a prefix of its store's.
        assertThat(description).contains("floor-decode", "floor-end").doesNotContain(UsageIntake.DEDUPE);
    }

    @Test
    void rejectsAnUnknownStage() {
        assertThatThrownBy(() -> StreamsFloor.topology("budgets", REGISTRY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decode, intake, rollups or requests");
    }

    @Test
    void requestsStageReadsTheRequestsTopicAndOnlyDecodes() {
        String description = StreamsFloor.topology(StreamsFloor.REQUESTS, REGISTRY).describe().toString();

        assertThat(description).contains(Topics.REQUESTS, "floor-requests-decode", "floor-end")
                .doesNotContain(Topics.USAGE);
        assertThat(StreamsFloor.topic(StreamsFloor.REQUESTS)).isEqualTo(Topics.REQUESTS);
        assertThat(StreamsFloor.topic(StreamsFloor.DECODE)).isEqualTo(Topics.USAGE);
    }
}
