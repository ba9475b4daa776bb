package dev.tollgate.streams.topology;

import org.apache.kafka.streams.StreamsBuilder;

/**
 * One capability of the streams app (usage totals, budgets, rollups, ...) that adds its sub-topology to the
 * application's single {@link org.apache.kafka.streams.Topology}, fed by the shared {@link Intake}.
 *
 * <p>Why not one {@code @Produces Topology} per capability: the Quarkus Kafka Streams extension runs exactly one
 * {@code KafkaStreams} instance built from exactly one {@code Topology} bean, so a second producer would make the
 * injection ambiguous. Each capability instead contributes to one shared {@code StreamsBuilder}, and
 * {@code app.TopologyProducer} is the single producer. A capability must name every processor, store and internal
 * topic it creates: those names are shared with every other capability and are a deployment contract.
 */
public interface StreamsCapability {

    /** A stable, unique name, for logs. */
    String name();

    /**
     * Where the capability composes among the others, lowest first. Kafka Streams numbers sub-topologies in the
     * order their sources are added, and task ids and state directories follow: a new capability takes a number
     * above every existing one, and no number is ever changed, so an upgrade keeps every existing task's id and its
     * local state.
     */
    int order();

    /**
     * Adds this capability's sources, processors, stores and sinks to {@code builder}, reading what it needs of
     * {@code intake} (built once, before any capability, on the same builder).
     */
    void contribute(StreamsBuilder builder, Intake intake);
}
