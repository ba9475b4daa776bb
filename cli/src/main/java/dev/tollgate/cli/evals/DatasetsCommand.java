package dev.tollgate.cli.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** {@code tollgate evals datasets}: {@code /admin/v1/datasets}. */
@CommandLine.Command(name = "datasets", description = "List, show and create datasets of examples.",
        subcommands = {DatasetsCommand.List.class, DatasetsCommand.Show.class, DatasetsCommand.Create.class})
public final class DatasetsCommand extends Group {

    @CommandLine.Command(name = "list", description = "List datasets with their example counts.")
    static final class List extends Command {
        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/datasets"));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "NAME", "EXAMPLES>", "UPDATED", "DESCRIPTION");
            data.forEach(d -> table.row(Formats.text(d, "id"), Formats.text(d, "name"),
                    d.path("example_count").asLong(), Formats.text(d, "updated_at"), Formats.text(d, "description")));
            out.table(table, "No datasets.");
        }
    }

    @CommandLine.Command(name = "show", description = "Show a dataset and its examples.")
    static final class Show extends Command {
        @CommandLine.Parameters(paramLabel = "ID", description = "The dataset id.")
        String id;

        @Override
        protected void execute() {
            JsonNode d = context().admin().get("/admin/v1/datasets/" + ApiClient.segment(id));
            Output out = output();
            if (out.json()) {
                out.json(d);
                return;
            }
            out.say(Formats.text(d, "id") + ": " + Formats.text(d, "name") + ", " + d.path("example_count").asLong()
                    + " examples");
            Table table = Table.of("EXAMPLE", "LAST MESSAGE", "REFERENCE OUTPUT");
            d.path("examples").forEach(e -> {
                JsonNode messages = e.path("messages");
                String last = messages.isArray() && !messages.isEmpty()
                        ? Formats.text(messages.get(messages.size() - 1), "content") : null;
                table.row(Formats.text(e, "id"), shorten(last), shorten(Formats.text(e, "reference_output")));
            });
            out.table(table, "No examples.");
        }

        private static String shorten(String text) {
            if (text == null) {
                return null;
            }
            String line = text.replaceAll("\\s+", " ");
            return line.length() > 60 ? line.substring(0, 59) + "…" : line;
        }
    }

    @CommandLine.Command(name = "create", description = "Create a dataset from a file of examples: a JSON array, "
            + "or JSON Lines (one example per line).",
            footer = {"", "An example: {\"id\": \"fr\", \"messages\": [{\"role\": \"user\", \"content\": "
                    + "\"Capital of France?\"}], \"reference_output\": \"Paris\"}",
                    "", "Example:", "  tollgate evals datasets create capitals --name Capitals --examples "
                    + "capitals.jsonl"})
    static final class Create extends Command {
        @CommandLine.Parameters(paramLabel = "ID", arity = "0..1", description = "Its id (default: generated).")
        String id;

        @CommandLine.Option(names = "--name", required = true, description = "A name for people.")
        String name;

        @CommandLine.Option(names = "--description", description = "What it tests.")
        String description;

        @CommandLine.Option(names = "--examples", paramLabel = "FILE", description = "A JSON array or JSON Lines "
                + "file of examples (up to 10,000).")
        Path examples;

        @Override
        protected void execute() {
            ObjectNode body = Json.object();
            Json.put(body, "id", id);
            Json.put(body, "name", name);
            Json.put(body, "description", description);
            if (examples != null) {
                body.set("examples", read(examples));
            }
            JsonNode created = context().admin().post("/admin/v1/datasets", body);
            Output out = output();
            if (out.json()) {
                out.json(created);
            } else {
                out.say("Created dataset " + Formats.text(created, "id") + " with "
                        + created.path("example_count").asLong() + " examples.");
            }
        }

        /** The examples of a JSON array file or a JSON Lines file. */
        static ArrayNode read(Path file) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw CliException.usage("--examples: cannot read " + file + " (" + e.getClass().getSimpleName()
                        + ").", null);
            }
            if (text.strip().startsWith("[")) {
                JsonNode array = Json.argument(text, "--examples");
                return (ArrayNode) array;
            }
            ArrayNode array = Json.array();
            String[] lines = text.split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    array.add(Json.argument(lines[i], "--examples line " + (i + 1)));
                }
            }
            return array;
        }
    }
}
