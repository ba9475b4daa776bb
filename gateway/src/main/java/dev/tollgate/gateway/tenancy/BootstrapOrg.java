package dev.tollgate.gateway.tenancy;

import dev.tollgate.gateway.config.BootstrapConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;

/**
 * Registers the bootstrap key's org as an org row at start-up when a bootstrap key is configured, so that the
 * local platform's org can have teams, keys and budgets like any other. Idempotent, and never fatal: a failure
 * only means the org must be created through {@code /admin/v1/orgs}.
 */
@ApplicationScoped
class BootstrapOrg {

    private static final Logger LOG = Logger.getLogger(BootstrapOrg.class);

    private final BootstrapConfig config;

    @Inject
    BootstrapOrg(BootstrapConfig config) {
        this.config = config;
    }

    void register(@Observes StartupEvent ignored) {
        if (config.apiKey().filter(k -> !k.isBlank()).isEmpty()) {
            return;
        }
        String orgId = config.orgId();
        try {
            boolean created = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() ->
                    OrgEntity.<OrgEntity>findById(orgId).flatMap(found -> {
                        if (found != null) {
                            return Uni.createFrom().item(false);
                        }
                        OrgEntity org = new OrgEntity();
                        org.id = orgId;
                        org.name = orgId;
                        org.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                        return org.persist().replaceWith(true);
                    })));
            LOG.infof("bootstrap org registered org=%s created=%s", orgId, created);
        } catch (Throwable e) {
            LOG.warnf("bootstrap org not registered org=%s reason=%s", orgId, e.getMessage());
        }
    }
}
