package dev.tollgate.streams.budgets;

import java.time.Instant;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.tollgate.streams.query.ApiError;
import dev.tollgate.streams.query.OwnerRouting;
import dev.tollgate.streams.query.RemoteQueryClient;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /v1/budgets/{budgetId}}: a budget's spend in its current period.
 * <ul>
 *   <li>200 with {@link BudgetView}.</li>
 *   <li>404 ({@code budget_not_found}) when no such budget is defined.</li>
 *   <li>503 ({@code budget_unavailable}) with {@code Retry-After} while the stores cannot be queried.</li>
 * </ul>
 * The definition is read from the global definitions store (every instance has it); the spend from the instance
 * that owns the budget's org, as the spend store is partitioned by org.
 */
@Path("/v1/budgets")
@Produces(MediaType.APPLICATION_JSON)
public class BudgetResource {

    private final KafkaStreams streams;
    private final OwnerRouting routing;

    @Inject
    public BudgetResource(KafkaStreams streams, OwnerRouting routing) {
        this.streams = streams;
        this.routing = routing;
    }

    @GET
    @Path("/{budgetId}")
    @Blocking
    @Operation(summary = "A budget's limit, spend, remaining amount and status in its current period")
    public Response budget(@PathParam("budgetId") String budgetId,
            @HeaderParam(RemoteQueryClient.FORWARDED_BY) String forwardedBy, @Context UriInfo uri) {
        Optional<BudgetRule> rule;
        try {
            rule = definition(budgetId);
        } catch (InvalidStateStoreException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", 1)
                    .entity(unavailable("the budget definitions are still loading")).build();
        }
        if (rule.isEmpty()) {
            return Response.status(Response.Status.NOT_FOUND).entity(notFound(budgetId)).build();
        }
        return routing.route(BudgetTopology.SPEND_STORE, rule.get().orgId(), forwardedBy != null,
                uri.getRequestUri().getRawPath(), BudgetResource::unavailable, () -> {
                    ReadOnlyKeyValueStore<String, BudgetSpend> spend = streams.store(StoreQueryParameters
                            .fromNameAndType(BudgetTopology.SPEND_STORE, QueryableStoreTypes.keyValueStore()));
                    return Response.ok(BudgetView.of(rule.get(), spend.get(budgetId), Instant.now())).build();
                });
    }

    /** Scans the definitions: they are keyed by org first, and there are thousands at most. */
    private Optional<BudgetRule> definition(String budgetId) {
        ReadOnlyKeyValueStore<String, BudgetRule> definitions = streams.store(StoreQueryParameters
                .fromNameAndType(BudgetTopology.DEFINITIONS_STORE, QueryableStoreTypes.keyValueStore()));
        try (KeyValueIterator<String, BudgetRule> all = definitions.all()) {
            while (all.hasNext()) {
                KeyValue<String, BudgetRule> entry = all.next();
                if (budgetId.equals(entry.value.budgetId())) {
                    return Optional.of(entry.value);
                }
            }
        }
        return Optional.empty();
    }

    private static ApiError unavailable(String reason) {
        return ApiError.unavailable("Budgets", "budget_unavailable", reason);
    }

    /** 404: no budget has this id. */
    private static ApiError notFound(String budgetId) {
        return new ApiError(new ApiError.Body("No budget '" + budgetId + "' is defined.", "invalid_request_error",
                "budget_id", "budget_not_found"));
    }
}
