package dev.tollgate.streams.app;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.streams.intake.IntakeConfig;
import dev.tollgate.streams.intake.RequestIntake;
import dev.tollgate.streams.intake.UsageIntake;
import dev.tollgate.streams.serde.RegistrySerdes;
import dev.tollgate.streams.serde.UsageEventDeserializers;
import dev.tollgate.streams.topology.Intake;
import dev.tollgate.streams.topology.LiveCommits;
import dev.tollgate.streams.topology.StreamsCapability;

/**
 * Produces the one {@link Topology} the Quarkus Kafka Streams extension starts: first the shared intakes
 * ({@link UsageIntake}, and {@link RequestIntake} when a capability first reads requests), then every
 * {@link StreamsCapability} bean in {@link StreamsCapability#order order}, each handed the intake. The order is fixed
 * so that the topology, its sub-topology numbers and so its task ids are the same on every instance and every
 * restart.
 */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    /**
     * Singleton, not application-scoped: a normal-scoped bean would be a client proxy, a subclass of
     * {@code Topology} whose fields (which {@code KafkaStreams} reads directly) are empty.
     */
    @Produces
    @Singleton
    Topology topology(Instance<StreamsCapability> capabilities, IntakeConfig intake,
            UsageEventDeserializers deserializers, RegistrySerdes serdes) {
        LiveCommits.Settings cadence = liveCommits(ConfigProvider.getConfig());
        LOG.infof("event=commit_cadence live_interval_ms=%d live_max_lag_ms=%d", cadence.intervalMs(),
                cadence.maxLagMs());
        StreamsBuilder builder = new StreamsBuilder();
        LOG.infof("event=intake_added dedupe_horizon=%s internal_topics=%s", intake.dedupeHorizon(),
                UsageIntake.INTERNAL_TOPICS);
        KStream<String, UsageEvent> usage = UsageIntake.build(builder, intake.dedupeHorizon(), deserializers);
        List<StreamsCapability> all = capabilities.stream().toList();
        Topology topology = compose(builder,
                new Intake(usage, () -> RequestIntake.build(builder, serdes::deserializer)), all);
        LOG.infof("event=topology_built capabilities=%s", ordered(all).stream().map(StreamsCapability::name).toList());
        LOG.debugf("event=topology_description description=%s", topology.describe());
        return topology;
    }

    /**
     * The live commit cadence as the processors will read it from Kafka Streams' configuration, checked here so that a
     * bad value stops the app at start rather than each stream thread when its tasks start.
     */
    static LiveCommits.Settings liveCommits(Config config) {
        Map<String, String> streamsConfig = new HashMap<>();
        for (String key : List.of(LiveCommits.INTERVAL_CONFIG, LiveCommits.MAX_LAG_CONFIG)) {
            config.getOptionalValue("kafka-streams." + key, String.class).ifPresent(v -> streamsConfig.put(key, v));
        }
        return LiveCommits.Settings.from(streamsConfig);
    }

    /** Adds every capability, in its {@link StreamsCapability#order order}, to the builder of {@code intake}. */
    static Topology compose(StreamsBuilder builder, Intake intake, List<StreamsCapability> capabilities) {
        ordered(capabilities).forEach(capability -> capability.contribute(builder, intake));
        return builder.build();
    }

    /** The capabilities by order; two with the same order would compose in an order that depends on discovery. */
    static List<StreamsCapability> ordered(List<StreamsCapability> capabilities) {
        List<StreamsCapability> ordered = capabilities.stream()
                .sorted(Comparator.comparingInt(StreamsCapability::order)).toList();
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i).order() == ordered.get(i - 1).order()) {
                throw new IllegalStateException("the capabilities " + ordered.get(i - 1).name() + " and "
                        + ordered.get(i).name() + " both have order " + ordered.get(i).order());
            }
        }
        return ordered;
    }
}
