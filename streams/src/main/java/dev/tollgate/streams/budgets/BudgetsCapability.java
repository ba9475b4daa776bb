package dev.tollgate.streams.budgets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.StreamsBuilder;
import org.jboss.logging.Logger;

import dev.tollgate.streams.serde.RegistrySerdes;
import dev.tollgate.streams.topology.Intake;
import dev.tollgate.streams.topology.StreamsCapability;

/** Wires {@link BudgetTopology} into the app, on the intake's deduplicated usage stream and the registry serdes. */
@ApplicationScoped
public class BudgetsCapability implements StreamsCapability {

    private static final Logger LOG = Logger.getLogger(BudgetsCapability.class);

    private final RegistrySerdes serdes;

    @Inject
    public BudgetsCapability(RegistrySerdes serdes) {
        this.serdes = serdes;
    }

    @Override
    public String name() {
        return "budgets";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public void contribute(StreamsBuilder builder, Intake intake) {
        LOG.infof("event=capability_added capability=%s internal_topics=%s", name(), BudgetTopology.INTERNAL_TOPICS);
        BudgetTopology.contribute(builder, intake.usage(),
                new BudgetSerdes(serdes::deserializer, serdes::serializer, serdes::serializer));
    }
}
