package dev.tollgate.cli.budgets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Group;
import dev.tollgate.cli.core.ExitCode;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import java.util.ArrayList;
import picocli.CommandLine;

/**
 * {@code tollgate budgets}: budgets per org, team or key ({@code /admin/v1/budgets}), with the gateway's live spend
 * and, for {@code show}, the streams app's count ({@code /v1/budgets/{id}}).
 */
@CommandLine.Command(name = "budgets", description = "Set, list, show and delete budgets, with their live spend.",
        subcommands = {BudgetsCommand.Set.class, BudgetsCommand.List.class, BudgetsCommand.Show.class,
                BudgetsCommand.Delete.class})
public final class BudgetsCommand extends Group {

    enum Period {
        daily, weekly, monthly
    }

    enum Enforcement {
        hard, soft
    }

    @CommandLine.Command(name = "set", description = "Create a budget, or change the one with this id (its scope "
            + "never changes).")
    static final class Set extends Command {
        @CommandLine.Parameters(paramLabel = "ID", description = "The budget id, e.g. acme-monthly.")
        String id;

        @CommandLine.Option(names = "--scope", paramLabel = "TYPE:ID", description = "What it caps: org:ID, team:ID "
                + "or key:KEY_ID. Needed to create.")
        String scope;

        @CommandLine.ArgGroup(exclusive = true)
        Amount amount;

        static final class Amount {
            @CommandLine.Option(names = "--amount-usd", paramLabel = "DOLLARS", description = "The limit per period in "
                    + "dollars, e.g. 25 or 0.005.")
            String usd;

            @CommandLine.Option(names = "--amount-micros", paramLabel = "MICROS", description = "The limit per period "
                    + "in micro-dollars.")
            Long micros;
        }

        @CommandLine.Option(names = "--period", description = "${COMPLETION-CANDIDATES}. Needed to create.")
        Period period;

        @CommandLine.Option(names = "--time-zone", paramLabel = "ZONE", description = "The IANA zone whose calendar "
                + "the period follows (default: UTC).")
        String timeZone;

        @CommandLine.Option(names = "--thresholds", paramLabel = "PERCENT", split = ",", description = "Percents that "
                + "publish a threshold event once per period (default: 50,80,100).")
        java.util.List<Integer> thresholds;

        @CommandLine.Option(names = "--enforcement", description = "${COMPLETION-CANDIDATES}: hard refuses requests "
                + "once spent, soft only reports (default: hard).")
        Enforcement enforcement;

        @Override
        protected void execute() {
            Long micros = amount == null ? null : amount.micros != null ? amount.micros : Formats.micros(amount.usd);
            ObjectNode changes = Json.object();
            Json.put(changes, "amount_micros", micros);
            Json.put(changes, "period", period == null ? null : period.name());
            Json.put(changes, "time_zone", timeZone);
            Json.put(changes, "thresholds", thresholds);
            Json.put(changes, "enforcement", enforcement == null ? null : enforcement.name());
            ApiClient admin = context().admin();
            JsonNode budget;
            boolean created;
            try {
                budget = admin.get("/admin/v1/budgets/" + ApiClient.segment(id));
                created = false;
            } catch (CliException e) {
                if (e.exitCode() != ExitCode.NOT_FOUND) {
                    throw e;
                }
                budget = null;
                created = true;
            }
            if (created) {
                budget = admin.post("/admin/v1/budgets", create(changes));
            } else {
                checkScope(budget);
                if (changes.isEmpty()) {
                    throw CliException.usage("Nothing to change in budget " + id + ".", "Give --amount-usd, --period, "
                            + "--time-zone, --thresholds or --enforcement.");
                }
                budget = admin.patch("/admin/v1/budgets/" + ApiClient.segment(id), changes);
            }
            Output out = output();
            if (out.json()) {
                out.json(budget);
            } else {
                out.say((created ? "Created" : "Changed") + " budget " + Formats.text(budget, "id") + ": "
                        + Formats.usd(budget, "amount_micros") + " " + Formats.text(budget, "period") + " for "
                        + Formats.text(budget, "scope_type") + " " + Formats.text(budget, "scope_id") + " ("
                        + Formats.text(budget, "enforcement") + ").");
            }
        }

        private ObjectNode create(ObjectNode changes) {
            if (scope == null || changes.get("amount_micros") == null || period == null) {
                throw CliException.usage("Budget " + id + " does not exist yet: creating it needs --scope, an amount "
                        + "and --period.", "For example: tollgate budgets set " + id + " --scope org:acme "
                        + "--amount-usd 100 --period monthly");
            }
            String[] parts = parseScope();
            ObjectNode body = Json.object();
            Json.put(body, "id", id);
            Json.put(body, "scope_type", parts[0]);
            Json.put(body, "scope_id", parts[1]);
            body.setAll(changes);
            return body;
        }

        private void checkScope(JsonNode existing) {
            if (scope == null) {
                return;
            }
            String[] parts = parseScope();
            if (!parts[0].equals(Formats.text(existing, "scope_type")) || !parts[1].equals(Formats.text(existing,
                    "scope_id"))) {
                throw new CliException(ExitCode.CONFLICT, "Budget " + id + " caps " + Formats.text(existing,
                        "scope_type") + ":" + Formats.text(existing, "scope_id") + ", not " + scope + "; a budget's "
                        + "scope never changes.", "Use another budget id for another scope.");
            }
        }

