package dev.tollgate.gateway.registry;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.gateway.admin.ListView;
import dev.tollgate.gateway.routing.EndpointHealth;
import dev.tollgate.gateway.routing.Router;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deployment status, {@code GET /admin/v1/deployments}: per model and environment, every endpoint with its
 * registered status and this replica's live view of it (health, breaker, outstanding, vLLM queue and KV cache).
 *
 * <p>Why not just {@code /admin/v1/endpoints}: that lists the registry (PostgreSQL), while routing may also hold
 * endpoints that were never registered there (the bootstrap endpoints of {@code tollgate.bootstrap.endpoints},
 * which the local platform uses). A deployment's status is what serves traffic, so it joins both: registered
 * endpoints in any status, plus endpoints routing holds from configuration, marked {@code source: config}.
 */
@Path("/admin/v1/deployments")
@Produces(MediaType.APPLICATION_JSON)
public class DeploymentsResource {

    private final Router router;

    @Inject
    DeploymentsResource(Router router) {
        this.router = router;
    }

    /**
     * One model in one environment.
     *
     * @param object      always {@code deployment}
     * @param model       the model name
     * @param environment development, staging or production
     * @param endpoints   its endpoints, by id
     * @param total       endpoints listed
     * @param routable    endpoints this replica would send a request to now
     * @param outstanding requests in flight on them from this replica
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeploymentView(String object, String model, String environment, List<EndpointStatus> endpoints,
                                 int total, int routable, int outstanding) {
    }

    /**
     * One endpoint of a deployment.
     *
     * @param id      the endpoint id
     * @param baseUrl where it is
     * @param weight  its share of the model's traffic
     * @param status  {@code ready}, {@code disabled} or {@code draining}
     * @param source  {@code registry} (the admin API) or {@code config} (bootstrap configuration)
     * @param health  this replica's live view, or null when routing holds no state for it (disabled, draining,
     *                another environment than this replica's, or not yet propagated)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EndpointStatus(String id, String baseUrl, int weight, String status, String source,
                                 EndpointsResource.LiveHealth health) {
    }

    /** Every deployment, optionally of one {@code model} and/or {@code environment}, by model then environment. */
    @GET
    public Uni<ListView<DeploymentView>> list(@QueryParam("model") String model,
                                              @QueryParam("environment") String environment) {
        return Panache.withSession(() -> EndpointEntity.<EndpointEntity>list("order by model, id"))
                .map(registered -> ListView.of(deployments(registered, router.health()).stream()
                        .filter(d -> model == null || d.model().equals(model))
                        .filter(d -> environment == null || d.environment().equals(environment))
                        .toList()));
    }

    /** Joins the registry's rows with routing's live view, grouped by (model, environment). */
    static List<DeploymentView> deployments(List<EndpointEntity> registered, List<EndpointHealth> live) {
        Map<String, EndpointHealth> liveById = new LinkedHashMap<>();
        live.forEach(h -> liveById.put(h.id(), h));
        Map<String, List<EndpointStatus>> byDeployment = new TreeMap<>();
        Map<String, String[]> names = new LinkedHashMap<>();
        for (EndpointEntity e : registered) {
            EndpointHealth h = liveById.remove(e.id);
            add(byDeployment, names, e.model, e.environment, new EndpointStatus(e.id, e.baseUrl, e.weight, e.status,
                    "registry", h == null ? null : EndpointsResource.LiveHealth.of(h)));
        }
        for (EndpointHealth h : liveById.values()) {
            add(byDeployment, names, h.model(), h.environment().wireName(), new EndpointStatus(h.id(), h.baseUrl(),
                    h.weight(), "ready", "config", EndpointsResource.LiveHealth.of(h)));
        }
        List<DeploymentView> out = new ArrayList<>();
        byDeployment.forEach((key, endpoints) -> {
            endpoints.sort(Comparator.comparing(EndpointStatus::id));
            int routable = (int) endpoints.stream().filter(s -> s.health() != null && s.health().routable()).count();
            int outstanding = endpoints.stream().filter(s -> s.health() != null)
                    .mapToInt(s -> s.health().outstanding()).sum();
            String[] n = names.get(key);
            out.add(new DeploymentView("deployment", n[0], n[1], List.copyOf(endpoints), endpoints.size(), routable,
                    outstanding));
        });
        return out;
    }

    private static void add(Map<String, List<EndpointStatus>> byDeployment, Map<String, String[]> names, String model,
                            String environment, EndpointStatus status) {
        String key = model + "\u0000" + environment;
        names.putIfAbsent(key, new String[] {model, environment});
        byDeployment.computeIfAbsent(key, k -> new ArrayList<>()).add(status);
    }
}
