package dev.tollgate.cli.tenancy;

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
 * {@code tollgate keys}: API keys ({@code /admin/v1/keys}). A key is shown once, when it is created. The environments
 * a key may send requests to are a permission of the key, like its models (docs/security.md#environments).
 */
@CommandLine.Command(name = "keys", description = "Create, list and revoke API keys; set the environments a key may "
        + "use.",
        subcommands = {KeysCommand.Create.class, KeysCommand.List.class, KeysCommand.Environments.class,
                KeysCommand.Revoke.class})
public final class KeysCommand extends Group {

    @CommandLine.Command(name = "create", description = "Create an API key. The key is printed once and stored "
            + "nowhere: copy it now.")
    static final class Create extends Command {
        @CommandLine.Option(names = "--org", required = true, description = "The org the key bills to.")
        String org;

        @CommandLine.Option(names = "--team", description = "A team of that org.")
        String team;

        @CommandLine.Option(names = "--name", description = "A label, e.g. search-prod.")
        String name;

        @CommandLine.Option(names = "--allowed-model", paramLabel = "MODEL", split = ",",
                description = "A model the key may use; repeat or separate with commas. Default: all.")
        java.util.List<String> allowedModels = new ArrayList<>();

        @CommandLine.Option(names = "--rpm", description = "Requests per minute (default: unlimited).")
        Long rpm;

        @CommandLine.Option(names = "--tpm", description = "Tokens per minute (default: unlimited).")
        Long tpm;

        @CommandLine.Option(names = "--expires-at", paramLabel = "INSTANT", description = "When it stops working, "
                + "e.g. 2027-06-30T00:00:00Z.")
        String expiresAt;

        @CommandLine.Option(names = "--expires-in", paramLabel = "DURATION", description = "When it stops working, "
                + "from now: 30d, 12h, 2w.")
        String expiresIn;

        @CommandLine.Option(names = "--environment", description = "Where its requests go without an "
                + "x-tollgate-environment header: ${COMPLETION-CANDIDATES} (default: production).")
        Environment environment;

        @CommandLine.Option(names = "--allowed-environment", paramLabel = "ENV", split = ",",
                description = "An environment the key may send requests to: ${COMPLETION-CANDIDATES}; repeat or "
                        + "separate with commas. It must include the key's own --environment. Default: only that one.")
        java.util.List<Environment> allowedEnvironments = new ArrayList<>();

        @Override
        protected void execute() {
            if (expiresAt != null && expiresIn != null) {
                throw CliException.usage("Give --expires-at or --expires-in, not both.", null);
            }
            Environment own = environment == null ? Environment.production : environment;
            if (!allowedEnvironments.isEmpty() && !allowedEnvironments.contains(own)) {
                throw CliException.usage("--allowed-environment must include the key's own environment '" + own
                        + "', where its requests go without an x-tollgate-environment header.", "Add "
                        + "--allowed-environment " + own + ", or set --environment to one of the allowed ones.");
            }
            Instant expires = expiresAt != null ? Formats.instant(expiresAt, "--expires-at")
                    : expiresIn != null ? Instant.now().plus(Formats.duration(expiresIn)).truncatedTo(ChronoUnit.SECONDS)
                    : null;
            ObjectNode body = Json.object();
            Json.put(body, "org_id", org);
            Json.put(body, "team_id", team);
            Json.put(body, "name", name);
            Json.put(body, "allowed_models", allowedModels.isEmpty() ? null : allowedModels);
            Json.put(body, "rpm_limit", rpm);
            Json.put(body, "tpm_limit", tpm);
            Json.put(body, "expires_at", expires == null ? null : expires.toString());
            Json.put(body, "environment", environment == null ? null : environment.name());
            Json.put(body, "allowed_environments", allowedEnvironments.isEmpty() ? null : names(allowedEnvironments));
            JsonNode key = context().admin().post("/admin/v1/keys", body);
            Output out = output();
            if (out.json()) {
                out.json(key);
                return;
            }
            out.say("Created key " + Formats.text(key, "id") + " for org " + Formats.text(key, "org_id")
                    + (key.hasNonNull("team_id") ? ", team " + key.get("team_id").asText() : "") + ".");
            out.say("This is the only time the key is shown. Store it now:");
            out.say("");
            out.say("  " + Formats.text(key, "key"));
            out.say("");
        }
    }

    @CommandLine.Command(name = "list", description = "List API keys (never the keys themselves).")
    static final class List extends Command {
        @CommandLine.Option(names = "--org", description = "Only the keys of this org.")
        String org;

        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/keys", ApiClient.query("org_id", org)));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "ORG", "TEAM", "NAME", "PREFIX", "ENVIRONMENT", "ALLOWED ENVS", "MODELS",
                    "RPM>", "TPM>", "EXPIRES", "STATE");
            Instant now = Instant.now();
            data.forEach(k -> table.row(Formats.text(k, "id"), Formats.text(k, "org_id"), Formats.text(k, "team_id"),
                    Formats.text(k, "name"), Formats.text(k, "prefix"), Formats.text(k, "environment"),
                    allowedEnvironments(k), models(k), Formats.text(k, "rpm_limit"), Formats.text(k, "tpm_limit"),
                    Formats.text(k, "expires_at"), state(k, now)));
            out.table(table, org == null ? "No keys." : "No keys in org " + org + ".");
        }

        /**
         * The environments a key may use; {@code legacy} for a key created before they were a permission, which may
         * use what {@code tollgate.keys.legacy-environments} says (only its own environment by default).
         */
        private static String allowedEnvironments(JsonNode key) {
            JsonNode allowed = key.path("allowed_environments");
            if (!allowed.isArray()) {
                return "legacy";
            }
            java.util.List<String> names = new ArrayList<>();
            allowed.forEach(e -> names.add(e.asText()));
            return String.join(",", names);
        }

        private static String models(JsonNode key) {
            JsonNode models = key.path("allowed_models");
            if (!models.isArray() || models.isEmpty()) {
                return "all";
            }
            java.util.List<String> names = new ArrayList<>();
            models.forEach(m -> names.add(m.asText()));
            return String.join(",", names);
        }

        private static String state(JsonNode key, Instant now) {
            if (key.hasNonNull("revoked_at")) {
                return "revoked";
            }
            if (key.hasNonNull("expires_at") && Instant.parse(key.get("expires_at").asText()).isBefore(now)) {
                return "expired";
            }
            return "active";
        }
    }

    @CommandLine.Command(name = "revoke", description = "Revoke an API key: every gateway replica refuses it within "
            + "a second. Safe to repeat.")
    static final class Revoke extends Command {
        @CommandLine.Parameters(paramLabel = "KEY_ID", description = "The key's id (key_...), not the key itself.")
        String id;

        @Override
        protected void execute() {
            refuseTheKeyItself(id);
            JsonNode key = context().admin().post("/admin/v1/keys/" + ApiClient.segment(id) + "/revoke", null);
            Output out = output();
            if (out.json()) {
                out.json(key);
            } else {
                out.say("Revoked key " + Formats.text(key, "id") + " at " + Formats.text(key, "revoked_at") + ".");
            }
        }
    }

    @CommandLine.Command(name = "environments", description = "Set the environments a key may send requests to; a "
            + "request for any other gets 403 environment_not_allowed. Every replica applies it within a second.",
            footer = {"", "Example:", "  tollgate keys environments key_5b0c... --allow staging,production"})
    static final class Environments extends Command {
        @CommandLine.Parameters(paramLabel = "KEY_ID", description = "The key's id (key_...), not the key itself.")
        String id;

        @CommandLine.Option(names = "--allow", required = true, paramLabel = "ENV", split = ",",
                description = "An environment the key may use: ${COMPLETION-CANDIDATES}; repeat or separate with "
                        + "commas. It must include the key's own environment. This replaces the key's list.")
        java.util.List<Environment> allow;

        @Override
        protected void execute() {
            refuseTheKeyItself(id);
            ObjectNode body = Json.object();
            Json.put(body, "allowed_environments", names(allow));
            JsonNode key = context().admin().post("/admin/v1/keys/" + ApiClient.segment(id) + "/environments", body);
            Output out = output();
            if (out.json()) {
                out.json(key);
            } else {
                out.say("Key " + Formats.text(key, "id") + " may now send requests to " + List.allowedEnvironments(key)
                        + " (its own environment: " + Formats.text(key, "environment") + ").");
            }
        }
    }

    /** A usage error when an operator passes a key ({@code tg_...}) where its id belongs: it would end up in logs. */
    private static void refuseTheKeyItself(String id) {
        if (id.startsWith("tg_")) {
            throw CliException.usage("That looks like the key itself, not its id.", "Pass the key's id (key_...);"
                    + " 'tollgate keys list' shows it next to the key's prefix.");
        }
    }

    /** Environment names, each once, in the order given. */
    private static java.util.List<String> names(java.util.List<Environment> environments) {
        return environments.stream().distinct().map(Environment::name).toList();
    }

    /** The environments a key can default to, or be allowed to use. */
    enum Environment {
        development, staging, production
    }
}
