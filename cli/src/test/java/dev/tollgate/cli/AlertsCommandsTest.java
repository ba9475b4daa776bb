package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.cli.core.ExitCode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate alerts}: how alerts, rules, receivers and silences are asked for and shown. */
class AlertsCommandsTest {

    @TempDir
    Path home;

    private FakeApi api;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static String alert(String fingerprint, String state, String endpoint) {
        return "{'object':'alert','fingerprint':'" + fingerprint + "','rule_id':'down','alertname':'EndpointDown',"
                + "'state':'" + state + "','severity':'critical','labels':{'alertname':'EndpointDown','endpoint':'"
                + endpoint + "','severity':'critical'},'annotations':{},'value':1.0,'threshold':0.0,"
                + "'active_at':'2026-12-06T10:00:05Z','fired_at':'2026-12-06T10:00:35.123Z','resolved_at':null,"
                + "'evaluated_at':'2026-12-06T10:00:41Z','receivers':['ops']}";
    }

    @Test
    void listsAlertsWithTheirStateSeveritySubjectSinceAndTheSilencesThatMuteThem() {
        Instant now = Instant.now();
        api.on("GET", "/v1/alerts", 200, "{'object':'list','data':[" + alert("aaaa", "firing", "sim-2") + ","
                + alert("bbbb", "firing", "sim-3") + "]}");
        api.on("GET", "/admin/v1/silences", 200, "{'object':'list','data':[{'id':'sil_1','matchers':{'endpoint':"
                + "'sim-2'},'starts_at':'" + now.minusSeconds(60) + "','ends_at':'" + now.plusSeconds(3600) + "',"
                + "'state':'active'},{'id':'sil_old','matchers':{'endpoint':'sim-3'},'starts_at':'"
                + now.minusSeconds(7200) + "','ends_at':'" + now.minusSeconds(3600) + "','state':'expired'}]}");

        CliRun run = CliRun.run(api.env(), home, "alerts", "list", "--state", "firing");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(api.last("GET", "/v1/alerts").pathAndQuery()).contains("state=firing");
        String[] lines = run.out().split("\n");
        assertThat(lines[0]).startsWith("STATE").contains("SEVERITY", "ALERT", "SUBJECT", "SINCE", "SILENCED");
        assertThat(lines[1]).contains("firing", "critical", "EndpointDown", "endpoint=sim-2",
                "2026-12-06T10:00:35Z", "by sil_1");
        assertThat(lines[2]).contains("endpoint=sim-3").contains(" no ");
    }

