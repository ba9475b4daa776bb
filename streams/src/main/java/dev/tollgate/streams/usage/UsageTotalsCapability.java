package dev.tollgate.streams.usage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.StreamsBuilder;
import org.jboss.logging.Logger;

import dev.tollgate.streams.app.StreamsCapability;
import dev.tollgate.streams.serde.UsageEventDeserializers;

/** Wires {@link UsageTotalsTopology} into the app with its configured horizon and registry-backed deserializers. */
@ApplicationScoped
public class UsageTotalsCapability implements StreamsCapability {

    private static final Logger LOG = Logger.getLogger(UsageTotalsCapability.class);

    private final UsageSettings settings;
    private final UsageEventDeserializers deserializers;

    @Inject
    public UsageTotalsCapability(UsageSettings settings, UsageEventDeserializers deserializers) {
        this.settings = settings;
        this.deserializers = deserializers;
    }

    @Override
    public String name() {
        return "usage-totals";
    }

    @Override
    public void contribute(StreamsBuilder builder) {
        LOG.infof("event=capability_added capability=%s dedupe_horizon=%s internal_topics=%s",
                name(), settings.dedupeHorizon(), UsageTotalsTopology.INTERNAL_TOPICS);
        UsageTotalsTopology.contribute(builder, settings.dedupeHorizon(), deserializers);
    }
}
