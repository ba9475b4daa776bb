package dev.tollgate.cli.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import picocli.CommandLine;

/** {@code tollgate deployment status}: what serves each model now ({@code /admin/v1/deployments}). */
@CommandLine.Command(name = "deployment", description = "The status of each model's deployment.",
        subcommands = DeploymentCommand.Status.class)
public final class DeploymentCommand extends Group {

    @CommandLine.Command(name = "status", description = "Per model and environment: the endpoints, their health, "
            + "circuit breaker, requests outstanding, and the vLLM queue and KV-cache usage the gateway reads.")
    static final class Status extends Command {
        @CommandLine.Option(names = "--model", description = "Only this model.")
        String model;

        @CommandLine.Option(names = "--environment", description = "Only this environment: "
                + "${COMPLETION-CANDIDATES}.")
        RegistryCommand.Environment environment;

        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/deployments", ApiClient.query("model", model,
                    "environment", environment == null ? null : environment.name())));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("MODEL", "ENVIRONMENT", "ENDPOINT", "STATUS", "HEALTH", "BREAKER", "OUTSTANDING>",
                    "ROUTABLE", "VLLM WAITING>", "KV CACHE>", "SOURCE");
            data.forEach(d -> d.path("endpoints").forEach(e -> {
                JsonNode h = e.path("health");
                boolean live = h.isObject();
                JsonNode vllm = h.path("vllm");
                table.row(Formats.text(d, "model"), Formats.text(d, "environment"), Formats.text(e, "id"),
                        Formats.text(e, "status"), live ? (h.path("up").asBoolean() ? "up" : "down") : null,
                        live ? Formats.text(h, "breaker") : null, live ? Formats.text(h, "outstanding") : null,
                        live ? (h.path("routable").asBoolean() ? "yes" : "no") : null,
                        vllm.isObject() ? Formats.number(vllm.path("num_requests_waiting").asDouble()) : null,
                        vllm.isObject() ? Formats.percent(vllm.path("kv_cache_usage").asDouble()) : null,
                        Formats.text(e, "source"));
            }));
            out.table(table, "No deployments" + (model != null ? " of model " + model : "")
                    + (environment != null ? " in " + environment : "") + ".");
            if (!table.isEmpty()) {
                out.say("");
                data.forEach(d -> out.say(String.format("%s in %s: %d of %d endpoints routable, %d requests "
                                + "outstanding", Formats.text(d, "model"), Formats.text(d, "environment"),
                        d.path("routable").asInt(), d.path("total").asInt(), d.path("outstanding").asInt())));
                out.say("Health, breakers and load are this gateway replica's view; each replica keeps its own. "
                        + "'-' means the replica holds no routing state (disabled, draining, or load metrics off).");
            }
        }
    }
}
