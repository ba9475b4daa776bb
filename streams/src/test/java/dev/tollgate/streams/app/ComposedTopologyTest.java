package dev.tollgate.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

import dev.tollgate.streams.budgets.BudgetSerdes;
import dev.tollgate.streams.budgets.BudgetTopology;
import dev.tollgate.streams.rollups.RollupTopology;
import dev.tollgate.streams.rollups.RollupTopologyTestSettings;
import dev.tollgate.streams.serde.InMemoryRegistry;
import dev.tollgate.streams.serde.TestSerdes;
import dev.tollgate.streams.usage.UsageTotalsTopology;

/**
 * The one topology the app runs, composed of every capability in the order {@link TopologyProducer} uses (budgets,
 * rollups, usage totals): its names are all explicit, and its stores and repartition topics are exactly the
 * internal topics the capabilities declare as their deployment contract.
 */
class ComposedTopologyTest {

    private final InMemoryRegistry registry = new InMemoryRegistry();

    private Topology composed() {
        StreamsBuilder builder = new StreamsBuilder();
        Duration horizon = Duration.ofHours(24);
        BudgetTopology.contribute(builder,
                UsageTotalsTopology.deduplicated(builder, horizon, () -> TestSerdes.deserializer(registry)),
                new BudgetSerdes(() -> TestSerdes.anyDeserializer(registry), () -> TestSerdes.anySerializer(registry),
                        () -> TestSerdes.anySerializer(registry)));
        RollupTopology.contribute(
                UsageTotalsTopology.deduplicated(builder, horizon, () -> TestSerdes.deserializer(registry)),
                RollupTopologyTestSettings.DEFAULTS);
        UsageTotalsTopology.contribute(builder, horizon, () -> TestSerdes.deserializer(registry));
        return builder.build();
    }

    @Test
    void namesEveryNodeStoreAndRepartitionTopicExplicitly() {
        String description = composed().describe().toString();

        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-", "KSTREAM-SOURCE");
    }

    @Test
    void readsTheUsageTopicOnceForEveryCapability() {
        String description = composed().describe().toString();

        assertThat(Pattern.compile("topics: \\[tollgate\\.usage\\.v1\\]").matcher(description).results().count())
                .isEqualTo(1);
    }

    @Test
    void createsExactlyTheDeclaredInternalTopics() {
        String description = composed().describe().toString();
        List<String> declared = new ArrayList<>();
        declared.addAll(UsageTotalsTopology.INTERNAL_TOPICS);
        declared.addAll(BudgetTopology.INTERNAL_TOPICS);
        declared.addAll(RollupTopology.INTERNAL_TOPICS);

        List<String> found = new ArrayList<>();
        Matcher stores = Pattern.compile("stores: \\[([^\\]]*)\\]").matcher(description);
        while (stores.find()) {
            for (String store : stores.group(1).split(", ")) {
                // The global definitions store is restored from its source topic; commit hooks hold no data.
                if (!store.isBlank() && !store.equals(BudgetTopology.DEFINITIONS_STORE)
                        && !store.endsWith(CommitFlush.HOOK_SUFFIX)) {
                    found.add(StreamsApplication.changelogTopic(store));
                }
            }
        }
        Matcher repartitions = Pattern.compile("topic: ([a-z-]+-repartition)").matcher(description);
        while (repartitions.find()) {
            found.add(StreamsApplication.APPLICATION_ID + "-" + repartitions.group(1));
        }

        assertThat(found).containsExactlyInAnyOrderElementsOf(declared);
    }
}
