package dev.tollgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class LoadSpecTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8000/v1", "http://localhost:1/", "http://[::1]:8080/x",
        "http://127.3.4.5/"})
    void acceptsLoopbackTargets(String url) {
        assertThat(spec(URI.create(url), Duration.ofSeconds(1), Duration.ZERO).target()).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://192.0.2.10/", "http://10.0.0.1:8000/", "http://0.0.0.0:8000/",
        "https://127.0.0.1/"})
    void refusesEveryTargetThatIsNotPlainHttpOnLoopback(String url) {
        assertThatThrownBy(() -> spec(URI.create(url), Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boundsEveryRunInTime() {
        URI target = URI.create("http://127.0.0.1:1/");

        assertThatThrownBy(() -> spec(target, Duration.ofMinutes(10), Duration.ofSeconds(1)))
                .hasMessageContaining("at most");
        assertThatThrownBy(() -> spec(target, Duration.ZERO, Duration.ZERO)).hasMessageContaining("positive");
    }

    @ParameterizedTest
    @CsvSource({"250ms, 250", "30s, 30000", "1.5s, 1500", "2m, 120000", "PT3S, 3000"})
    void parsesHumanDurations(String text, long millis) {
        assertThat(new BenchMain.DurationConverter().convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void rejectsUnparsableDurations() {
        assertThatThrownBy(() -> new BenchMain.DurationConverter().convert("soon"))
                .isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void commandLineBuildsTheSpecWithHeadersAndJsonContentType() throws Exception {
        BenchMain main = new BenchMain();
        new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(
                "--url", "http://127.0.0.1:9/v1/chat/completions", "--body", "{}", "-H", "Authorization: Bearer k",
                "--mode", "OPEN", "--rate", "500", "-d", "2s", "--warmup", "0s", "--stream");

        LoadSpec spec = main.spec();

        assertThat(spec.mode()).isEqualTo(LoadSpec.Mode.OPEN);
        assertThat(spec.rate()).isEqualTo(500);
        assertThat(spec.streaming()).isTrue();
        assertThat(spec.headers()).containsEntry("authorization", "Bearer k")
                .containsEntry("content-type", "application/json");
        assertThat(spec.body()).containsExactly('{', '}');
    }

    @Test
    void lastOccurrenceOfAnOptionWinsSoScriptsCanOverride() {
        CommandLine cli = BenchMain.commandLine();
        cli.parseArgs("--url", "http://127.0.0.1:9/", "--warmup", "5s", "--warmup", "0s");

        BenchMain main = cli.getCommand();
        assertThat(main.warmup).isEqualTo(Duration.ZERO);
    }

    @Test
    void commandLineRefusesANonLoopbackTargetWithAUsageError() {
        int exit = BenchMain.commandLine().execute("--url", "http://192.0.2.10/", "-d", "1s");

        assertThat(exit).isEqualTo(2);
    }

    @Test
    void commandLineRefusesANonLoopbackVersusTargetWithAUsageError() {
        int exit = BenchMain.commandLine().execute("--url", "http://127.0.0.1:9/", "--versus", "http://192.0.2.10/",
                "-d", "1s");

        assertThat(exit).isEqualTo(2);
    }

    @Test
    void commandLineRefusesRoundsWithoutASecondTarget() {
        int exit = BenchMain.commandLine().execute("--url", "http://127.0.0.1:9/", "--rounds", "4", "-d", "1s");

        assertThat(exit).isEqualTo(2);
    }

    private static LoadSpec spec(URI target, Duration duration, Duration warmup) {
        return new LoadSpec(target, "GET", null, Map.of(), LoadSpec.Mode.CLOSED, 1, 1, duration, warmup, false, 1,
                Duration.ofSeconds(1), 10);
    }
}
