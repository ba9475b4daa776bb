package dev.tollgate.streams.budgets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.StreamsBuilder;
import org.jboss.logging.Logger;

import dev.tollgate.streams.serde.RegistrySerdes;
import dev.tollgate.streams.topology.Intake;
import dev.tollgate.streams.topology.StreamsCapability;

/**
 * Wires {@link BudgetTopology} into the app, on the intake's deduplicated usage stream, the registry serdes and the
 * lease terms.
 */
@ApplicationScoped
public class BudgetsCapability implements StreamsCapability {

    private static final Logger LOG = Logger.getLogger(BudgetsCapability.class);

    private final RegistrySerdes serdes;
    private final LeaseTerms terms;

    @Inject
    public BudgetsCapability(RegistrySerdes serdes, BudgetLeaseConfig leases) {
        this.serdes = serdes;
        this.terms = LeaseTerms.of(leases);
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
        LOG.infof("event=capability_added capability=%s internal_topics=%s lease_ttl=%s lease_settle_grace=%s",
                name(), BudgetTopology.INTERNAL_TOPICS, terms.ttl(), terms.settleGrace());
        BudgetTopology.contribute(builder, intake.usage(), new BudgetSerdes(serdes::deserializer, serdes::serializer,
                serdes::serializer, serdes::deserializer, serdes::serializer), terms);
    }
}
