package dev.tollgate.streams.budgets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.StreamsBuilder;
import org.jboss.logging.Logger;

import dev.tollgate.streams.app.StreamsCapability;
import dev.tollgate.streams.serde.RegistrySerdes;
import dev.tollgate.streams.serde.UsageEventDeserializers;
import dev.tollgate.streams.usage.UsageSettings;
import dev.tollgate.streams.usage.UsageTotalsTopology;

/** Wires {@link BudgetTopology} into the app, on the shared deduplicated usage stream and the registry serdes. */
@ApplicationScoped
public class BudgetsCapability implements StreamsCapability {

    private static final Logger LOG = Logger.getLogger(BudgetsCapability.class);

    private final UsageSettings usage;
    private final UsageEventDeserializers usageDeserializers;
    private final RegistrySerdes serdes;

    @Inject
    public BudgetsCapability(UsageSettings usage, UsageEventDeserializers usageDeserializers, RegistrySerdes serdes) {
        this.usage = usage;
        this.usageDeserializers = usageDeserializers;
        this.serdes = serdes;
    }

    @Override
    public String name() {
        return "budgets";
    }

    @Override
    public void contribute(StreamsBuilder builder) {
        LOG.infof("event=capability_added capability=%s internal_topics=%s", name(), BudgetTopology.INTERNAL_TOPICS);
        BudgetTopology.contribute(builder,
                UsageTotalsTopology.deduplicated(builder, usage.dedupeHorizon(), usageDeserializers),
                new BudgetSerdes(serdes::deserializer, serdes::serializer, serdes::serializer));
    }
}
