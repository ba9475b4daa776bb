package dev.tollgate.streams.evals;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tollgate.evals.stats.ScoreStats;
import dev.tollgate.streams.query.ApiError;
import dev.tollgate.streams.query.OwnerRouting;
import dev.tollgate.streams.query.QueryOutcome;
import dev.tollgate.streams.query.RemoteQueryClient;
import io.smallrye.common.annotation.Blocking;

/**
 * The evals query API, each answer from the instance that owns its key ({@link OwnerRouting}):
 * <ul>
 *   <li>{@code GET /v1/evals/evaluators/{id}/scores}: an evaluator's statistics per version, model and endpoint,
 *       overall and per hour, over a time range;</li>
 *   <li>{@code GET /v1/evals/runs/{id}}: a run's statistics per model and evaluator, whether it is complete, and its
 *       verdict against its thresholds (the quality gate);</li>
 *   <li>{@code GET /v1/evals/runs/{id}/examples}: a run's scores example by example;</li>
 *   <li>{@code GET /v1/evals/compare}: two runs, two models of a run, or two models, endpoints or versions of an
 *       evaluator over a time range, side by side, with the examples that regressed.</li>
 * </ul>
 * Errors use the OpenAI shape: 400 {@code invalid_request} naming the parameter, 404 {@code run_not_found}, 503
 * {@code evals_unavailable} with {@code Retry-After} while a store cannot be read.
 */
@Path("/v1/evals")
@Produces(MediaType.APPLICATION_JSON)
public class EvalsResource {

    /** The longest range a windows query may cover: the windows' retention. */
    static final Duration MAX_RANGE = EvalsTopology.WINDOW_RETENTION;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final EvalsQuery query;
    private final OwnerRouting routing;

    @Inject
    public EvalsResource(EvalsQuery query, OwnerRouting routing) {
        this.query = query;
        this.routing = routing;
    }

    @GET
    @Path("/evaluators/{id}/scores")
    @Blocking
    @Operation(summary = "An evaluator's statistics per version, model and endpoint, overall and per hour")
    public Response scores(@PathParam("id") String evaluatorId, @QueryParam("version") Integer version,
                           @QueryParam("model") String model, @QueryParam("endpoint") String endpoint,
                           @QueryParam("from") String from, @QueryParam("to") String to,
                           @HeaderParam(RemoteQueryClient.FORWARDED_BY) String forwardedBy, @Context UriInfo uri) {
        Instant end = to == null ? Instant.now() : instant("to", to);
        Instant start = from == null ? end.minus(Duration.ofDays(1)) : instant("from", from);
        checkRange(start, end);
        return routing.route(EvalsTopology.WINDOWS_STORE, evaluatorId, forwardedBy != null, pathAndQuery(uri),
                EvalsResource::unavailable, () -> {
                    var windows = query.windows(evaluatorId, start, end,
                            new EvalsQuery.SeriesFilter(version, model, endpoint));
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("object", "evals.scores");
                    body.put("evaluator_id", evaluatorId);
                    body.put("from", start.toString());
                    body.put("to", end.toString());
                    body.put("series", EvalsQuery.seriesView(windows));
                    return Response.ok(body).build();
                });
    }

    @GET
    @Path("/runs/{id}")
    @Blocking
    @Operation(summary = "A run's statistics per model and evaluator, completeness and verdict")
    public Response run(@PathParam("id") String runId,
                        @HeaderParam(RemoteQueryClient.FORWARDED_BY) String forwardedBy, @Context UriInfo uri) {
        return routing.route(EvalsTopology.RUN_EXAMPLES_STORE, runId, forwardedBy != null, pathAndQuery(uri),
                EvalsResource::unavailable, () -> {
                    RunEntry run = query.run(runId);
                    if (run == null) {
                        return notFound(runId);
                    }
                    return Response.ok(RunResult.of(run, query.runScores(runId, s -> true),
                            query.exampleCount(run.datasetId()))).build();
                });
    }

