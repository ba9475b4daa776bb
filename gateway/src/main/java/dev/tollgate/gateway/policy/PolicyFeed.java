package dev.tollgate.gateway.policy;

import dev.tollgate.control.v1.GatewayPolicy;
import dev.tollgate.gateway.sync.AdminStateFeed;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Gateway policies as admin state: published on {@code tollgate.gateway-policies.v1} when the admin API changes
 * one, and held by every replica's {@link GatewayPolicies}. A tombstone removes a policy.
 */
@Singleton
public class PolicyFeed implements AdminStateFeed<GatewayPolicy> {

    private static final Logger LOG = Logger.getLogger(PolicyFeed.class);

    private final GatewayPolicies policies;
    private final StatePublisher publisher;

    @Inject
    PolicyFeed(GatewayPolicies policies, StatePublisher publisher) {
        this.policies = policies;
        this.publisher = publisher;
    }

    @Override
    public String topic() {
        return Topics.GATEWAY_POLICIES;
    }

    @Override
    public Class<GatewayPolicy> type() {
        return GatewayPolicy.class;
    }

    @Override
    public Uni<Map<String, GatewayPolicy>> snapshot() {
        return PolicyEntity.<PolicyEntity>listAll().map(rows -> {
            Map<String, GatewayPolicy> states = new LinkedHashMap<>();
            rows.forEach(row -> states.put(row.id, PolicyRecords.state(row)));
            return states;
        });
    }

    @Override
    public void apply(String id, GatewayPolicy state) {
        if (state == null) {
            int colon = id.indexOf(':');
            Scope.parse(colon < 0 ? "" : id.substring(0, colon))
                    .ifPresent(scope -> policies.remove(scope, id.substring(colon + 1)));
            LOG.infof("event=policy_applied policy=%s removed=true", id);
            return;
        }
        policies.apply(state);
        LOG.infof("event=policy_applied policy=%s version=%d", id, state.getVersion());
    }

    Uni<Void> publish(PolicyEntity row) {
        return publisher.publish(Topics.GATEWAY_POLICIES, row.id, PolicyRecords.state(row),
                "policy=" + row.id + " version=" + row.version);
    }

    Uni<Void> publishRemoval(String id) {
        return publisher.publish(Topics.GATEWAY_POLICIES, id, null, "policy=" + id);
    }
}
