package dev.tollgate.streams.rollups;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.StreamsBuilder;
import org.jboss.logging.Logger;

import dev.tollgate.streams.app.StreamsCapability;
import dev.tollgate.streams.serde.UsageEventDeserializers;
import dev.tollgate.streams.usage.UsageSettings;
import dev.tollgate.streams.usage.UsageTotalsTopology;

/** Wires {@link RollupTopology} into the app, on the shared deduplicated usage stream. */
@ApplicationScoped
public class RollupsCapability implements StreamsCapability {

    private static final Logger LOG = Logger.getLogger(RollupsCapability.class);

    private final UsageSettings usage;
    private final UsageEventDeserializers usageDeserializers;
    private final RollupSettings settings;

    @Inject
    public RollupsCapability(UsageSettings usage, UsageEventDeserializers usageDeserializers,
            RollupSettings settings) {
        this.usage = usage;
        this.usageDeserializers = usageDeserializers;
        this.settings = settings;
    }

    @Override
    public String name() {
        return "rollups";
    }

    @Override
    public void contribute(StreamsBuilder builder) {
        LOG.infof("event=capability_added capability=%s grace=%s/%s/%s internal_topics=%s", name(),
                settings.minuteGrace(), settings.hourGrace(), settings.dayGrace(), RollupTopology.INTERNAL_TOPICS);
        RollupTopology.contribute(UsageTotalsTopology.deduplicated(builder, usage.dedupeHorizon(), usageDeserializers),
                settings);
    }
}
