package dev.tollgate.cli.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import picocli.CommandLine;

/** {@code tollgate orgs}: the orgs of the admin API ({@code /admin/v1/orgs}). */
@CommandLine.Command(name = "orgs", description = "Create and list orgs.",
        subcommands = {OrgsCommand.List.class, OrgsCommand.Create.class})
public final class OrgsCommand extends Group {

    @CommandLine.Command(name = "list", description = "List every org.")
    static final class List extends Command {
        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/orgs"));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "NAME", "CREATED");
            data.forEach(o -> table.row(Formats.text(o, "id"), Formats.text(o, "name"), Formats.text(o, "created_at")));
            out.table(table, "No orgs.");
        }
    }

    @CommandLine.Command(name = "create", description = "Create an org. Its id appears in every usage event and on "
            + "invoices: lowercase letters, digits, '-' and '_'.")
    static final class Create extends Command {
        @CommandLine.Parameters(paramLabel = "ID", description = "The org id, e.g. acme.")
        String id;

        @CommandLine.Option(names = "--name", description = "A display name (default: the id).")
        String name;

        @Override
        protected void execute() {
            JsonNode org = context().admin().post("/admin/v1/orgs", Json.put(Json.put(Json.object(), "id", id),
                    "name", name));
            Output out = output();
            if (out.json()) {
                out.json(org);
            } else {
                out.say("Created org " + Formats.text(org, "id") + " (" + Formats.text(org, "name") + ").");
            }
        }
    }
}
