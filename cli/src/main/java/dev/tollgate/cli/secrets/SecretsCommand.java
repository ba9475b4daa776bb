package dev.tollgate.cli.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.ExitCode;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * {@code tollgate secrets}: the key-encryption keys that seal upstream API keys ({@code /admin/v1/secrets},
 * docs/security.md#secrets). {@code status} is what the replica that answers holds; {@code rewrap} is step 3 of a
 * KEK rotation. Neither ever shows secret material: the admin API answers none.
 */
@CommandLine.Command(name = "secrets", description = "Key-encryption keys: which this replica holds and what each "
        + "seals; re-wrap every upstream key to one KEK (rotation).",
        subcommands = {SecretsCommand.Status.class, SecretsCommand.Rewrap.class})
public final class SecretsCommand extends Group {

    @CommandLine.Command(name = "status", description = "The primary KEK, the KEKs the answering replica holds, how "
            + "many endpoints' upstream keys each KEK seals, and the endpoints this replica cannot open (not routed "
            + "to) with why.")
    static final class Status extends Command {
        @Override
        protected void execute() {
            JsonNode secrets = context().admin().get("/admin/v1/secrets");
            Output out = output();
            if (out.json()) {
                out.json(secrets);
                return;
            }
            String primary = Formats.text(secrets, "primary_kek_id");
            Set<String> held = texts(secrets.path("kek_ids"));
            JsonNode byKek = secrets.path("endpoints_by_kek");
            Set<String> keks = new TreeSet<>(held);
            byKek.fieldNames().forEachRemaining(keks::add);
            out.say("Primary KEK: " + (primary == null ? "none (no tollgate.secrets KEK is configured)" : primary)
                    + ", as seen by the replica that answered.");
            out.say("");
            Table table = Table.of("KEK", "HELD", "PRIMARY", "ENDPOINTS>");
            keks.forEach(k -> table.row(k, held.contains(k) ? "yes" : "no", k.equals(primary) ? "yes" : "no",
                    byKek.path(k).asLong(0)));
            out.table(table, "No KEK is held and no upstream key is sealed.");
            JsonNode unavailable = secrets.path("unavailable");
            out.say("");
            if (unavailable.isEmpty()) {
                out.say("Every sealed upstream key opens on this replica.");
                return;
            }
            out.say(unavailable.size() + " endpoint(s) not routed to by this replica: it cannot open their upstream "
                    + "key.");
            Table failures = Table.of("ENDPOINT", "UNAVAILABLE BECAUSE");
            unavailable.forEach(u -> failures.row(Formats.text(u, "endpoint_id"), Formats.text(u, "reason")));
            out.table(failures, "");
            out.say("");
            out.say("Give the replica the KEK they were sealed with and roll it (docs/security.md#secrets).");
        }
    }

    @CommandLine.Command(name = "rewrap", description = "Re-wrap every upstream key to one KEK (default: the primary) "
            + "and re-publish every sealed endpoint, without downtime. Safe to repeat.",
            footer = {"", "Examples:", "  tollgate secrets rewrap", "  tollgate secrets rewrap --kek kek-2"})
    static final class Rewrap extends Command {
        @CommandLine.Option(names = "--kek", paramLabel = "KEK_ID", description = "The KEK to move to; the answering "
                + "replica must hold it (default: its primary KEK).")
        String kek;

        @Override
        protected void execute() {
            ObjectNode body = Json.object();
            Json.put(body, "kek_id", kek);
            JsonNode result = context().admin().post("/admin/v1/secrets/rewrap", body);
            Output out = output();
            JsonNode failed = result.path("failed");
            if (out.json()) {
                out.json(result);
            } else {
                out.say("Re-wrapped " + result.path("rewrapped").asLong() + " upstream key(s) to KEK "
                        + Formats.text(result, "target_kek_id") + "; re-published " + result.path("republished")
                        .asLong() + " endpoint(s).");
                if (!failed.isEmpty()) {
                    Table failures = Table.of("ENDPOINT", "NOT RE-WRAPPED BECAUSE");
                    failed.forEach(f -> failures.row(Formats.text(f, "endpoint_id"), Formats.text(f, "reason")));
                    out.table(failures, "");
                }
            }
            if (!failed.isEmpty()) {
                throw new CliException(ExitCode.ERROR, failed.size() + " endpoint(s) were not re-wrapped and stay "
                        + "sealed with their old KEK.", "Give the answering replica the KEK they were sealed with, "
                        + "then run the same command again (it is safe to).");
            }
        }
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> items = new TreeSet<>();
        array.forEach(i -> items.add(i.asText()));
        return items;
    }
}
