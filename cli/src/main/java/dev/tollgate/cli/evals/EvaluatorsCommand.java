package dev.tollgate.cli.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import picocli.CommandLine;

/** {@code tollgate evals evaluators}: {@code /admin/v1/evaluators}. */
@CommandLine.Command(name = "evaluators", description = "List, show and create evaluators.",
        subcommands = {EvaluatorsCommand.List.class, EvaluatorsCommand.Show.class, EvaluatorsCommand.Create.class})
public final class EvaluatorsCommand extends Group {

    /** The evaluator types, for completion and early validation. */
    enum Type {
        exact_match, regex, json_schema, tool_call, similarity, llm_judge
    }

    @CommandLine.Command(name = "list", description = "List evaluators with their current version.")
    static final class List extends Command {
        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/evaluators"));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "NAME", "TYPE", "VERSION>", "SAMPLING>", "ACTIVE", "UPDATED");
            data.forEach(e -> table.row(Formats.text(e, "id"), Formats.text(e, "name"), Formats.text(e, "type"),
                    e.path("version").asInt(), Formats.percent(e.path("sampling_rate").asDouble()),
                    e.path("active").asBoolean() ? "yes" : "no", Formats.text(e, "updated_at")));
            out.table(table, "No evaluators.");
        }
    }

    @CommandLine.Command(name = "show", description = "Show an evaluator: its definition, selector and versions.")
    static final class Show extends Command {
        @CommandLine.Parameters(paramLabel = "ID", description = "The evaluator id.")
        String id;

        @CommandLine.Option(names = "--evaluator-version", paramLabel = "N", description = "An older version (default: the "
                + "current one).")
        Integer version;

        @Override
        protected void execute() {
            String path = "/admin/v1/evaluators/" + ApiClient.segment(id) + (version == null ? "" : "/versions/"
                    + version);
            JsonNode e = context().admin().get(path);
            Output out = output();
            if (out.json()) {
                out.json(e);
                return;
            }
            Table table = Table.of("FIELD", "VALUE");
            table.row("id", Formats.text(e, "id"));
            table.row("name", Formats.text(e, "name"));
            table.row("type", Formats.text(e, "type"));
            table.row("version", e.path("version").asInt() + " of " + e.path("versions").toString());
            table.row("definition", e.path("definition").toString());
            table.row("selector", e.path("selector").toString());
            table.row("sampling rate", Formats.percent(e.path("sampling_rate").asDouble()));
            table.row("active", e.path("active").asBoolean() ? "yes" : "no");
            table.row("updated", Formats.text(e, "updated_at"));
            table.print(out.out());
        }
    }

    @CommandLine.Command(name = "create", description = "Create an evaluator at version 1.",
            footer = {"", "Examples:",
                    "  tollgate evals evaluators create --id short --name 'Short answer' --type regex "
                            + "--definition '{\"pattern\": \"^.{1,200}$\"}'",
                    "  tollgate evals evaluators create --name Helpful --type llm_judge --definition @judge.json "
                            + "--selector '{\"models\": [\"llama-3-8b\"]}' --sampling-rate 0.1"})
    static final class Create extends Command {
        @CommandLine.Option(names = "--id", description = "Its id (default: generated).")
        String id;

        @CommandLine.Option(names = "--name", required = true, description = "A name for people.")
        String name;

        @CommandLine.Option(names = "--type", required = true, description = "${COMPLETION-CANDIDATES}.")
        Type type;

        @CommandLine.Option(names = "--definition", required = true, paramLabel = "JSON|@FILE",
                description = "The type's definition (docs/evals.md#evaluators).")
        String definition;

        @CommandLine.Option(names = "--selector", paramLabel = "JSON|@FILE", description = "Which live requests it "
                + "scores: orgs, models, endpoints, environments, keys, tags (default: all).")
        String selector;

        @CommandLine.Option(names = "--sampling-rate", paramLabel = "SHARE", description = "0 to 1 (default: 1).")
        Double samplingRate;

        @Override
        protected void execute() {
            ObjectNode body = Json.object();
            Json.put(body, "id", id);
            Json.put(body, "name", name);
            Json.put(body, "type", type.name());
            body.set("definition", Json.argument(definition, "--definition"));
            if (selector != null) {
                body.set("selector", Json.argument(selector, "--selector"));
            }
            Json.put(body, "sampling_rate", samplingRate);
            JsonNode created = context().admin().post("/admin/v1/evaluators", body);
            Output out = output();
            if (out.json()) {
                out.json(created);
            } else {
                out.say("Created evaluator " + Formats.text(created, "id") + " (" + Formats.text(created, "type")
                        + ", version " + created.path("version").asInt() + ").");
            }
        }
    }
}
