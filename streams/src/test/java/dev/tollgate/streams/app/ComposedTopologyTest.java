package dev.tollgate.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import dev.tollgate.streams.alerts.AlertTopology;
import dev.tollgate.streams.alerts.AlertsCapability;
import dev.tollgate.streams.alerts.AlertsConfig;
import dev.tollgate.streams.budgets.BudgetLeaseConfig;
import dev.tollgate.streams.budgets.BudgetTopology;
import dev.tollgate.streams.budgets.LeaseTerms;
import dev.tollgate.streams.budgets.BudgetsCapability;
import dev.tollgate.streams.evals.EvalsCapability;
import dev.tollgate.streams.evals.EvalsTopology;
import dev.tollgate.streams.intake.RequestIntake;
import dev.tollgate.streams.intake.UsageIntake;
import dev.tollgate.streams.rollups.RollupConfig;
import dev.tollgate.streams.rollups.RollupTopology;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The one topology the app runs, composed as {@link TopologyProducer} composes it (the intakes, then every
 * capability in its order: budgets, rollups, usage totals, evals, alerts): its names are all explicit, and its stores and
 * repartition topics are exactly the internal topics the intake and the capabilities declare as their deployment
 * contract.
 */
class ComposedTopologyTest {

    private static final Set<String> GLOBAL_STORES = Set.of(BudgetTopology.DEFINITIONS_STORE,
            EvalsTopology.EVALUATORS_STORE, EvalsTopology.RUNS_STORE, EvalsTopology.EXAMPLES_STORE,
            AlertTopology.RULES_STORE);

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
                () -> TestSerdes.deserializer(registry)),
                () -> RequestIntake.build(builder, () -> TestSerdes.anyDeserializer(registry)));
        RegistrySerdes serdes = new RegistrySerdes(new UsageEventDeserializers(unused), unused);
        return TopologyProducer.compose(builder, intake, List.of(
                new AlertsCapability(serdes, new AlertsConfig() {
                    @Override
                    public Duration evaluationInterval() {
                        return Duration.ofSeconds(1);
                    }

                    @Override
                    public Duration resolvedRetention() {
                        return Duration.ofHours(1);
                    }

                    @Override
                    public Duration seriesRetention() {
                        return Duration.ofHours(3);
                    }
                }),
                new BudgetsCapability(serdes, LEASES),
                new EvalsCapability(serdes, new SimpleMeterRegistry()),
                new RollupsCapability(RollupConfig.DEFAULTS),
                new UsageTotalsCapability()));
    }

    @Test
    void startsOnlyOnceEveryTopicItReadsOrWritesExists() throws IOException {
        Set<String> external = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : composed().describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    external.addAll(source.topicSet());
                } else if (node instanceof TopologyDescription.Sink sink) {
                    external.add(sink.topic());
                }
            }
        }
        composed().describe().globalStores().forEach(store -> external.addAll(store.source().topicSet()));
        external.removeIf(topic -> topic.endsWith("-repartition")); // internal: Kafka Streams creates them

        Properties props = new Properties();
        try (InputStream in = ComposedTopologyTest.class.getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        assertThat(Arrays.stream(props.getProperty("quarkus.kafka-streams.topics").split(",")).map(String::trim))
                .as("quarkus.kafka-streams.topics: the app waits for these before it starts")
                .containsExactlyInAnyOrderElementsOf(external);
    }

    @Test
    void namesEveryNodeStoreAndRepartitionTopicExplicitly() {
        String description = composed().describe().toString();

        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-", "KSTREAM-SOURCE");
    }

    @Test
    void readsTheUsageAndRequestTopicsOnceForEveryCapability() {
        String description = composed().describe().toString();

        assertThat(Pattern.compile("topics: \\[tollgate\\.usage\\.v1\\]").matcher(description).results().count())
                .isEqualTo(1);
        assertThat(Pattern.compile("topics: \\[tollgate\\.requests\\.v1\\]").matcher(description).results().count())
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
        declared.addAll(EvalsTopology.INTERNAL_TOPICS);
        declared.addAll(AlertTopology.INTERNAL_TOPICS);

        List<String> found = new ArrayList<>();
        Matcher stores = Pattern.compile("stores: \\[([^\\]]*)\\]").matcher(description);
        while (stores.find()) {
            for (String store : stores.group(1).split(", ")) {
                // Global stores are restored from their source topics; commit hooks hold no data.
                if (!store.isBlank() && !GLOBAL_STORES.contains(store) && !store.endsWith(CommitFlush.HOOK_SUFFIX)) {
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

    @Test
    void keepsTheSubTopologyNumbersOfEveryCapabilityComposedBeforeANewOne() {
        String description = composed().describe().toString();

        // Task ids (and the state directories named after them) follow these numbers: a capability added later
        // must not renumber what existed, so its sources come after every earlier capability's.
        assertThat(description).containsPattern("Sub-topology: 0\\s+Source: usage-source");
        assertThat(description).containsPattern("Sub-topology: 1 for global store[^\\n]*\\s+Source: "
                + "budgets-definitions-source");
        assertThat(description).containsPattern("Sub-topology: 2\\s+Source: "
                + "rollups-endpoint-partials-repartition-source");
    }
}
