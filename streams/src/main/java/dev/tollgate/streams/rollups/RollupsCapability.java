package dev.tollgate.streams.rollups;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.StreamsBuilder;
import org.jboss.logging.Logger;

import dev.tollgate.streams.topology.Intake;
import dev.tollgate.streams.topology.StreamsCapability;

/** Wires {@link RollupTopology} into the app, on the intake's deduplicated usage stream. */
@ApplicationScoped
public class RollupsCapability implements StreamsCapability {

    private static final Logger LOG = Logger.getLogger(RollupsCapability.class);

    private final RollupConfig config;

    @Inject
    public RollupsCapability(RollupConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "rollups";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public void contribute(StreamsBuilder builder, Intake intake) {
        LOG.infof("event=capability_added capability=%s grace=%s/%s/%s internal_topics=%s", name(),
                config.minuteGrace(), config.hourGrace(), config.dayGrace(), RollupTopology.INTERNAL_TOPICS);
        RollupTopology.contribute(intake.usage(), config);
    }
}