    @GET
    @Path("/runs/{id}/examples")
    @Blocking
    @Operation(summary = "A run's scores, example by example")
    public Response runExamples(@PathParam("id") String runId, @QueryParam("evaluator") String evaluator,
                                @QueryParam("model") String model,
                                @HeaderParam(RemoteQueryClient.FORWARDED_BY) String forwardedBy, @Context UriInfo uri) {
        return routing.route(EvalsTopology.RUN_EXAMPLES_STORE, runId, forwardedBy != null, pathAndQuery(uri),
                EvalsResource::unavailable, () -> {
                    RunEntry run = query.run(runId);
                    if (run == null) {
                        return notFound(runId);
                    }
                    List<ScoredRequest> scores = query.runScores(runId, s -> (evaluator == null
                            || evaluator.equals(s.evaluatorId())) && (model == null || model.equals(s.model())));
                    return Response.ok(Map.of("object", "list", "data", scores)).build();
                });
    }

    /**
     * Two sides compared. Runs: {@code a_run} and {@code b_run} (or {@code run} for both), each with an optional
     * {@code a_model} / {@code b_model} (required when a run has two). Live traffic: {@code evaluator}, {@code from},
     * {@code to}, and one pair of {@code a_model}/{@code b_model}, {@code a_endpoint}/{@code b_endpoint} or
     * {@code a_version}/{@code b_version}.
     */
    @GET
    @Path("/compare")
    @Blocking
    @Operation(summary = "Two runs, two models of a run, or two sides of an evaluator over a time range")
    public Response compare(@QueryParam("run") String run, @QueryParam("a_run") String aRun,
                            @QueryParam("b_run") String bRun, @QueryParam("a_model") String aModel,
                            @QueryParam("b_model") String bModel, @QueryParam("evaluator") String evaluator,
                            @QueryParam("a_endpoint") String aEndpoint, @QueryParam("b_endpoint") String bEndpoint,
                            @QueryParam("a_version") Integer aVersion, @QueryParam("b_version") Integer bVersion,
                            @QueryParam("from") String from, @QueryParam("to") String to,
                            @HeaderParam(RemoteQueryClient.FORWARDED_BY) String forwardedBy, @Context UriInfo uri) {
        String left = aRun != null ? aRun : run;
        String right = bRun != null ? bRun : run;
        if (left != null || right != null) {
            if (left == null || right == null) {
                return invalid("b_run", "Name both runs: a_run and b_run, or run for two models of one run.");
            }
            return compareRuns(left, aModel, right, bModel);
        }
        if (evaluator == null) {
            return invalid("evaluator", "Give two runs (a_run, b_run), or an evaluator and a time range.");
        }
        Instant end = to == null ? Instant.now() : instant("to", to);
        Instant start = from == null ? end.minus(Duration.ofDays(1)) : instant("from", from);
        checkRange(start, end);
        EvalsQuery.SeriesFilter a = new EvalsQuery.SeriesFilter(aVersion, aModel, aEndpoint);
        EvalsQuery.SeriesFilter b = new EvalsQuery.SeriesFilter(bVersion, bModel, bEndpoint);
        if (a.equals(b)) {
            return invalid("b_model", "The two sides are the same: set a_model and b_model, a_endpoint and "
                    + "b_endpoint, or a_version and b_version.");
        }
        return routing.route(EvalsTopology.WINDOWS_STORE, evaluator, forwardedBy != null, pathAndQuery(uri),
                EvalsResource::unavailable, () -> Response.ok(Comparison.ofWindows(evaluator, side(a), merged(
                        query.windows(evaluator, start, end, a)), side(b), merged(query.windows(evaluator, start,
                        end, b)))).build());
    }

    private Response compareRuns(String aRun, String aModel, String bRun, String bModel) {
        RunScores a = runScores(aRun);
        RunScores b = runScores(bRun);
        if (a.error() != null) {
            return a.error();
        }
        if (b.error() != null) {
            return b.error();
        }
        String left = model(a, aModel);
        String right = model(b, bModel);
        if (left == null || right == null) {
            return invalid(left == null ? "a_model" : "b_model", "That run has two models: choose one with "
                    + (left == null ? "a_model" : "b_model") + ", or the model named is not one of the run's.");
        }
        return Response.ok(Comparison.ofRuns(Map.of("run_id", aRun, "model", left),
                a.scores().stream().filter(s -> left.equals(s.model())).toList(),
                Map.of("run_id", bRun, "model", right),
                b.scores().stream().filter(s -> right.equals(s.model())).toList())).build();
    }

