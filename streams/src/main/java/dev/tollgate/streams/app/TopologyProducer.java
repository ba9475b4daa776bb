package dev.tollgate.streams.app;

import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.jboss.logging.Logger;

import dev.tollgate.streams.intake.IntakeConfig;
import dev.tollgate.streams.intake.UsageIntake;
import dev.tollgate.streams.serde.UsageEventDeserializers;
import dev.tollgate.streams.topology.Intake;
import dev.tollgate.streams.topology.StreamsCapability;

/**
 * Produces the one {@link Topology} the Quarkus Kafka Streams extension starts: first the shared intake
 * ({@link UsageIntake}), then every {@link StreamsCapability} bean in name order, each handed the intake. The
 * order is fixed so that the topology (and with it every generated name that was not set explicitly) is the same
 * on every instance and every restart.
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
            UsageEventDeserializers deserializers) {
        List<StreamsCapability> ordered = capabilities.stream()
                .sorted(Comparator.comparing(StreamsCapability::name))
                .toList();
        StreamsBuilder builder = new StreamsBuilder();
        LOG.infof("event=intake_added dedupe_horizon=%s internal_topics=%s", intake.dedupeHorizon(),
                UsageIntake.INTERNAL_TOPICS);
        Topology topology = compose(builder,
                new Intake(UsageIntake.build(builder, intake.dedupeHorizon(), deserializers)), ordered);
        LOG.infof("event=topology_built capabilities=%s", ordered.stream().map(StreamsCapability::name).toList());
        LOG.debugf("event=topology_description description=%s", topology.describe());
        return topology;
    }

    /** Adds every capability, in the given order, to {@code builder} on which {@code intake} was built. */
    static Topology compose(StreamsBuilder builder, Intake intake, List<StreamsCapability> ordered) {
        ordered.forEach(capability -> capability.contribute(builder, intake));
        return builder.build();
    }
}
