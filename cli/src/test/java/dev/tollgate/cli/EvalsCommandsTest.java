package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.cli.core.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate evals} and {@code tollgate usage --by team}: what is sent to the APIs and how answers print. */
class EvalsCommandsTest {

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

    @Test
    void createsAnEvaluatorWithADefinitionReadFromAFile() throws IOException {
        Path definition = home.resolve("judge.json");
        Files.writeString(definition, "{\"pattern\": \"^.{1,200}$\"}");
        api.on("POST", "/admin/v1/evaluators", 201, "{'id':'short','type':'regex','version':1}");

        CliRun run = CliRun.run(api.env(), home, "evals", "evaluators", "create", "--id", "short", "--name", "Short",
                "--type", "regex", "--definition", "@" + definition, "--sampling-rate", "0.5");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Created evaluator short (regex, version 1)");
        assertThat(api.last("POST", "/admin/v1/evaluators").body()).contains("\"definition\":{\"pattern\":")
                .contains("\"sampling_rate\":0.5").contains("\"type\":\"regex\"");
    }

    @Test
    void aDefinitionThatIsNotJsonIsBadUsageBeforeAnyCall() {
        CliRun run = CliRun.run(api.env(), home, "evals", "evaluators", "create", "--name", "x", "--type", "regex",
                "--definition", "{pattern: nope");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--definition is not JSON");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void createsADatasetFromJsonLines() throws IOException {
        Path examples = home.resolve("capitals.jsonl");
        Files.writeString(examples, "{\"id\":\"fr\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}],"
                + "\"reference_output\":\"Paris\"}\n\n{\"id\":\"de\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Capital of Germany?\"}],\"reference_output\":\"Berlin\"}\n");
        api.on("POST", "/admin/v1/datasets", 201, "{'id':'capitals','example_count':2}");

        CliRun run = CliRun.run(api.env(), home, "evals", "datasets", "create", "capitals", "--name", "Capitals",
                "--examples", examples.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Created dataset capitals with 2 examples");
        String body = api.last("POST", "/admin/v1/datasets").body();
        assertThat(body).contains("\"id\":\"capitals\"").contains("\"reference_output\":\"Paris\"")
                .contains("\"reference_output\":\"Berlin\"");
    }

    @Test
    void startsARunWithVersionedEvaluatorsAndThresholds() {
        api.on("POST", "/admin/v1/eval-runs", 201, "{'id':'ab','dataset_id':'capitals','models':['m1','m2']}");

        CliRun run = CliRun.run(api.env(), home, "evals", "runs", "start", "--id", "ab", "--dataset", "capitals",
                "--model", "m1", "--model", "m2", "--evaluator", "overlap", "--evaluator", "helpful:2",
                "--threshold", "overlap:pass_rate:0.8");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Started run ab of dataset capitals against m1, m2");
        assertThat(api.last("POST", "/admin/v1/eval-runs").body())
                .contains("\"evaluators\":[\"overlap\",{\"id\":\"helpful\",\"version\":2}]")
                .contains("\"thresholds\":[{\"evaluator_id\":\"overlap\",\"metric\":\"pass_rate\",\"min\":0.8}]")
                .contains("\"models\":[\"m1\",\"m2\"]");
    }

    @Test
    void showsARunsProgressAndItsScoresPerModelAndEvaluator() {
        api.on("GET", "/admin/v1/eval-runs/ab", 200, "{'id':'ab','dataset_id':'capitals','models':['m1','m2'],"
                + "'progress':{'status':'completed','total':4,'sent':4,'succeeded':4,'failed':0,'verdict':'failed',"
                + "'detail':'overlap pass_rate of m2 is 0.5, below 0.8'}}");
        api.on("GET", "/v1/evals/runs/ab", 200, "{'object':'evals.run','run_id':'ab','expected_examples':2,"
                + "'complete':true,'verdict':'failed','results':[{'model':'m1','evaluator_id':'overlap','version':1,"
                + "'scored':2,'stats':{'count':2,'errors':0,'mean':0.91234,'mean_ci':[0.8,1.0],'pass_rate':1.0,"
                + "'pass_rate_ci':[0.34,1.0]}}],'thresholds':[{'evaluator_id':'overlap','metric':'pass_rate',"
                + "'min':0.8,'model':'m1','value':1.0,'passed':true}]}");

        CliRun run = CliRun.run(api.env(), home, "evals", "runs", "show", "ab");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("completed, 4/4 sent, 0 failed, verdict failed (overlap pass_rate of m2")
                .contains("overlap v1").contains("0.912").contains("0.800–1.000")
                .contains("threshold overlap pass_rate >= 0.8 on m1: passed");
    }

    @Test
    void comparesTwoRunsEvaluatorByEvaluatorWithTheDeltaAndRegressions() {
        api.on("GET", "/v1/evals/compare", 200, "{'object':'evals.comparison','a':{'run':'before'},'b':{'run':"
                + "'after'},'evaluators':[{'evaluator_id':'overlap','a':{'count':2,'errors':0,'mean':0.9,"
                + "'mean_ci':[0.8,1.0],'pass_rate':1.0},'b':{'count':2,'errors':0,'mean':0.6,'mean_ci':[0.4,0.8],"
                + "'pass_rate':0.5},'mean_delta':-0.3,'regressed_count':1,'improved_count':0,'regressed':[]}]}");

        CliRun run = CliRun.run(api.env(), home, "evals", "compare", "--a-run", "before", "--b-run", "after");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(api.last("GET", "/v1/evals/compare").pathAndQuery()).contains("a_run=before", "b_run=after");
        assertThat(run.out()).contains("a: run=before").contains("b: run=after").contains("-0.300")
                .contains("0.900", "0.600");
    }

    @Test
    void comparingNeedsExactlyOneKindOfSides() {
        CliRun none = CliRun.run(api.env(), home, "evals", "compare");
        CliRun half = CliRun.run(api.env(), home, "evals", "compare", "--a-run", "x");
        CliRun mixed = CliRun.run(api.env(), home, "evals", "compare", "--run", "x", "--a-version", "1");

        assertThat(none.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("Say what to compare");
        assertThat(half.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(mixed.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(api.requests).isEmpty();
    }

    @Test
    void startsABackfillAndShowsItsProgress() {
        api.on("POST", "/admin/v1/eval-backfills", 201, "{'id':'bf1','evaluator':{'id':'short','version':1}}");
        api.on("GET", "/admin/v1/eval-backfills/bf1", 200, "{'id':'bf1','evaluator':{'id':'short','version':1},"
                + "'progress':{'status':'running','total':200,'sent':50,'succeeded':40,'skipped':10,'failed':0}}");

        CliRun start = CliRun.run(api.env(), home, "evals", "backfill", "start", "--evaluator", "short",
                "--from", "2026-11-28T00:00:00Z", "--to", "2026-12-05T00:00:00Z");
        CliRun progress = CliRun.run(api.env(), home, "evals", "backfill", "progress", "bf1");

        assertThat(start.exitCode()).as(start.toString()).isZero();
        assertThat(api.last("POST", "/admin/v1/eval-backfills").body()).contains("\"evaluator_id\":\"short\"")
                .contains("\"from\":\"2026-11-28T00:00:00Z\"").contains("\"to\":\"2026-12-05T00:00:00Z\"");
        assertThat(progress.out()).contains("bf1", "short v1", "running", "50", "200", "25.0%");
    }

    @Test
    void splitsAnOrgsUsageByTeam() {
        api.on("GET", "/admin/v1/orgs/acme/teams", 200, "{'object':'list','data':[{'id':'search'},{'id':'ads'}]}");
        api.on("GET", "/v1/usage", 200, "{'object':'list','granularity':'1h','key':'org=acme&team=x','data':[{"
                + "'window_start':'2026-12-06T10:00:00Z','requests':3,'errors':0,'prompt_tokens':300,"
                + "'completion_tokens':60,'cost_micros':4500}]}");

        CliRun run = CliRun.run(api.env(), home, "usage", "--org", "acme", "--by", "team", "--since", "1h");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(api.requests.stream().filter(r -> r.pathAndQuery().startsWith("/v1/usage"))
                .map(FakeApi.Request::pathAndQuery)).anyMatch(q -> q.contains("team=search"))
                .anyMatch(q -> q.contains("team=ads"));
        assertThat(run.out()).contains("TEAM").contains("search").contains("ads").contains("$0.004500");
    }

    @Test
    void byTeamNeedsAnOrgAlone() {
        CliRun run = CliRun.run(api.env(), home, "usage", "--org", "acme", "--model", "m1", "--by", "team");
        CliRun two = CliRun.run(api.env(), home, "usage", "--org", "acme", "--team", "t", "--key", "k");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--org alone");
        assertThat(two.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(two.err()).contains("(org, team)");
    }
}
