package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real helm lint --strict of every chart with every environment's values (values.schema.json included). */
class HelmLintTest {

    static List<Arguments> chartsAndEnvironments() {
        List<Arguments> all = new ArrayList<>();
        for (String chart : Charts.CHARTS) {
            for (String environment : Charts.ENVIRONMENTS) {
                all.add(Arguments.of(chart, environment));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("chartsAndEnvironments")
    void everyChartPassesStrictLintWithEveryEnvironmentsValues(String chart, String environment) {
        LintResult result = Charts.lint(chart, environment, Path.of("target", "lint"));

        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void lintFailsOnAValueTheChartsSchemaDoesNotKnow() throws Exception {
        Path work = Path.of("target", "lint-negative");
        Charts.lint("gateway", "development", work);
        Path values = work.resolve("gateway-development").resolve("gateway").resolve("values.yaml");
        Files.writeString(values, Files.readString(values) + "\nreplicaz: 2\n");

        LintResult result = new Helm(values.getParent()).lint().strict().call();

        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("replicaz");
    }
}
