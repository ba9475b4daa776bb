package dev.tollgate.cli.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Group;
import java.util.Locale;
import picocli.CommandLine;

/**
 * {@code tollgate evals}: evaluators, datasets, runs and backfills over the gateway's evals admin API, and results and
 * comparisons from the streams query API ({@code /v1/evals/...}), docs/evals.md.
 */
@CommandLine.Command(name = "evals", description = "Evaluators, datasets, eval runs, comparisons and backfills.",
        subcommands = {EvaluatorsCommand.class, DatasetsCommand.class, RunsCommand.class, CompareCommand.class,
                BackfillCommand.class})
public final class EvalsCommand extends Group {

    /** A score or share with three decimals, or null. */
    static String score(JsonNode node, String field) {
        return node.hasNonNull(field) ? String.format(Locale.ROOT, "%.3f", node.get(field).asDouble()) : null;
    }

    /** A confidence interval {@code [low, high]} as {@code 0.512–0.730}, or null. */
    static String interval(JsonNode node, String field) {
        JsonNode ci = node.path(field);
        return ci.isArray() && ci.size() == 2 ? String.format(Locale.ROOT, "%.3f–%.3f", ci.get(0).asDouble(),
                ci.get(1).asDouble()) : null;
    }

    /** A run's or backfill's progress as {@code sent/total}. */
    static String progress(JsonNode progress) {
        return progress.path("sent").asLong() + "/" + progress.path("total").asLong();
    }

    /** The evaluator reference {@code id v2}. */
    static String evaluator(JsonNode ref) {
        return Formats.text(ref, "id") + " v" + ref.path("version").asInt();
    }
}
