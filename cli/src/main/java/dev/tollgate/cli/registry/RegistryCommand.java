package dev.tollgate.cli.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import picocli.CommandLine;

/** {@code tollgate registry}: the model registry, endpoints serving a model ({@code /admin/v1/endpoints}). */
@CommandLine.Command(name = "registry", description = "Register, list, enable, disable, drain and deregister the "
        + "endpoints that serve each model.",
        subcommands = {RegistryCommand.Register.class, RegistryCommand.List.class, RegistryCommand.Enable.class,
                RegistryCommand.Disable.class, RegistryCommand.Drain.class, RegistryCommand.Deregister.class})
public final class RegistryCommand extends Group {

    /** The environments an endpoint can serve. */
    enum Environment {
        development, staging, production
    }

    /** The statuses an endpoint can have. */
    enum Status {
        ready, disabled, draining
    }

    @CommandLine.Command(name = "register", description = "Register an endpoint (a vLLM server or an OpenAI-"
            + "compatible provider) for a model. Every gateway replica routes to it within a second.")
    static final class Register extends Command {
        @CommandLine.Option(names = "--model", required = true, description = "The model name clients send.")
        String model;

        @CommandLine.Option(names = "--url", required = true, description = "Its base URL: a vLLM server's root "
                + "(http://vllm-1:8000) or a provider's OpenAI base URL ending in its version.")
        String url;

        @CommandLine.Option(names = "--id", description = "A stable id, as it appears in usage events (default: "
                + "generated).")
        String id;

        @CommandLine.Option(names = "--environment", description = "${COMPLETION-CANDIDATES} (default: production).")
        Environment environment;

        @CommandLine.Option(names = "--weight", description = "Its share of the model's traffic, 1-10000 (default: 1).")
        Integer weight;

        @CommandLine.Option(names = "--status", description = "${COMPLETION-CANDIDATES} (default: ready).")
        Status status;

        @CommandLine.Option(names = "--input-price-micros", paramLabel = "MICROS", description = "Micro-dollars per "
                + "million prompt tokens (500000 = $0.50).")
        Long inputPrice;

        @CommandLine.Option(names = "--output-price-micros", paramLabel = "MICROS", description = "Micro-dollars per "
                + "million completion tokens.")
        Long outputPrice;

        @CommandLine.Option(names = "--price-version", description = "Recorded on every usage event (default: 1).")
        Integer priceVersion;

        @CommandLine.Option(names = "--max-context", description = "Its context window in tokens.")
        Integer maxContext;

        @CommandLine.Option(names = "--upstream-api-key-env", paramLabel = "VARIABLE", description = "The name of an "
                + "environment variable holding the key the gateway sends upstream. (A key on the command line "
                + "would show in ps and the shell history.)")
        String upstreamKeyVariable;

        @Override
        protected void execute() {
            ObjectNode body = Json.object();
            Json.put(body, "id", id);
            Json.put(body, "model", model);
            Json.put(body, "base_url", url);
            Json.put(body, "environment", environment == null ? null : environment.name());
            Json.put(body, "weight", weight);
            Json.put(body, "status", status == null ? null : status.name());
            Json.put(body, "input_price_per_million_micros", inputPrice);
            Json.put(body, "output_price_per_million_micros", outputPrice);
            Json.put(body, "price_version", priceVersion);
            Json.put(body, "max_context", maxContext);
            if (upstreamKeyVariable != null) {
                String key = System.getenv(upstreamKeyVariable);
                if (key == null || key.isBlank()) {
                    throw CliException.usage("The environment variable " + upstreamKeyVariable + " is not set.",
                            "Export it first: export " + upstreamKeyVariable + "=sk-...");
                }
                Json.put(body, "upstream_api_key", key);
            }
            JsonNode endpoint = context().admin().post("/admin/v1/endpoints", body);
            Output out = output();
            if (out.json()) {
                out.json(endpoint);
            } else {
                out.say("Registered endpoint " + Formats.text(endpoint, "id") + " for model "
                        + Formats.text(endpoint, "model") + " in " + Formats.text(endpoint, "environment") + " ("
                        + Formats.text(endpoint, "status") + ").");
            }
        }
    }

    @CommandLine.Command(name = "list", description = "List registered endpoints with this gateway replica's live "
            + "health of each.")
    static final class List extends Command {
        @CommandLine.Option(names = "--model", description = "Only endpoints of this model.")
        String model;

        @CommandLine.Option(names = "--environment", description = "Only endpoints of this environment: "
                + "${COMPLETION-CANDIDATES}.")
        Environment environment;

        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/endpoints", ApiClient.query("model", model,
                    "environment", environment == null ? null : environment.name())));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "MODEL", "ENVIRONMENT", "STATUS", "WEIGHT>", "HEALTH", "BREAKER",
                    "OUTSTANDING>", "ROUTABLE", "URL");
            data.forEach(e -> {
                JsonNode h = e.path("health");
                boolean live = h.isObject();
                table.row(Formats.text(e, "id"), Formats.text(e, "model"), Formats.text(e, "environment"),
                        Formats.text(e, "status"), Formats.text(e, "weight"), live ? (h.path("up").asBoolean() ? "up"
                                : "down") : null, live ? Formats.text(h, "breaker") : null,
                        live ? Formats.text(h, "outstanding") : null,
                        live ? (h.path("routable").asBoolean() ? "yes" : "no") : null, Formats.text(e, "base_url"));
            });
            out.table(table, "No endpoints registered" + (model != null ? " for model " + model : "")
                    + (environment != null ? " in " + environment : "") + ".");
        }
    }

    /** enable, disable, drain and deregister: one endpoint id, one call. */
    abstract static class Change extends Command {
        @CommandLine.Parameters(paramLabel = "ENDPOINT_ID", description = "The endpoint's id.")
        String id;

        abstract JsonNode call(ApiClient admin, String path);

        abstract String done();

        @Override
        protected void execute() {
            JsonNode endpoint = call(context().admin(), "/admin/v1/endpoints/" + ApiClient.segment(id));
            Output out = output();
            if (out.json()) {
                out.json(endpoint);
            } else {
                out.say(done() + " endpoint " + Formats.text(endpoint, "id") + " (model " + Formats.text(endpoint,
                        "model") + ", " + Formats.text(endpoint, "environment") + ").");
            }
        }
    }

    @CommandLine.Command(name = "enable", description = "Put an endpoint back into rotation.")
    static final class Enable extends Change {
        JsonNode call(ApiClient admin, String path) {
            return admin.post(path + "/enable", null);
        }

        String done() {
            return "Enabled";
        }
    }

    @CommandLine.Command(name = "disable", description = "Take an endpoint out of rotation at once.")
    static final class Disable extends Change {
        JsonNode call(ApiClient admin, String path) {
            return admin.post(path + "/disable", null);
        }

        String done() {
            return "Disabled";
        }
    }

    @CommandLine.Command(name = "drain", description = "Send an endpoint no new requests; those in flight finish.")
    static final class Drain extends Change {
        JsonNode call(ApiClient admin, String path) {
            return admin.post(path + "/drain", null);
        }

        String done() {
            return "Draining";
        }
    }

    @CommandLine.Command(name = "deregister", description = "Remove an endpoint from the registry.")
    static final class Deregister extends Change {
        JsonNode call(ApiClient admin, String path) {
            return admin.delete(path);
        }

        String done() {
            return "Deregistered";
        }
    }
}
