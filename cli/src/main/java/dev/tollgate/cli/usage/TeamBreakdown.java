package dev.tollgate.cli.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.Context;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Json;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import java.time.Instant;

/**
 * {@code tollgate usage --org ORG --by team}: the org's teams ({@code /admin/v1/orgs/{org}/teams}) and each team's
 * rollup windows ({@code /v1/usage?org=&team=}), one row per window and team, then each team's total.
 */
final class TeamBreakdown {

    private final Context context;
    private final Output out;

    TeamBreakdown(Context context, Output out) {
        this.context = context;
        this.out = out;
    }

    void print(String org, Instant start, Instant end, String granularity) {
        JsonNode teams = Json.data(context.admin().get("/admin/v1/orgs/" + ApiClient.segment(org) + "/teams"));
        ArrayNode series = Json.array();
        Table table = Table.of("WINDOW START", "TEAM", "REQUESTS>", "ERRORS>", "PROMPT TOKENS>", "COMPLETION TOKENS>",
                "COST>");
        Table totals = Table.of("TEAM", "REQUESTS>", "PROMPT TOKENS>", "COMPLETION TOKENS>", "COST>");
        for (JsonNode t : teams) {
            String team = t.path("id").asText();
            JsonNode answer = context.streams().get("/v1/usage", ApiClient.query("org", org, "team", team, "from",
                    start.toString(), "to", end.toString(), "granularity", granularity));
            ObjectNode one = series.addObject().put("team", team);
            one.set("key", answer.path("key"));
            one.set("data", answer.path("data"));
            long requests = 0;
            long prompt = 0;
            long completion = 0;
            long cost = 0;
            for (JsonNode w : answer.path("data")) {
                requests += w.path("requests").asLong();
                prompt += w.path("prompt_tokens").asLong();
                completion += w.path("completion_tokens").asLong();
                cost += w.path("cost_micros").asLong();
                table.row(Formats.text(w, "window_start"), team, w.path("requests").asLong(),
                        w.path("errors").asLong(), w.path("prompt_tokens").asLong(),
                        w.path("completion_tokens").asLong(), Formats.usd(w.path("cost_micros").asLong()));
            }
            totals.row(team, requests, prompt, completion, Formats.usd(cost));
        }
        if (out.json()) {
            out.json(series);
            return;
        }
        if (teams.isEmpty()) {
            out.say("Org " + org + " has no teams (tollgate teams create ID --org " + org + ").");
            return;
        }
        out.table(table, "No team usage in org " + org + " from " + start + " to " + end + ".");
        out.say("");
        out.say("Per team, " + granularity + " windows from " + start + " to " + end + ":");
        totals.print(out.out());
    }
}
