package dev.tollgate.cli.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.ExitCode;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import java.util.ArrayList;
import picocli.CommandLine;

/**
 * {@code tollgate evals runs}: eval runs ({@code /admin/v1/eval-runs}) and their scores per model and evaluator
 * (the streams query API's {@code /v1/evals/runs/{id}}).
 */
@CommandLine.Command(name = "runs", description = "List, show and start eval runs of a dataset against one or two "
        + "models.",
        subcommands = {RunsCommand.List.class, RunsCommand.Show.class, RunsCommand.Start.class})
public final class RunsCommand extends Group {

    @CommandLine.Command(name = "list", description = "List eval runs with their progress and verdict.")
    static final class List extends Command {
        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/eval-runs"));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "DATASET", "MODELS", "EVALUATORS", "STATUS", "SENT>", "FAILED>", "VERDICT",
                    "CREATED");
            data.forEach(r -> {
                java.util.List<String> evaluators = new ArrayList<>();
                r.path("evaluators").forEach(e -> evaluators.add(EvalsCommand.evaluator(e)));
                JsonNode p = r.path("progress");
                table.row(Formats.text(r, "id"), Formats.text(r, "dataset_id"), join(r.path("models")),
                        String.join(", ", evaluators), Formats.text(p, "status"), EvalsCommand.progress(p),
                        p.path("failed").asLong(), Formats.text(p, "verdict"), Formats.text(r, "created_at"));
            });
            out.table(table, "No eval runs.");
        }
    }

    @CommandLine.Command(name = "show", description = "Show a run: its progress, and its scores per model and "
            + "evaluator with 95% confidence intervals.")
    static final class Show extends Command {
        @CommandLine.Parameters(paramLabel = "RUN_ID", description = "The run id.")
        String id;

        @Override
        protected void execute() {
            JsonNode run = context().admin().get("/admin/v1/eval-runs/" + ApiClient.segment(id));
            JsonNode result = null;
            String problem = null;
            try {
                result = context().streams().get("/v1/evals/runs/" + ApiClient.segment(id));
            } catch (CliException e) {
                if (e.exitCode() == ExitCode.USAGE || e.exitCode() == ExitCode.AUTH) {
                    throw e;
                }
                problem = e.getMessage();
            }
            Output out = output();
            if (out.json()) {
                ObjectNode both = Json.object();
                both.set("run", run);
                both.set("result", result);
                out.json(both);
                if (problem != null) {
                    out.warn("no scores: " + problem);
                }
                return;
            }
            JsonNode p = run.path("progress");
            out.say("Run " + Formats.text(run, "id") + " of dataset " + Formats.text(run, "dataset_id") + ": "
                    + Formats.text(p, "status") + ", " + EvalsCommand.progress(p) + " sent, " + p.path("failed")
                    .asLong() + " failed" + (p.hasNonNull("verdict") ? ", verdict " + p.get("verdict").asText() : "")
                    + (p.hasNonNull("detail") ? " (" + p.get("detail").asText() + ")" : "") + ".");
            if (result == null) {
                out.say("No scores yet: " + problem);
                return;
            }
            Table table = Table.of("MODEL", "EVALUATOR", "SCORED>", "ERRORS>", "MEAN>", "MEAN 95% CI", "PASS RATE>",
                    "PASS 95% CI");
            result.path("results").forEach(r -> {
                JsonNode s = r.path("stats");
                table.row(Formats.text(r, "model"), Formats.text(r, "evaluator_id") + " v" + r.path("version")
                        .asInt(), r.path("scored").asLong(), s.path("errors").asLong(), EvalsCommand.score(s, "mean"),
                        EvalsCommand.interval(s, "mean_ci"), EvalsCommand.score(s, "pass_rate"),
                        EvalsCommand.interval(s, "pass_rate_ci"));
            });
            out.table(table, "No scores yet.");
            result.path("thresholds").forEach(t -> out.say("threshold " + Formats.text(t, "evaluator_id") + " "
                    + Formats.text(t, "metric") + " >= " + t.path("min").asDouble() + " on " + Formats.text(t, "model")
                    + ": " + (t.path("passed").asBoolean() ? "passed" : "missed") + " ("
                    + EvalsCommand.score(t, "value") + ")"));
            out.say((result.path("complete").asBoolean() ? "complete" : "incomplete") + " ("
                    + result.path("expected_examples").asLong() + " examples)"
                    + (result.hasNonNull("verdict") ? ", verdict " + result.get("verdict").asText() : ""));
        }
    }

    @CommandLine.Command(name = "start", description = "Start a run: the evals worker sends every example of the "
            + "dataset through the gateway to each model, and the streams app scores the answers.",
            footer = {"", "Example:", "  tollgate evals runs start --dataset capitals --model llama-3-8b "
                    + "--model mistral-7b --evaluator overlap --evaluator helpful:2 "
                    + "--threshold overlap:pass_rate:0.8"})
    static final class Start extends Command {
        @CommandLine.Option(names = "--id", description = "Its id (default: generated).")
        String id;

        @CommandLine.Option(names = "--dataset", required = true, paramLabel = "DATASET_ID", description = "The "
                + "dataset to send.")
        String dataset;

        @CommandLine.Option(names = "--model", required = true, description = "A model to answer; give it twice to "
                + "compare two side by side.")
        java.util.List<String> models;

        @CommandLine.Option(names = "--evaluator", required = true, paramLabel = "ID[:VERSION]", description =
                "An evaluator to score with, at its current version or the one given; repeat for more.")
        java.util.List<String> evaluators;

        @CommandLine.Option(names = "--threshold", paramLabel = "EVALUATOR:METRIC:MIN", description = "A pass "
                + "threshold, e.g. overlap:pass_rate:0.8 (metric mean or pass_rate); makes the run a quality gate.")
        java.util.List<String> thresholds;

        @CommandLine.Option(names = "--concurrency", description = "Requests in flight (default: 4).")
        Integer concurrency;

        @CommandLine.Option(names = "--max-tokens", description = "max_tokens of each request.")
        Integer maxTokens;

        @CommandLine.Option(names = "--temperature", description = "temperature of each request.")
        Double temperature;

        @CommandLine.Option(names = "--environment", description = "Only endpoints of this environment serve it.")
        String environment;

        @Override
        protected void execute() {
            if (models.size() > 2) {
                throw CliException.usage("A run answers with one model or two side by side, not " + models.size()
                        + ".", null);
            }
            ObjectNode body = Json.object();
            Json.put(body, "id", id);
            Json.put(body, "dataset_id", dataset);
            Json.put(body, "models", models);
            ArrayNode refs = body.putArray("evaluators");
            for (String e : evaluators) {
                int colon = e.indexOf(':');
                if (colon < 0) {
                    refs.add(e);
                } else {
                    ObjectNode ref = refs.addObject().put("id", e.substring(0, colon));
                    ref.put("version", integer(e.substring(colon + 1), "--evaluator " + e));
                }
            }
            if (thresholds != null) {
                ArrayNode list = body.putArray("thresholds");
                for (String t : thresholds) {
                    String[] parts = t.split(":");
                    if (parts.length != 3) {
                        throw CliException.usage("--threshold '" + t + "' is not EVALUATOR:METRIC:MIN.", "For example "
                                + "--threshold overlap:pass_rate:0.8.");
                    }
                    list.addObject().put("evaluator_id", parts[0]).put("metric", parts[1])
                            .put("min", number(parts[2], "--threshold " + t));
                }
            }
            Json.put(body, "concurrency", concurrency);
            Json.put(body, "max_tokens", maxTokens);
            Json.put(body, "temperature", temperature);
            Json.put(body, "environment", environment);
            JsonNode run = context().admin().post("/admin/v1/eval-runs", body);
            Output out = output();
            if (out.json()) {
                out.json(run);
            } else {
                out.say("Started run " + Formats.text(run, "id") + " of dataset " + Formats.text(run, "dataset_id")
                        + " against " + join(run.path("models")) + ". Follow it with: tollgate evals runs show "
                        + Formats.text(run, "id"));
            }
        }

        private static int integer(String text, String what) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw CliException.usage(what + ": '" + text + "' is not a version number.", null);
            }
        }

        private static double number(String text, String what) {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw CliException.usage(what + ": '" + text + "' is not a number.", null);
            }
        }
    }

    static String join(JsonNode array) {
        java.util.List<String> items = new ArrayList<>();
        array.forEach(i -> items.add(i.asText()));
        return String.join(", ", items);
    }
}
