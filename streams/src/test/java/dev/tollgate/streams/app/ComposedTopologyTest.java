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

import dev.tollgate.streams.budgets.BudgetLeaseConfig;
import dev.tollgate.streams.budgets.BudgetTopology;
import dev.tollgate.streams.budgets.LeaseTerms;
import dev.tollgate.streams.budgets.BudgetsCapability;
import dev.tollgate.streams.intake.UsageIntake;
import dev.tollgate.streams.rollups.RollupTopology;
import dev.tollgate.streams.rollups.RollupTopologyTestConfig;
import dev.tollgate.streams.rollups.RollupsCapability;
import dev.tollgate.streams.serde.InMemoryRegistry;
import dev.tollgate.streams.serde.RegistryConfig;
import dev.tollgate.streams.serde.RegistrySerdes;
import dev.tollgate.streams.serde.TestSerdes;
import dev.tollgate.streams.serde.UsageEventDeserializers;
import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.topology.Intake;
import dev.tollgate.streams.topology.StreamsApplication;
import dev.tollgate.streams.usage.UsageTotalsCapability;
import dev.tollgate.streams.usage.UsageTotalsTopology;

/**
 * The one topology the app runs, composed as {@link TopologyProducer} composes it (the intake, then every
 * capability in name order: budgets, rollups, usage totals): its names are all explicit, and its stores and
 * repartition topics are exactly the internal topics the intake and the capabilities declare as their deployment
 * contract.
 */
class ComposedTopologyTest {

    private final InMemoryRegistry registry = new InMemoryRegistry();

    private static final BudgetLeaseConfig LEASES = new BudgetLeaseConfig() {
        @Override
        public Duration leaseTtl() {
            return LeaseTerms.DEFAULTS.ttl();
        }

        @Override
        public Duration leaseSettleGrace() {
            return LeaseTerms.DEFAULTS.settleGrace();
        }

        @Override
        public Duration returnedLeaseHorizon() {
            return LeaseTerms.DEFAULTS.returnedHorizon();
        }

        @Override
        public Duration leaseSweepInterval() {
            return LeaseTerms.DEFAULTS.sweepEvery();
        }
    };

    private Topology composed() {
        RegistryConfig unused = new RegistryConfig() {
            @Override
            public String url() {
                return "http://unused:1";
            }

            @Override
            public int retryCount() {
                return 0;
            }

            @Override
            public Duration retryBackoff() {
                return Duration.ZERO;
            }
        };
        StreamsBuilder builder = new StreamsBuilder();
        Intake intake = new Intake(UsageIntake.build(builder, Duration.ofHours(24),
                () -> TestSerdes.deserializer(registry)));
        return TopologyProducer.compose(builder, intake, List.of(
                new BudgetsCapability(new RegistrySerdes(new UsageEventDeserializers(unused), unused), LEASES),
                new RollupsCapability(RollupTopologyTestConfig.DEFAULTS),
                new UsageTotalsCapability()));
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
    void readsLeaseRequestsInTheSameTasksAsUsageSoTheOwnerOfABudgetsSpendGrantsItsLeases() {
        String description = composed().describe().toString();
        Matcher subTopology = Pattern.compile("Sub-topology: (\\d+)\\n((?:(?!Sub-topology:).)*)", Pattern.DOTALL)
                .matcher(description);
        List<String> withUsage = new ArrayList<>();
        List<String> withLeases = new ArrayList<>();
        while (subTopology.find()) {
            if (subTopology.group(2).contains("topics: [tollgate.usage.v1]")) {
                withUsage.add(subTopology.group(1));
            }
            if (subTopology.group(2).contains("topics: [tollgate.budget-lease-requests.v1]")) {
                withLeases.add(subTopology.group(1));
            }
        }

        assertThat(withLeases).hasSize(1).isEqualTo(withUsage);
    }

    @Test
    void createsExactlyTheDeclaredInternalTopics() {
        String description = composed().describe().toString();
        List<String> declared = new ArrayList<>();
        declared.addAll(UsageIntake.INTERNAL_TOPICS);
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
