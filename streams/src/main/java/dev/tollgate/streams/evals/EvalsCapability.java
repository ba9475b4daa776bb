package dev.tollgate.streams.evals;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.StreamsBuilder;
import org.jboss.logging.Logger;

import dev.tollgate.streams.serde.RegistrySerdes;
import dev.tollgate.streams.topology.Intake;
import dev.tollgate.streams.topology.StreamsCapability;
import io.micrometer.core.instrument.MeterRegistry;

/** Wires {@link EvalsTopology} into the app, on the request intake and the registry serdes. */
@ApplicationScoped
public class EvalsCapability implements StreamsCapability {

    private static final Logger LOG = Logger.getLogger(EvalsCapability.class);

    private final RegistrySerdes serdes;
    private final MeterRegistry metrics;

    @Inject
    public EvalsCapability(RegistrySerdes serdes, MeterRegistry metrics) {
        this.serdes = serdes;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return "evals";
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public void contribute(StreamsBuilder builder, Intake intake) {
        LOG.infof("event=capability_added capability=%s internal_topics=%s", name(), EvalsTopology.INTERNAL_TOPICS);
        EvalsTopology.contribute(builder, intake.requests(), new EvalsSerdes(serdes::deserializer,
                serdes::deserializer, serdes::deserializer, serdes::deserializer, serdes::serializer,
                serdes::serializer), metrics);
    }
}
