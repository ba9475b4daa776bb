package dev.tollgate.cli.alerts;

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
import java.util.ArrayList;
import picocli.CommandLine;

/**
 * {@code tollgate alerts silence}: silences ({@code /admin/v1/silences}), which keep the notifier from delivering the
 * alerts they match while they are active; the alerts still fire and are listed.
 */
@CommandLine.Command(name = "silence", description = "Create, list and expire silences: matching alerts are not "
        + "notified while a silence is active.",
        subcommands = {SilenceCommand.Create.class, SilenceCommand.List.class, SilenceCommand.Expire.class})
public final class SilenceCommand extends Group {

    @CommandLine.Command(name = "create", description = "Silence the alerts whose labels equal every matcher.",
            footer = {"", "Example:", "  tollgate alerts silence create --matcher alertname=EndpointDown "
                    + "--matcher endpoint=vllm-2 --duration 2h --comment 'replacing the GPU'"})
    static final class Create extends Command {
        @CommandLine.Option(names = {"-m", "--matcher"}, required = true, paramLabel = "LABEL=VALUE",
                description = "A label the alert must have with this value; repeat for more (all must match).")
        java.util.List<String> matchers;

        @CommandLine.Option(names = "--duration", defaultValue = "1h", paramLabel = "DURATION",
                description = "How long from its start: 30m, 2h, 1d (default: ${DEFAULT-VALUE}); or --ends-at.")
        String duration;

        @CommandLine.Option(names = "--starts-at", paramLabel = "INSTANT", description = "ISO-8601 (default: now).")
        String startsAt;

        @CommandLine.Option(names = "--ends-at", paramLabel = "INSTANT", description = "ISO-8601, instead of "
                + "--duration.")
        String endsAt;

        @CommandLine.Option(names = "--comment", required = true, description = "Why, for whoever looks later.")
        String comment;

        @CommandLine.Option(names = "--created-by", description = "Who (default: the USER environment variable).")
        String createdBy;

        @CommandLine.Option(names = "--id", description = "Its id (default: generated, sil_...).")
        String id;

        @Override
        protected void execute() {
            Instant start = startsAt == null ? Instant.now().truncatedTo(ChronoUnit.SECONDS)
                    : Formats.instant(startsAt, "--starts-at");
            Instant end = endsAt != null ? Formats.instant(endsAt, "--ends-at")
                    : start.plus(Formats.duration(duration));
            ObjectNode body = Json.object();
            Json.put(body, "id", id);
            body.set("matchers", Json.tree(AlertsCommand.matchers(matchers)));
            Json.put(body, "starts_at", start.toString());
            Json.put(body, "ends_at", end.toString());
            Json.put(body, "comment", comment);
            Json.put(body, "created_by", createdBy != null ? createdBy : System.getenv("USER"));
            JsonNode silence = context().admin().post("/admin/v1/silences", body);
            Output out = output();
            if (out.json()) {
                out.json(silence);
            } else {
                out.say("Created silence " + Formats.text(silence, "id") + " (" + Formats.text(silence, "state")
                        + ") until " + Formats.text(silence, "ends_at") + ".");
            }
        }
    }

    @CommandLine.Command(name = "list", description = "List silences: active and pending ones, and with --all the "
            + "expired ones too.")
    static final class List extends Command {
        @CommandLine.Option(names = "--all", description = "Include expired silences.")
        boolean all;

        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/silences", ApiClient.query("state",
                    all ? null : "active,pending")));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "STATE", "MATCHERS", "STARTS", "ENDS", "CREATED BY", "COMMENT");
            data.forEach(s -> {
                java.util.List<String> matchers = new ArrayList<>();
                s.path("matchers").fields().forEachRemaining(m -> matchers.add(m.getKey() + "=" + m.getValue()
                        .asText()));
                table.row(Formats.text(s, "id"), Formats.text(s, "state"), String.join(" ", matchers),
                        Formats.text(s, "starts_at"), Formats.text(s, "ends_at"), Formats.text(s, "created_by"),
                        Formats.text(s, "comment"));
            });
            out.table(table, all ? "No silences." : "No active or pending silences.");
        }
    }

    @CommandLine.Command(name = "expire", description = "End a silence now: its alerts are notified again from their "
            + "next transition. Safe to repeat.")
    static final class Expire extends Command {
        @CommandLine.Parameters(paramLabel = "ID", description = "The silence id.")
        String id;

        @Override
        protected void execute() {
            if (id.isBlank()) {
                throw CliException.usage("The silence id is empty.", "tollgate alerts silence list shows them.");
            }
            JsonNode silence = context().admin().post("/admin/v1/silences/" + ApiClient.segment(id) + "/expire",
                    Json.object());
            Output out = output();
            if (out.json()) {
                out.json(silence);
            } else {
                out.say("Expired silence " + Formats.text(silence, "id") + " at " + Formats.text(silence, "ends_at")
                        + ".");
            }
        }
    }
}