    private record RunScores(List<String> models, List<ScoredRequest> scores, Response error) {
    }

    /** A run's models and scores, from the instance that owns the run. */
    private RunScores runScores(String runId) {
        String path = "/v1/evals/runs/" + encode(runId) + "/examples";
        QueryOutcome outcome = routing.fetch(EvalsTopology.RUN_EXAMPLES_STORE, runId, path, () -> {
            RunEntry run = query.run(runId);
            return run == null ? null : write(Map.of("object", "list", "data", query.runScores(runId, s -> true)));
        });
        if (outcome instanceof QueryOutcome.Unavailable unavailable) {
            return new RunScores(null, null, routing.unavailableResponse(unavailable(unavailable.reason())));
        }
        QueryOutcome.Relayed relayed = (QueryOutcome.Relayed) outcome;
        if (relayed.body() == null || relayed.status() == 404) {
            return new RunScores(null, null, notFound(runId));
        }
        if (relayed.status() != 200) {
            return new RunScores(null, null, Response.status(relayed.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(relayed.body()).build());
        }
        RunEntry run = query.run(runId);
        try {
            List<ScoredRequest> scores = JSON.convertValue(JSON.readTree(relayed.body()).path("data"),
                    new TypeReference<List<ScoredRequest>>() { });
            return new RunScores(run == null ? List.of() : run.models(), scores, null);
        } catch (IOException | IllegalArgumentException e) {
            return new RunScores(null, null, routing.unavailableResponse(
                    unavailable("the instance that owns the run answered something unreadable")));
        }
    }

    private static String model(RunScores run, String asked) {
        if (asked != null) {
            return run.models().contains(asked) ? asked : null;
        }
        return run.models().size() == 1 ? run.models().get(0) : null;
    }

    private static ScoreStats merged(Map<EvalsQuery.SeriesKey, TreeMap<Long, ScoreStats>> windows) {
        return windows.values().stream().flatMap(m -> m.values().stream()).reduce(ScoreStats.EMPTY, ScoreStats::merge);
    }

    private static Map<String, String> side(EvalsQuery.SeriesFilter filter) {
        Map<String, String> side = new LinkedHashMap<>();
        if (filter.version() != null) {
            side.put("version", filter.version().toString());
        }
        if (filter.model() != null) {
            side.put("model", filter.model());
        }
        if (filter.endpointId() != null) {
            side.put("endpoint_id", filter.endpointId());
        }
        return side;
    }

    private static Instant instant(String param, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new jakarta.ws.rs.WebApplicationException(invalid(param, "'" + param
                    + "' must be an ISO-8601 instant such as 2026-12-01T00:00:00Z."));
        }
    }

    private static void checkRange(Instant start, Instant end) {
        if (!start.isBefore(end) || Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw new jakarta.ws.rs.WebApplicationException(invalid("from", "The range must start before it ends "
                    + "and span at most " + MAX_RANGE.toDays() + " days."));
        }
    }

    private static String pathAndQuery(UriInfo uri) {
        String query = uri.getRequestUri().getRawQuery();
        return uri.getRequestUri().getRawPath() + (query == null ? "" : "?" + query);
    }

    private static String encode(String id) {
        return java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("plain values always serialize", e);
        }
    }

    private static Response notFound(String runId) {
        return Response.status(Response.Status.NOT_FOUND).entity(new ApiError(new ApiError.Body("No eval run '"
                + runId + "' is known.", "invalid_request_error", "run_id", "run_not_found"))).build();
    }

    private static Response invalid(String param, String message) {
        return Response.status(Response.Status.BAD_REQUEST).entity(ApiError.invalidParameter(param, message)).build();
    }

    private static ApiError unavailable(String reason) {
        return ApiError.unavailable("Eval results", "evals_unavailable", reason);
    }
}