        private String[] parseScope() {
            int colon = scope.indexOf(':');
            String type = colon < 0 ? "" : scope.substring(0, colon);
            if (!type.equals("org") && !type.equals("team") && !type.equals("key") || colon == scope.length() - 1) {
                throw CliException.usage("--scope '" + scope + "' is not TYPE:ID.", "Use org:ID, team:ID or "
                        + "key:KEY_ID, e.g. --scope org:acme.");
            }
            return new String[] {type, scope.substring(colon + 1)};
        }
    }

    @CommandLine.Command(name = "list", description = "List budgets with this gateway replica's live spend.")
    static final class List extends Command {
        @CommandLine.Option(names = "--org", description = "Only the budgets of this org.")
        String org;

        @Override
        protected void execute() {
            JsonNode data = Json.data(context().admin().get("/admin/v1/budgets", ApiClient.query("org_id", org)));
            Output out = output();
            if (out.json()) {
                out.json(data);
                return;
            }
            Table table = Table.of("ID", "SCOPE", "PERIOD", "ENFORCEMENT", "LIMIT>", "SPENT>", "RESERVED>",
                    "REMAINING>", "USED>", "PERIOD ENDS");
            data.forEach(b -> {
                JsonNode live = b.path("live");
                boolean known = live.isObject();
                long limit = b.path("amount_micros").asLong();
                long spent = live.path("spent_micros").asLong();
                table.row(Formats.text(b, "id"), Formats.text(b, "scope_type") + ":" + Formats.text(b, "scope_id"),
                        Formats.text(b, "period"), Formats.text(b, "enforcement"), Formats.usd(limit),
                        known ? Formats.usd(spent) : null, known ? Formats.usd(live, "reserved_micros") : null,
                        known ? Formats.usd(live, "remaining_micros") : null,
                        known && limit > 0 ? Formats.percent(spent / (double) limit) : null,
                        known ? Formats.text(live, "period_end") : null);
            });
            out.table(table, org == null ? "No budgets." : "No budgets in org " + org + ".");
        }
    }

    @CommandLine.Command(name = "show", description = "Show one budget: its definition, the gateway's live spend and "
            + "the streams app's count of the period.")
    static final class Show extends Command {
        @CommandLine.Parameters(paramLabel = "ID", description = "The budget id.")
        String id;

        @Override
        protected void execute() {
            JsonNode budget = context().admin().get("/admin/v1/budgets/" + ApiClient.segment(id));
            JsonNode state = null;
            String stateProblem = null;
            try {
                state = context().streams().get("/v1/budgets/" + ApiClient.segment(id));
            } catch (CliException e) {
                stateProblem = e.getMessage();
            }
            Output out = output();
            if (out.json()) {
                ObjectNode both = Json.object();
                both.set("budget", budget);
                both.set("state", state);
                out.json(both);
                if (stateProblem != null) {
                    out.warn("no streams state: " + stateProblem);
                }
                return;
            }
            JsonNode live = budget.path("live");
            Table table = Table.of("FIELD", "VALUE");
            table.row("id", Formats.text(budget, "id"));
            table.row("scope", Formats.text(budget, "scope_type") + ":" + Formats.text(budget, "scope_id"));
            table.row("org", Formats.text(budget, "org_id"));
            table.row("limit", Formats.usd(budget, "amount_micros") + " " + Formats.text(budget, "period") + " ("
                    + Formats.text(budget, "time_zone") + ")");
            table.row("enforcement", Formats.text(budget, "enforcement"));
            java.util.List<String> thresholds = new ArrayList<>();
            budget.path("thresholds").forEach(t -> thresholds.add(t.asText() + "%"));
            table.row("thresholds", String.join(", ", thresholds));
            if (live.isObject()) {
                table.row("period", Formats.text(live, "period_start") + " to " + Formats.text(live, "period_end"));
                table.row("spent (gateway)", Formats.usd(live, "spent_micros"));
                table.row("reserved (in flight)", Formats.usd(live, "reserved_micros"));
                table.row("remaining (gateway)", Formats.usd(live, "remaining_micros"));
            } else {
                table.row("gateway", "this replica has not applied the budget yet");
            }
            if (state != null) {
                table.row("spent (streams)", Formats.usd(state, "spent_micros") + " as of " + Formats.text(state,
                        "as_of"));
                table.row("status (streams)", Formats.text(state, "status"));
            } else {
                table.row("streams", stateProblem);
            }
            table.print(out.out());
        }
    }

    @CommandLine.Command(name = "delete", description = "Delete a budget: spend is no longer capped by it.")
    static final class Delete extends Command {
        @CommandLine.Parameters(paramLabel = "ID", description = "The budget id.")
        String id;

        @Override
        protected void execute() {
            JsonNode budget = context().admin().delete("/admin/v1/budgets/" + ApiClient.segment(id));
            Output out = output();
            if (out.json()) {
                out.json(budget);
            } else {
                out.say("Deleted budget " + Formats.text(budget, "id") + ".");
            }
        }
    }
}
