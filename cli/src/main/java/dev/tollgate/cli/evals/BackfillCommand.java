package dev.tollgate.cli.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine;

/** {@code tollgate evals backfill}: replay backfills of an evaluator over past traffic, {@code /admin/v1/eval-backfills}. */
@CommandLine.Command(name = "backfill", description = "Score past traffic with an evaluator version by replaying "
        + "the requests topic; follow its progress.",
        subcommands = {BackfillCommand.Start.class, BackfillCommand.Progress.class, BackfillCommand.List.class})
public final class BackfillCommand extends Group {

    @CommandLine.Command(name = "start", description = "Start a backfill over a time range (to defaults to now).",
            footer = {"", "Example:", "  tollgate evals backfill start --evaluator short --since 7d"})
    static final class Start extends Command {
        @CommandLine.Option(names = "--id", description = "Its id (default: generated).")
        String id;

        @CommandLine.Option(names = "--evaluator", required = true, paramLabel = "ID", description = "The evaluator.")
        String evaluator;

        @CommandLine.Option(names = "--evaluator-version", paramLabel = "N", description = "Its version (default: "
                + "current).")
        Integer version;

        @CommandLine.Option(names = "--since", paramLabel = "DURATION", description = "The range up to now: 24h, 7d.")
        String since;

        @CommandLine.Option(names = "--from", paramLabel = "INSTANT", description = "Range start, ISO-8601.")
        String from;

        @CommandLine.Option(names = "--to", paramLabel = "INSTANT", description = "Range end, ISO-8601 (default: "
                + "now).")
        String to;

        @Override
        protected void execute() {
            if ((since == null) == (from == null)) {
                throw CliException.usage("Give the range with --since or --from (not both).", "For example --since "
                        + "7d.");
            }
            Instant end = to != null ? Formats.instant(to, "--to") : null;
            Instant start = from != null ? Formats.instant(from, "--from")
                    : Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Formats.duration(since));
            ObjectNode body = Json.object();
            Json.put(body, "id", id);
            Json.put(body, "evaluator_id", evaluator);
            Json.put(body, "version", version);
            Json.put(body, "from", start.toString());
            Json.put(body, "to", end == null ? null : end.toString());
            JsonNode backfill = context().admin().post("/admin/v1/eval-backfills", body);
            Output out = output();
            if (out.json()) {
                out.json(backfill);
            } else {
                out.say("Started backfill " + Formats.text(backfill, "id") + " of " + EvalsCommand.evaluator(
                        backfill.path("evaluator")) + " from " + start + ". Follow it with: tollgate evals backfill "
                        + "progress " + Formats.text(backfill, "id"));
            }
        }
    }

    @CommandLine.Command(name = "progress", description = "A backfill's progress: records read of the range, "
            + "scored, skipped and failed.")
    static final class Progress extends Command {
        @CommandLine.Parameters(paramLabel = "BACKFILL_ID", description = "The backfill id.")
        String id;

        @Override
        protected void execute() {
            JsonNode b = context().admin().get("/admin/v1/eval-backfills/" + ApiClient.segment(id));
            Output out = output();
            if (out.json()) {
                out.json(b);
                return;
            }
            Table table = Table.of("ID", "EVALUATOR", "STATUS", "READ>", "TOTAL>", "DONE>", "SCORED>", "SKIPPED>",
                    "FAILED>");
            row(table, b);
            table.print(out.out());
            if (b.path("progress").hasNonNull("detail")) {
                out.say(b.path("progress").get("detail").asText());
            }
        }
    }

    @CommandLine.Command(name = "list", description = "List backfills and where each stands.")
    static final class List extends Command {
        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/eval-backfills"));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "EVALUATOR", "STATUS", "READ>", "TOTAL>", "DONE>", "SCORED>", "SKIPPED>",
                    "FAILED>");
            data.forEach(b -> row(table, b));
            out.table(table, "No backfills.");
        }
    }

    static void row(Table table, JsonNode b) {
        JsonNode p = b.path("progress");
        long total = p.path("total").asLong();
        long sent = p.path("sent").asLong();
        table.row(Formats.text(b, "id"), EvalsCommand.evaluator(b.path("evaluator")), Formats.text(p, "status"),
                sent, total, total > 0 ? Formats.percent(sent / (double) total) : null, p.path("succeeded").asLong(),
                p.path("skipped").asLong(), p.path("failed").asLong());
    }
}
