package dev.tollgate.cli.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Settings;
import dev.tollgate.cli.core.Table;
import picocli.CommandLine;

/**
 * {@code tollgate credentials}: named admin credentials ({@code /admin/v1/credentials},
 * docs/security.md#admin-credentials), so a console, a CI job or a person each get their own revocable token and their
 * own name in the audit trail. A token is shown once, when it is created; the admin API never answers it again.
 */
@CommandLine.Command(name = "credentials", description = "Create, list and revoke named admin credentials (admin or "
        + "read_only).",
        subcommands = {CredentialsCommand.Create.class, CredentialsCommand.List.class, CredentialsCommand.Revoke.class})
public final class CredentialsCommand extends Group {

    /** How a named credential's token starts (the gateway's {@code AdminAccess}). */
    private static final String TOKEN_PREFIX = "tgadm_";

    /** The roles a credential can have, as the admin API names them. */
    enum Role {
        admin, read_only
    }

    @CommandLine.Command(name = "create", description = "Create an admin credential. Its token is printed once and "
            + "stored nowhere: copy it now.",
            footer = {"", "Example:", "  tollgate credentials create --name 'web console' --role read_only"})
    static final class Create extends Command {
        @CommandLine.Option(names = "--name", required = true, description = "What or who it is for, e.g. ci-deploy; "
                + "unique among live credentials. It names the credential in the audit trail.")
        String name;

        @CommandLine.Option(names = "--role", description = "${COMPLETION-CANDIDATES} (default: read_only): "
                + "read_only may only read.")
        Role role;

        @Override
        protected void execute() {
            if (name.isBlank()) {
                throw CliException.usage("--name is empty.", "Name what or who the credential is for, e.g. --name "
                        + "ci-deploy.");
            }
            ObjectNode body = Json.object();
            Json.put(body, "name", name);
            Json.put(body, "role", role == null ? null : role.name());
            JsonNode credential = context().admin().post("/admin/v1/credentials", body);
            Output out = output();
            if (out.json()) {
                out.json(credential);
                return;
            }
            out.say("Created credential " + Formats.text(credential, "id") + " '" + Formats.text(credential, "name")
                    + "' (role " + Formats.text(credential, "role") + ").");
            out.say("This is the only time the token is shown. Store it now:");
            out.say("");
            out.say("  " + Formats.text(credential, "token"));
            out.say("");
            out.say("Use it as " + Settings.ENV_TOKEN + " or token= in the config file.");
        }
    }

    @CommandLine.Command(name = "list", description = "List admin credentials, live and revoked (never a token).")
    static final class List extends Command {
        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/credentials"));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "NAME", "ROLE", "PREFIX", "CREATED BY", "CREATED", "STATE");
            data.forEach(c -> table.row(Formats.text(c, "id"), Formats.text(c, "name"), Formats.text(c, "role"),
                    Formats.text(c, "prefix"), Formats.text(c, "created_by"), Formats.text(c, "created_at"),
                    c.hasNonNull("revoked_at") ? "revoked " + c.get("revoked_at").asText() : "active"));
            out.table(table, "No admin credentials: only the configured tokens are accepted.");
        }
    }

    @CommandLine.Command(name = "revoke", description = "Revoke an admin credential: its next admin call, on any "
            + "replica, gets 401. Safe to repeat.")
    static final class Revoke extends Command {
        @CommandLine.Parameters(paramLabel = "CRED_ID", description = "The credential's id (cred_...), not its token.")
        String id;

        @Override
        protected void execute() {
            if (id.startsWith(TOKEN_PREFIX)) {
                throw CliException.usage("That looks like the token itself, not the credential's id.",
                        "Pass the credential's id (cred_...); 'tollgate credentials list' shows it next to the "
                                + "token's prefix.");
            }
            JsonNode credential = context().admin().post("/admin/v1/credentials/" + ApiClient.segment(id)
                    + "/revoke", null);
            Output out = output();
            if (out.json()) {
                out.json(credential);
            } else {
                out.say("Revoked credential " + Formats.text(credential, "id") + " '" + Formats.text(credential,
                        "name") + "' at " + Formats.text(credential, "revoked_at") + ".");
            }
        }
    }
}
