package dev.tollgate.cli.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.cli.core.ApiClient;
import dev.tollgate.cli.core.CliException;
import dev.tollgate.cli.core.Command;
import dev.tollgate.cli.core.Formats;
import dev.tollgate.cli.core.Output;
import dev.tollgate.cli.core.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine;

/**
 * {@code tollgate usage}: usage rollups from the streams query API ({@code GET /v1/usage}), one row per window, and
 * the total of the range.
 */
@CommandLine.Command(name = "usage", description = "Requests, tokens, cost and latency per time window, by org, "
        + "model, key, team or endpoint, from the streams query API.",
        footer = {"", "Examples:", "  tollgate usage --org acme --since 24h",
                "  tollgate usage --org acme --model llama-3-8b --granularity 1m --since 1h",
                "  tollgate usage --org acme --by team --since 7d --granularity 1d",
                "  tollgate usage --endpoint vllm-1 --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z "
                        + "--granularity 1d"})
public final class UsageCommand extends Command {

    enum Granularity {
        m1("1m"), h1("1h"), d1("1d");

        final String wire;

        Granularity(String wire) {
            this.wire = wire;
        }

        static Granularity parse(String value) {
            for (Granularity g : values()) {
                if (g.wire.equals(value)) {
                    return g;
                }
            }
            throw CliException.usage("--granularity '" + value + "' is not 1m, 1h or 1d.", null);
        }
    }

    @CommandLine.Option(names = "--org", description = "The org (alone, or with --model or --key).")
    String org;

    @CommandLine.Option(names = "--model", description = "One model of the org.")
    String model;

    @CommandLine.Option(names = "--key", paramLabel = "KEY_ID", description = "One key of the org (its id).")
    String key;

    @CommandLine.Option(names = "--team", paramLabel = "TEAM_ID", description = "One team of the org: the keys "
            + "that belong to it.")
    String team;

    @CommandLine.Option(names = "--by", paramLabel = "DIMENSION", completionCandidates = By.class,
            description = "Split the org's usage: team (one series per team of the org).")
    String by;

    /** What {@code --by} accepts. */
    static final class By extends java.util.ArrayList<String> {
        By() {
            super(java.util.List.of("team"));
        }
    }

    @CommandLine.Option(names = "--endpoint", paramLabel = "ENDPOINT_ID", description = "One endpoint, across orgs "
            + "(instead of --org).")
    String endpoint;

    @CommandLine.Option(names = "--granularity", defaultValue = "1h", completionCandidates = Candidates.class,
            description = "Window size: 1m, 1h or 1d (default: ${DEFAULT-VALUE}).")
    String granularity;

    @CommandLine.Option(names = "--since", paramLabel = "DURATION", description = "The range up to now: 15m, 24h, "
            + "7d (default: 24h unless --from is given).")
    String since;

    @CommandLine.Option(names = "--from", paramLabel = "INSTANT", description = "Range start, ISO-8601.")
    String from;

    @CommandLine.Option(names = "--to", paramLabel = "INSTANT", description = "Range end, ISO-8601 (default: now).")
    String to;

    /** The granularities, for completion. */
    static final class Candidates extends java.util.ArrayList<String> {
        Candidates() {
            super(java.util.List.of("1m", "1h", "1d"));
        }
    }

    @Override
    protected void execute() {
        validateKey();
        Granularity.parse(granularity);
        if (since != null && from != null) {
            throw CliException.usage("Give --since or --from, not both.", null);
        }
        Instant end = to != null ? Formats.instant(to, "--to") : Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = from != null ? Formats.instant(from, "--from")
                : end.minus(Formats.duration(since != null ? since : "24h"));
        if (by != null) {
            new TeamBreakdown(context(), output()).print(org, start, end, granularity);
            return;
        }
        JsonNode answer = context().streams().get("/v1/usage", ApiClient.query("org", org, "model", model, "key", key,
                "team", team, "endpoint", endpoint, "from", start.toString(), "to", end.toString(), "granularity",
                granularity));
        JsonNode data = answer.path("data");
        Output out = output();
        if (out.json()) {
            out.json(answer);
            return;
        }
        Table table = Table.of("WINDOW START", "REQUESTS>", "ERRORS>", "PROMPT TOKENS>", "COMPLETION TOKENS>", "COST>",
                "LATENCY P50>", "P95>", "P99>", "TTFT P50>");
        long requests = 0;
        long errors = 0;
        long prompt = 0;
        long completion = 0;
        long cost = 0;
        for (JsonNode w : data) {
            requests += w.path("requests").asLong();
            errors += w.path("errors").asLong();
            prompt += w.path("prompt_tokens").asLong();
            completion += w.path("completion_tokens").asLong();
            cost += w.path("cost_micros").asLong();
            table.row(Formats.text(w, "window_start"), w.path("requests").asLong(), w.path("errors").asLong(),
                    w.path("prompt_tokens").asLong(), w.path("completion_tokens").asLong(),
                    Formats.usd(w.path("cost_micros").asLong()), ms(w.path("latency_ms"), "p50"),
                    ms(w.path("latency_ms"), "p95"), ms(w.path("latency_ms"), "p99"), ms(w.path("ttft_ms"), "p50"));
        }
        String scope = answer.path("key").asText();
        out.table(table, "No usage for " + scope + " from " + start + " to " + end + ".");
        if (!table.isEmpty()) {
            out.say("");
            out.say(String.format("%s, %s windows from %s to %s: %d requests (%d errors), %d prompt + %d completion "
                    + "tokens, %s", scope, granularity, start, end, requests, errors, prompt, completion,
                    Formats.usd(cost)));
        }
    }

    private void validateKey() {
        if (by != null && !by.equals("team")) {
            throw CliException.usage("--by '" + by + "' is not a dimension usage can be split by.", "Use --by team.");
        }
        if (by != null && (org == null || model != null || key != null || team != null || endpoint != null)) {
            throw CliException.usage("--by team splits one org's usage: give --org alone with it.", "For example: "
                    + "tollgate usage --org acme --by team --since 7d");
        }
        if (endpoint != null && (org != null || model != null || key != null || team != null)) {
            throw CliException.usage("--endpoint goes alone: endpoint rollups cross orgs.", null);
        }
        if (endpoint == null && org == null) {
            throw CliException.usage("Say whose usage: --org ORG (optionally with --model or --key), or "
                    + "--endpoint ID.", "For example: tollgate usage --org acme --since 24h");
        }
        if ((model != null ? 1 : 0) + (key != null ? 1 : 0) + (team != null ? 1 : 0) > 1) {
            throw CliException.usage("Give one of --model, --key and --team: rollups are per org, per (org, model), "
                    + "per (org, key) and per (org, team).", null);
        }
    }

    private static String ms(JsonNode percentiles, String p) {
        return percentiles.hasNonNull(p) ? percentiles.get(p).asText() + " ms" : null;
    }
}
