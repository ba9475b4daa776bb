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

/**
 * Produces the one {@link Topology} the Quarkus Kafka Streams extension starts, composed of every
 * {@link StreamsCapability} bean in name order, so that the topology (and with it every generated name that was
 * not set explicitly) is the same on every instance and every restart.
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
    Topology topology(Instance<StreamsCapability> capabilities) {
        List<StreamsCapability> ordered = capabilities.stream()
                .sorted(Comparator.comparing(StreamsCapability::name))
                .toList();
        StreamsBuilder builder = new StreamsBuilder();
        ordered.forEach(capability -> capability.contribute(builder));
        Topology topology = builder.build();
        LOG.infof("event=topology_built capabilities=%s", ordered.stream().map(StreamsCapability::name).toList());
        LOG.debugf("event=topology_description description=%s", topology.describe());
        return topology;
    }
}
