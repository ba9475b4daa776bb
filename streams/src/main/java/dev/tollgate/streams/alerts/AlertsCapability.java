package dev.tollgate.streams.alerts;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.StreamsBuilder;
import org.jboss.logging.Logger;

import dev.tollgate.streams.serde.RegistrySerdes;
import dev.tollgate.streams.topology.Intake;
import dev.tollgate.streams.topology.StreamsCapability;

/** Wires {@link AlertTopology} into the app, on the intake's deduplicated usage stream and the registry serdes. */
@ApplicationScoped
public class AlertsCapability implements StreamsCapability {

    private static final Logger LOG = Logger.getLogger(AlertsCapability.class);

    private final RegistrySerdes serdes;
    private final AlertsConfig config;

    @Inject
    public AlertsCapability(RegistrySerdes serdes, AlertsConfig config) {
        this.serdes = serdes;
        this.config = config;
    }

    @Override
    public String name() {
        return "alerts";
    }

    /** After evals: alerting came last, and an upgrade keeps the sub-topology numbers of everything before it. */
    @Override
    public int order() {
        return 50;
    }

    @Override
    public void contribute(StreamsBuilder builder, Intake intake) {
        AlertsConfig.Settings settings = AlertsConfig.settings(config);
        LOG.infof("event=capability_added capability=%s evaluation_interval=%s internal_topics=%s", name(),
                settings.evaluationInterval(), AlertTopology.INTERNAL_TOPICS);
        AlertTopology.contribute(builder, intake.usage(), new AlertSerdes(serdes::deserializer, serdes::serializer),
                settings);
    }
}
