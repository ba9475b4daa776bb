package dev.tollgate.local.launcher;

/** What the launcher prints once everything is ready: where each part is, a key, and a request to try. */
final class Banner {

    private Banner() {
    }

    /** One line per extra gateway replica, or nothing. */
    private static String replicas(PlatformPorts p) {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i < p.gatewayReplicas(); i++) {
            lines.append(String.format("  Gateway replica %d      http://127.0.0.1:%d/v1   metrics: http://127.0.0.1:%d/q/metrics%n",
                    i + 1, p.gateway(i), p.gatewayManagement(i)));
        }
        return lines.toString();
    }

    /** Where the warehouse is and how to query it, with {@code --warehouse}; else nothing. */
    private static String warehouse(LaunchOptions o, LocalPlatform platform) {
        if (!o.warehouse()) {
            return "";
        }
        return String.format("""
                  Kafka Connect          http://127.0.0.1:%d/connectors  (sinks: usage, rollups, budget events)
                  Warehouse (SQL)        %s  (user postgres, password postgres)
                                         tables usage_events, usage_rollups, budget_threshold_events
                                         psql -h 127.0.0.1 -p %d -U postgres %s   (spend queries: README.md)
                """, o.ports().connect(), platform.warehouseJdbcUrl(), o.ports().postgres(),
                LaunchOptions.WAREHOUSE_DATABASE);
    }

    static String text(LaunchOptions o, LocalPlatform platform, Secrets secrets, String readOnlyToken,
                       double seconds) {
        String apiKey = secrets.apiKey();
        PlatformPorts p = o.ports();
        String gateway = "http://127.0.0.1:" + p.gateway();
        return String.format("""

                Tollgate is running (started in %.1f s).

                  Gateway, OpenAI API    %s/v1
                  Gateway metrics        http://127.0.0.1:%d/q/metrics   health: /q/health
                %s  Streams query API      %s
                  Evals worker           %s
                  Alert notifier         %s
                  vLLM simulator         http://127.0.0.1:%d  (models %s and %s)
                  Kafka                  %s
                  Apicurio Registry      %s
                  PostgreSQL             127.0.0.1:%d  (user postgres, password postgres)
                %s  Logs                   %s

                API key (org "%s"):
                  %s

                Try it:
                  curl -s %s/v1/chat/completions \\
                    -H "Authorization: Bearer %s" -H "Content-Type: application/json" \\
                    -d '{"model":"%s","messages":[{"role":"user","content":"Hello!"}]}'

                Admin API token (orgs, keys, endpoints, budgets, alert rules and receivers; see docs/admin-api.md):
                  curl -s %s/admin/v1/endpoints -H "Authorization: Bearer %s"

                Read-only console token (sees everything, changes nothing; docs/security.md):
                  %s
                Web console (sign in with the read-only token, or the admin token to act; docs/console.md):
                  %s/console/
                The tollgate CLI (docs/cli.md), in another terminal:
                  export TOLLGATE_ADMIN_URL=%s TOLLGATE_STREAMS_URL=http://127.0.0.1:%d TOLLGATE_ADMIN_TOKEN=%s
                  ./tollgate deployment status

                Each usage event is printed below as it arrives on tollgate.usage.v1. Ctrl-C stops everything.

                """, seconds, gateway, p.gatewayManagement(), replicas(p),
                o.streams() ? "http://127.0.0.1:" + p.streams() + "/v1/usage/orgs/" + LaunchOptions.ORG + "/totals"
                        : "not started (--no-streams)",
                o.streams() ? "http://127.0.0.1:" + p.evals() + "/q/health  (judges, dataset runs, backfills: "
                        + "docs/evals.md)" : "not started (--no-streams)",
                o.streams() ? "http://127.0.0.1:" + p.notifier() + "/v1/deliveries   alerts: http://127.0.0.1:"
                        + p.streams() + "/v1/alerts" : "not started (--no-streams)", p.simulator(), o.model(),
                LaunchOptions.SECOND_MODEL,
                platform.kafka().bootstrapServers(), platform.registry().url(), p.postgres(), warehouse(o, platform),
                o.dataDir().resolve("logs"), LaunchOptions.ORG, apiKey, gateway, apiKey, o.model(), gateway,
                secrets.adminToken(), readOnlyToken, gateway, gateway, p.streams(), secrets.adminToken());
    }
}
