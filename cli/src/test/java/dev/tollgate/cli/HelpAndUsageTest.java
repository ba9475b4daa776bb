package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.cli.core.Context;
import dev.tollgate.cli.core.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command answers --help without a server, and bad command lines end with exit code 2 and a clear message. */
class HelpAndUsageTest {

    @TempDir
    Path home;

    /** Every command path of the tree, e.g. {@code [keys, create]}. */
    static Stream<List<String>> everyCommand() {
        CommandLine root = Tollgate.commandLine(new Context(Map.of(), Path.of("."), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())));
        List<List<String>> paths = new ArrayList<>();
        collect(root, new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, into);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void everyCommandExplainsItselfWithHelp(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");

        CliRun run = CliRun.run(Map.of(), home, args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Usage: tollgate" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void theTreeHasEveryCommandTheIssueNames() {
        List<String> names = everyCommand().map(p -> String.join(" ", p)).toList();

        assertThat(names).contains("orgs list", "orgs create", "teams list", "teams create", "keys create", "keys list",
                "keys environments", "keys revoke", "registry register", "registry deregister", "registry enable",
                "registry disable", "registry drain", "registry list", "deployment status", "budgets set",
                "budgets list", "budgets show", "usage", "generate-completion", "config show", "alerts list",
                "alerts rules", "alerts receivers", "alerts silence create", "alerts silence list",
                "alerts silence expire", "evals evaluators list", "evals evaluators show", "evals evaluators create",
                "evals datasets list", "evals datasets show", "evals datasets create", "evals runs list",
                "evals runs show", "evals runs start", "evals compare", "evals backfill start",
                "evals backfill progress", "credentials create", "credentials list", "credentials revoke",
                "secrets status", "secrets rewrap");
    }

    @Test
    void anUnknownCommandIsBadUsage() {
        CliRun run = CliRun.run(Map.of(), home, "orgz", "list");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Unmatched argument").contains("orgz");
    }

    @Test
    void aGroupWithoutASubcommandListsItsSubcommandsAndIsBadUsage() {
        CliRun run = CliRun.run(Map.of(), home, "registry");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Missing a subcommand of 'tollgate registry'").contains("register")
                .contains("drain");
    }

    @Test
    void aMissingRequiredOptionIsBadUsageAndNamesTheOption() {
        CliRun run = CliRun.run(Map.of("TOLLGATE_ADMIN_TOKEN", "t"), home, "keys", "create");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Missing required option: '--org=<org>'");
    }

    @Test
    void revokingWithTheKeyInsteadOfItsIdIsRefusedBeforeAnyCall() {
        CliRun run = CliRun.run(Map.of("TOLLGATE_ADMIN_TOKEN", "t", "TOLLGATE_ADMIN_URL", "http://127.0.0.1:1"), home,
                "keys", "revoke", "tg_abcdefghijklmnopqrstuvwxyz");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("looks like the key itself").contains("tollgate keys list");
    }

    @Test
    void usageNeedsAnOrgOrAnEndpoint() {
        CliRun run = CliRun.run(Map.of(), home, "usage", "--since", "1h");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--org ORG").contains("--endpoint ID");
    }

    @Test
    void aBadDurationSaysWhatADurationLooksLike() {
        CliRun run = CliRun.run(Map.of(), home, "usage", "--org", "acme", "--since", "yesterday");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("'yesterday' is not a duration").contains("24h");
    }

    @Test
    void anUnknownOutputFormatIsBadUsage() {
        CliRun run = CliRun.run(Map.of(), home, "orgs", "list", "--output", "yaml");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("yaml").contains("table, json");
    }

    @Test
    void generatesABashAndZshCompletionScriptCoveringTheCommands() {
        CliRun run = CliRun.run(Map.of(), home, "generate-completion");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("complete -F _complete_tollgate", "registry", "deployment", "budgets",
                "--environment", "alerts", "silence", "evals", "backfill", "compare", "--matcher", "llm_judge",
                "--allowed-environment", "credentials", "read_only", "secrets", "rewrap");
    }

    @Test
    void printsItsVersion() {
        CliRun run = CliRun.run(Map.of(), home, "--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("tollgate ");
    }
}
