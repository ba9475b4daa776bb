package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged CLI as operators run it: {@code ./tollgate} at the repository's root, running the one jar the build
 * makes ({@code cli/target/tollgate.jar}). Runs after {@code package}, so the jar is there.
 */
class LauncherScriptIT {

    private static final Path SCRIPT = Path.of("..", "tollgate").toAbsolutePath().normalize();

    @Test
    void theScriptRunsThePackagedJarAndPrintsItsVersion() throws Exception {
        Run run = run("--version");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).startsWith("tollgate ").doesNotContain("development build");
    }

    @Test
    void theScriptGeneratesABashCompletionScript() throws Exception {
        Run run = run("generate-completion");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("complete -F").contains("registry").contains("deployment");
    }

    @Test
    void theScriptPassesTheExitCodeThrough() throws Exception {
        Run run = run("registry", "list", "--no-such-option");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("Unknown option: '--no-such-option'");
    }

    record Run(int exitCode, String output) {
    }

    private static Run run(String... args) throws IOException, InterruptedException {
        assertThat(SCRIPT).isExecutable();
        assertThat(Path.of("target", "tollgate.jar")).exists();
        List<String> command = new java.util.ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
