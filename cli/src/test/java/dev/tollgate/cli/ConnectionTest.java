package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.cli.core.ExitCode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the CLI connects and with which token: flags over environment over config file over defaults; the token is
 * never printed; a missing token, or a server that cannot be reached, ends with its own exit code and a hint.
 */
class ConnectionTest {

    private static final String SECRET = "tga_secret_value_never_printed_123";

    @TempDir
    Path home;

    @Test
    void flagsWinOverTheEnvironmentWhichWinsOverTheConfigFile() throws IOException {
        Path file = config("admin-url=http://file-host:1111\nstreams-url=http://file-host:2222\ntoken=" + SECRET + "\n");
        Map<String, String> env = Map.of("TOLLGATE_CONFIG", file.toString(), "TOLLGATE_ADMIN_URL", "http://env-host:3333");

        CliRun run = CliRun.run(env, home, "config", "show", "--streams-url", "http://flag-host:4444", "-o", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("\"admin_url\" : \"http://env-host:3333\"")
                .contains("\"admin_url_source\" : \"TOLLGATE_ADMIN_URL\"")
                .contains("\"streams_url\" : \"http://flag-host:4444\"")
                .contains("\"token_set\" : true").contains("\"token_source\" : \"config file " + file + "\"");
    }

    @Test
    void neverPrintsTheToken() throws IOException {
        Path file = config("token=" + SECRET + "\n");

        CliRun table = CliRun.run(Map.of(), home, "config", "show", "--config", file.toString());
        CliRun json = CliRun.run(Map.of("TOLLGATE_ADMIN_TOKEN", SECRET), home, "config", "show", "-o", "json");

        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("set (hidden)").doesNotContain(SECRET);
        assertThat(json.out() + json.err()).doesNotContain(SECRET);
    }

    @Test
    void warnsWhenAConfigFileHoldingATokenIsReadableByOthers() throws IOException {
        Path file = config("token=" + SECRET + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        CliRun run = CliRun.run(Map.of(), home, "config", "show", "--config", file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("others can read it").contains("chmod 600");
    }

    @Test
    void readsTheDefaultConfigFileInTheHomeDirectory() throws IOException {
        Path file = home.resolve(".config/tollgate/config");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "admin-url=http://from-default-file:8080\n");

        CliRun run = CliRun.run(Map.of(), home, "config", "show");

        assertThat(run.out()).contains("http://from-default-file:8080").contains("config file " + file);
    }

    @Test
    void aNamedConfigFileThatDoesNotExistIsBadUsage() {
        CliRun run = CliRun.run(Map.of(), home, "orgs", "list", "--config", home.resolve("nope").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("does not exist");
    }

    @Test
    void anAdminCommandWithoutATokenFailsWithTheAuthCodeAndSaysWhereToSetIt() {
        CliRun run = CliRun.run(Map.of(), home, "orgs", "list");

        assertThat(run.exitCode()).isEqualTo(ExitCode.AUTH);
        assertThat(run.err()).contains("No admin token is set").contains("TOLLGATE_ADMIN_TOKEN")
                .contains("tollgate config show");
    }

    @Test
    void aServerThatCannotBeReachedFailsWithTheUnreachableCodeAndSaysWhatToCheck() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        CliRun admin = CliRun.run(Map.of("TOLLGATE_ADMIN_TOKEN", SECRET), home, "orgs", "list", "--admin-url",
                "http://127.0.0.1:" + closed);
        CliRun streams = CliRun.run(Map.of(), home, "usage", "--org", "acme", "--streams-url",
                "http://127.0.0.1:" + closed);

        assertThat(admin.exitCode()).as(admin.toString()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(admin.err()).contains("Cannot reach the admin API at http://127.0.0.1:" + closed)
                .contains("--admin-url").doesNotContain(SECRET);
        assertThat(streams.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(streams.err()).contains("Cannot reach the streams query API").contains("TOLLGATE_STREAMS_URL");
    }

    @Test
    void aUrlThatIsNotHttpIsBadUsage() {
        CliRun run = CliRun.run(Map.of("TOLLGATE_ADMIN_TOKEN", SECRET), home, "orgs", "list", "--admin-url",
                "localhost:8080");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("not an http(s) URL");
    }

    private Path config(String content) throws IOException {
        Path file = home.resolve("tollgate.conf");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
