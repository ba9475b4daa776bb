package dev.tollgate.cli.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code tollgate evals compare}: the streams query API's {@code /v1/evals/compare}, per evaluator: both sides'
 * statistics with confidence intervals, the difference of the means, and the examples that regressed.
 */
@CommandLine.Command(name = "compare", description = "Compare two models of a run, two runs, or two sides of live "
        + "traffic (models, endpoints or evaluator versions), evaluator by evaluator.",
        footer = {"", "Examples:", "  tollgate evals compare --run capitals-ab --a-model llama-3-8b --b-model mistral-7b",
                "  tollgate evals compare --a-run capitals-before --b-run capitals-after",
                "  tollgate evals compare --evaluator helpful --a-version 1 --b-version 2 --since 7d"})
public final class CompareCommand extends Command {

    @CommandLine.Option(names = "--run", paramLabel = "RUN_ID", description = "One run of two models.")
    String run;

    @CommandLine.Option(names = "--a-run", paramLabel = "RUN_ID", description = "Side a: a run.")
    String aRun;

    @CommandLine.Option(names = "--b-run", paramLabel = "RUN_ID", description = "Side b: a run.")
    String bRun;

    @CommandLine.Option(names = "--evaluator", paramLabel = "ID", description = "Live traffic scored by this "
            + "evaluator.")
    String evaluator;

    @CommandLine.Option(names = "--a-model", description = "Side a's model.")
    String aModel;

    @CommandLine.Option(names = "--b-model", description = "Side b's model.")
    String bModel;

    @CommandLine.Option(names = "--a-endpoint", description = "Side a's endpoint (live traffic).")
    String aEndpoint;

    @CommandLine.Option(names = "--b-endpoint", description = "Side b's endpoint (live traffic).")
    String bEndpoint;

    @CommandLine.Option(names = "--a-version", description = "Side a's evaluator version (live traffic).")
    Integer aVersion;

    @CommandLine.Option(names = "--b-version", description = "Side b's evaluator version (live traffic).")
    Integer bVersion;

    @CommandLine.Option(names = "--since", paramLabel = "DURATION", description = "Live traffic: the range up to "
            + "now (default: 24h).")
    String since;

    @CommandLine.Option(names = "--from", paramLabel = "INSTANT", description = "Live traffic: range start.")
    String from;

    @CommandLine.Option(names = "--to", paramLabel = "INSTANT", description = "Live traffic: range end.")
    String to;

    @Override
    protected void execute() {
        int kinds = (run != null ? 1 : 0) + (aRun != null || bRun != null ? 1 : 0) + (evaluator != null ? 1 : 0);
        if (kinds != 1) {
            throw CliException.usage("Say what to compare: --run R (two models of one run), --a-run R1 --b-run R2, "
                    + "or --evaluator E (live traffic).", "tollgate evals compare --help has examples.");
        }
        if ((aRun == null) != (bRun == null)) {
            throw CliException.usage("Give both --a-run and --b-run.", null);
        }
        Map<String, String> query;
        if (evaluator != null) {
            Instant end = to != null ? Formats.instant(to, "--to") : Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant start = from != null ? Formats.instant(from, "--from")
                    : end.minus(Formats.duration(since != null ? since : "24h"));
            query = ApiClient.query("evaluator", evaluator, "a_model", aModel, "b_model", bModel, "a_endpoint",
                    aEndpoint, "b_endpoint", bEndpoint, "a_version", str(aVersion), "b_version", str(bVersion),
                    "from", start.toString(), "to", end.toString());
        } else {
            if (aEndpoint != null || bEndpoint != null || aVersion != null || bVersion != null || since != null
                    || from != null || to != null) {
                throw CliException.usage("--a-endpoint, --b-endpoint, --a-version, --b-version and the range are "
                        + "for live traffic (--evaluator); runs are compared whole.", null);
            }
            query = ApiClient.query("run", run, "a_run", aRun, "b_run", bRun, "a_model", aModel, "b_model", bModel);
        }
        JsonNode comparison = context().streams().get("/v1/evals/compare", query);
        Output out = output();
        if (out.json()) {
            out.json(comparison);
            return;
        }
        out.say("a: " + side(comparison.path("a")) + "    b: " + side(comparison.path("b")));
        Table table = Table.of("EVALUATOR", "A MEAN>", "A 95% CI", "B MEAN>", "B 95% CI", "DELTA>", "A PASS>",
                "B PASS>", "REGRESSED>", "IMPROVED>");
        comparison.path("evaluators").forEach(e -> table.row(Formats.text(e, "evaluator_id"),
                EvalsCommand.score(e.path("a"), "mean"), EvalsCommand.interval(e.path("a"), "mean_ci"),
                EvalsCommand.score(e.path("b"), "mean"), EvalsCommand.interval(e.path("b"), "mean_ci"),
                e.hasNonNull("mean_delta") ? String.format(Locale.ROOT, "%+.3f", e.get("mean_delta").asDouble())
                        : null,
                EvalsCommand.score(e.path("a"), "pass_rate"), EvalsCommand.score(e.path("b"), "pass_rate"),
                e.hasNonNull("regressed_count") ? e.get("regressed_count").asLong() : null,
                e.hasNonNull("improved_count") ? e.get("improved_count").asLong() : null));
        out.table(table, "Nothing scored on either side.");
    }

    private static String side(JsonNode side) {
        StringBuilder b = new StringBuilder();
        side.fields().forEachRemaining(f -> b.append(b.length() == 0 ? "" : " ").append(f.getKey()).append('=')
                .append(f.getValue().asText()));
        return b.toString();
    }

    private static String str(Integer value) {
        return value == null ? null : value.toString();
    }
}
