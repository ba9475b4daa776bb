package dev.tollgate.cli.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import picocli.CommandLine;

/** {@code tollgate teams}: the teams of an org ({@code /admin/v1/orgs/{org}/teams}). */
@CommandLine.Command(name = "teams", description = "Create and list the teams of an org.",
        subcommands = {TeamsCommand.List.class, TeamsCommand.Create.class})
public final class TeamsCommand extends Group {

    @CommandLine.Command(name = "list", description = "List the teams of an org.")
    static final class List extends Command {
        @CommandLine.Option(names = "--org", required = true, description = "The org.")
        String org;

        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/orgs/" + ApiClient.segment(org) + "/teams"));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "ORG", "NAME", "CREATED");
            data.forEach(t -> table.row(Formats.text(t, "id"), Formats.text(t, "org_id"), Formats.text(t, "name"),
                    Formats.text(t, "created_at")));
            out.table(table, "No teams in org " + org + ".");
        }
    }

    @CommandLine.Command(name = "create", description = "Create a team in an org. Team ids are unique across orgs.")
    static final class Create extends Command {
        @CommandLine.Parameters(paramLabel = "ID", description = "The team id, e.g. acme-search.")
        String id;

        @CommandLine.Option(names = "--org", required = true, description = "The org it belongs to.")
        String org;

        @CommandLine.Option(names = "--name", description = "A display name (default: the id).")
        String name;

        @Override
        protected void execute() {
            JsonNode team = context().admin().post("/admin/v1/orgs/" + ApiClient.segment(org) + "/teams",
                    Json.put(Json.put(Json.object(), "id", id), "name", name));
            Output out = output();
            if (out.json()) {
                out.json(team);
            } else {
                out.say("Created team " + Formats.text(team, "id") + " in org " + Formats.text(team, "org_id") + ".");
            }
        }
    }
}