    @Test
    void jsonListsTheStreamsAppsAlertsWithWhatSilencesThem() {
        Instant now = Instant.now();
        api.on("GET", "/v1/alerts", 200, "{'object':'list','data':[" + alert("aaaa", "pending", "sim-2") + "]}");
        api.on("GET", "/admin/v1/silences", 200, "{'object':'list','data':[{'id':'sil_1','matchers':{'endpoint':"
                + "'sim-2','alertname':'EndpointDown'},'starts_at':'" + now.minusSeconds(1) + "','ends_at':'"
                + now.plusSeconds(60) + "'}]}");

        CliRun run = CliRun.run(api.env(), home, "alerts", "list", "-o", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("[").contains("\"fingerprint\" : \"aaaa\"")
                .contains("\"silenced_by\" : [ \"sil_1\" ]");
    }

    @Test
    void stillListsAlertsWhenNoTokenIsSetAndSaysSilencesAreUnknown() {
        api.on("GET", "/v1/alerts", 200, "{'object':'list','data':[" + alert("aaaa", "firing", "sim-2") + "]}");

        CliRun run = CliRun.run(Map.of("TOLLGATE_STREAMS_URL", api.url()), home, "alerts", "list");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("EndpointDown").contains(" ? ");
        assertThat(run.err()).contains("silences not shown").contains("No admin token");
    }

    @Test
    void createsASilenceFromMatchersAndADuration() {
        api.on("POST", "/admin/v1/silences", 201, "{'id':'sil_9','object':'silence','state':'active',"
                + "'matchers':{'endpoint':'sim-2'},'starts_at':'2026-12-06T10:00:00Z','ends_at':'2026-12-06T12:00:00Z'}");

        CliRun run = CliRun.run(api.env(), home, "alerts", "silence", "create", "--matcher", "endpoint=sim-2",
                "-m", "alertname=EndpointDown", "--starts-at", "2026-12-06T10:00:00Z", "--duration", "2h",
                "--comment", "GPU swap", "--created-by", "ops");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Created silence sil_9 (active) until 2026-12-06T12:00:00Z");
        FakeApi.Request sent = api.last("POST", "/admin/v1/silences");
        assertThat(sent.authorization()).isEqualTo("Bearer tga_test");
        assertThat(sent.body()).contains("\"matchers\":{\"endpoint\":\"sim-2\",\"alertname\":\"EndpointDown\"}")
                .contains("\"ends_at\":\"2026-12-06T12:00:00Z\"").contains("\"comment\":\"GPU swap\"")
                .contains("\"created_by\":\"ops\"");
    }

    @Test
    void aMatcherWithoutAnEqualsSignIsBadUsageBeforeAnyCall() {
        CliRun run = CliRun.run(api.env(), home, "alerts", "silence", "create", "--matcher", "sim-2",
                "--comment", "x");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("LABEL=VALUE");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void expiringAnUnknownSilenceIsNotFound() {
        CliRun run = CliRun.run(api.env(), home, "alerts", "silence", "expire", "sil_nope");

        assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(api.last("POST", "/admin/v1/silences/sil_nope/expire")).isNotNull();
    }

    @Test
    void listsActiveAndPendingSilencesUnlessAllAreAskedFor() {
        api.on("GET", "/admin/v1/silences", 200, "{'object':'list','data':[{'id':'sil_1','state':'active',"
                + "'matchers':{'endpoint':'sim-2'},'starts_at':'2026-12-06T10:00:00Z','ends_at':'2026-12-06T12:00:00Z',"
                + "'created_by':'ops','comment':'GPU swap'}]}");

        CliRun run = CliRun.run(api.env(), home, "alerts", "silence", "list");
        CliRun all = CliRun.run(api.env(), home, "alerts", "silence", "list", "--all");

        assertThat(run.out()).contains("sil_1", "active", "endpoint=sim-2", "GPU swap");
        assertThat(api.requests.get(0).pathAndQuery()).contains("state=active%2Cpending");
        assertThat(all.exitCode()).isZero();
        assertThat(api.requests.get(1).pathAndQuery()).isEqualTo("/admin/v1/silences");
    }

    @Test
    void listsRulesAndReceivers() {
        api.on("GET", "/admin/v1/alert-rules", 200, "{'object':'list','data':[{'id':'down','name':'EndpointDown',"
                + "'kind':'endpoint_down','scope':'endpoint','for':'30s','severity':'critical','receivers':['ops'],"
                + "'enabled':true},{'id':'errs','name':'Errors','kind':'error_rate','scope':'model','scope_id':'m1',"
                + "'window':'5m','threshold':0.05,'for':'1m','severity':'warning','receivers':[],'enabled':false}]}");
        api.on("GET", "/admin/v1/receivers", 200, "{'object':'list','data':[{'id':'ops','type':'slack',"
                + "'url':'https://hooks.slack.com/***','group_by':['alertname'],'group_wait':'10s',"
                + "'repeat_interval':'4h','send_resolved':true}]}");

        CliRun rules = CliRun.run(api.env(), home, "alerts", "rules");
        CliRun receivers = CliRun.run(api.env(), home, "alerts", "receivers");

        assertThat(rules.out()).contains("endpoint_down", "critical", "ops", "yes");
        assertThat(rules.out().split("\n")[2]).contains("model:m1", "5m", "0.05", "no");
        assertThat(receivers.out()).contains("slack", "https://hooks.slack.com/***", "alertname", "4h");
    }
}
