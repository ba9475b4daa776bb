package dev.tollgate.streams.usage;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.streams.StreamsBuilder;
import org.jboss.logging.Logger;

import dev.tollgate.streams.topology.Intake;
import dev.tollgate.streams.topology.StreamsCapability;

/** Wires {@link UsageTotalsTopology} into the app, on the intake's deduplicated usage stream. */
@ApplicationScoped
public class UsageTotalsCapability implements StreamsCapability {

    private static final Logger LOG = Logger.getLogger(UsageTotalsCapability.class);

    @Override
    public String name() {
        return "usage-totals";
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public void contribute(StreamsBuilder builder, Intake intake) {
        LOG.infof("event=capability_added capability=%s internal_topics=%s", name(),
                UsageTotalsTopology.INTERNAL_TOPICS);
        UsageTotalsTopology.contribute(intake.usage());
    }
}
