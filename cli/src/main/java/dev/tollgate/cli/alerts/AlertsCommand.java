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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;

/**
 * {@code tollgate alerts}: the state of every alert (the streams query API's {@code /v1/alerts}), the rules and
 * receivers ({@code /admin/v1/alert-rules}, {@code /admin/v1/receivers}) and silences ({@code /admin/v1/silences}).
 */
@CommandLine.Command(name = "alerts", description = "Alerts firing, pending and resolved; alert rules, receivers and "
        + "silences.",
        subcommands = {AlertsCommand.List.class, AlertsCommand.Rules.class, AlertsCommand.Receivers.class,
                SilenceCommand.class})
public final class AlertsCommand extends Group {

    /** The states {@code --state} accepts, as the streams app names them. */
    enum State {
        firing, pending, resolved
    }

    @CommandLine.Command(name = "list", description = "Alerts firing, pending and recently resolved, firing first, "
            + "and the silences that mute them.",
            footer = {"", "Examples:", "  tollgate alerts list --state firing",
                    "  tollgate alerts list --endpoint vllm-2 -o json"})
    static final class List extends Command {
        @CommandLine.Option(names = "--state", description = "Only alerts in this state: ${COMPLETION-CANDIDATES}.")
        State state;

        @CommandLine.Option(names = "--rule", paramLabel = "RULE_ID", description = "Only the alerts of this rule.")
        String rule;

        @CommandLine.Option(names = "--org", description = "Only this org's alerts.")
        String org;

        @CommandLine.Option(names = "--model", description = "Only this model's alerts.")
        String model;

        @CommandLine.Option(names = "--endpoint", paramLabel = "ENDPOINT_ID", description = "Only this endpoint's "
                + "alerts.")
        String endpoint;

        @CommandLine.Option(names = "--budget", paramLabel = "BUDGET_ID", description = "Only this budget's alerts.")
        String budget;

        @Override
        protected void execute() {
            int subjects = (org != null ? 1 : 0) + (model != null ? 1 : 0) + (endpoint != null ? 1 : 0)
                    + (budget != null ? 1 : 0);
            if (subjects > 1) {
                throw CliException.usage("Give at most one of --org, --model, --endpoint and --budget.", null);
            }
            JsonNode alerts = Json.data(context().streams().get("/v1/alerts", ApiClient.query("org", org, "model",
                    model, "endpoint", endpoint, "budget", budget, "rule", rule, "state",
                    state == null ? null : state.name())));
            JsonNode silences = silences();
            Instant now = Instant.now();
            Output out = output();
            if (out.json()) {
                alerts.forEach(a -> ((ObjectNode) a).set("silenced_by", Json.tree(silences == null
                        ? null : Silences.muting(silences, labels(a), now))));
                out.json(alerts);
                return;
            }
            Table table = Table.of("STATE", "SEVERITY", "ALERT", "SUBJECT", "SINCE", "VALUE>", "THRESHOLD>",
                    "SILENCED", "FINGERPRINT");
            alerts.forEach(a -> {
                java.util.List<String> muting = silences == null ? null : Silences.muting(silences, labels(a), now);
                table.row(Formats.text(a, "state"), Formats.text(a, "severity"), Formats.text(a, "alertname"),
                        subject(labels(a)), since(a), Formats.number(a.path("value").asDouble()),
                        Formats.number(a.path("threshold").asDouble()),
                        muting == null ? "?" : muting.isEmpty() ? "no" : "by " + String.join(",", muting),
                        Formats.text(a, "fingerprint"));
            });
            out.table(table, "No alerts" + (state == null ? "" : " " + state.name()) + ".");
        }

        /** The silences, or null (with a warning) when they cannot be read: the alerts are still worth showing. */
        private JsonNode silences() {
            try {
                return Json.data(context().admin().get("/admin/v1/silences"));
            } catch (CliException e) {
                output().warn("silences not shown (" + e.getMessage() + ")");
                return null;
            }
        }

        /** When the alert entered its state: fired, resolved, or became active. */
        private static String since(JsonNode alert) {
            String state = Formats.text(alert, "state");
            String at = "resolved".equals(state) ? Formats.text(alert, "resolved_at")
                    : "firing".equals(state) ? Formats.text(alert, "fired_at") : Formats.text(alert, "active_at");
            return at == null ? null : Instant.parse(at).truncatedTo(ChronoUnit.SECONDS).toString();
        }

        /** What the alert is about: its org, model, endpoint or budget labels. */
        private static String subject(Map<String, String> labels) {
            StringBuilder b = new StringBuilder();
            for (String name : new String[] {"endpoint", "model", "budget", "org"}) {
                if (labels.containsKey(name)) {
                    b.append(b.length() == 0 ? "" : " ").append(name).append('=').append(labels.get(name));
                }
            }
            return b.length() == 0 ? null : b.toString();
        }
    }

    static Map<String, String> labels(JsonNode alert) {
        Map<String, String> labels = new TreeMap<>();
        alert.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    @CommandLine.Command(name = "rules", description = "List alert rules: what each watches, its threshold, for, "
            + "severity and receivers.")
    static final class Rules extends Command {
        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/alert-rules"));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "NAME", "KIND", "SCOPE", "WINDOW", "THRESHOLD>", "FOR", "SEVERITY",
                    "RECEIVERS", "ENABLED");
            data.forEach(r -> table.row(Formats.text(r, "id"), Formats.text(r, "name"), Formats.text(r, "kind"),
                    Formats.text(r, "scope") + (r.hasNonNull("scope_id") ? ":" + r.get("scope_id").asText() : ""),
                    Formats.text(r, "window"), r.hasNonNull("threshold") ? Formats.number(r.get("threshold")
                            .asDouble()) : null, Formats.text(r, "for"), Formats.text(r, "severity"),
                    join(r.path("receivers")), r.path("enabled").asBoolean() ? "yes" : "no"));
            out.table(table, "No alert rules.");
        }
    }

    @CommandLine.Command(name = "receivers", description = "List alert receivers (URLs masked: the admin API never "
            + "answers them).")
    static final class Receivers extends Command {
        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/receivers"));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "TYPE", "URL", "GROUP BY", "GROUP WAIT", "REPEAT", "SEND RESOLVED");
            data.forEach(r -> table.row(Formats.text(r, "id"), Formats.text(r, "type"), Formats.text(r, "url"),
                    join(r.path("group_by")), Formats.text(r, "group_wait"), Formats.text(r, "repeat_interval"),
                    r.path("send_resolved").asBoolean() ? "yes" : "no"));
            out.table(table, "No receivers.");
        }
    }

    static String join(JsonNode array) {
        java.util.List<String> items = new java.util.ArrayList<>();
        array.forEach(i -> items.add(i.asText()));
        return items.isEmpty() ? null : String.join(",", items);
    }

    /** {@code name=value} matchers as typed, in order; a usage error for one without {@code =}. */
    static Map<String, String> matchers(java.util.List<String> typed) {
        Map<String, String> matchers = new LinkedHashMap<>();
        for (String m : typed) {
            int eq = m.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("--matcher '" + m + "' is not LABEL=VALUE.", "For example --matcher "
                        + "alertname=EndpointDown --matcher endpoint=vllm-2.");
            }
            matchers.put(m.substring(0, eq), m.substring(eq + 1));
        }
        return matchers;
    }
}
