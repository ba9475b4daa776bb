package dev.tollgate.evals.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.evals.definition.Definition;
import dev.tollgate.evals.definition.Definitions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorersTest {

    private static Score score(String type, String definition, String output) {
        return score(type, definition, output, null, List.of());
    }

    private static Score score(String type, String definition, String output, String reference,
                               List<ScoringInput.ToolCall> calls) {
        Definition parsed = Definitions.parse(type, definition);
        return Scorers.score(parsed, new ScoringInput(List.of(new ScoringInput.Message("user", "hi")), output, calls,
                reference));
    }

    @Test
    void exactMatchComparesWithTheReferenceTrimmedAndCaseFoldedAsConfigured() {
        assertThat(score("exact_match", "{}", "  Paris \n", "Paris", List.of()).passed()).isTrue();
        assertThat(score("exact_match", "{\"trim\":false}", " Paris", "Paris", List.of()).passed()).isFalse();
        assertThat(score("exact_match", "{\"case_insensitive\":true}", "PARIS", "paris", List.of()).value())
                .isEqualTo(1.0);
        assertThat(score("exact_match", "{}", "Lyon", "Paris", List.of()).detail()).contains("character 0");
        assertThat(score("exact_match", "{\"expected\":\"ok\"}", "ok").passed()).isTrue();
    }

    @Test
    void anEvaluatorThatNeedsAReferenceGivesAnErrorWithoutOne() {
        Score score = score("exact_match", "{}", "Paris");

        assertThat(score.isError()).isTrue();
        assertThat(score.error()).startsWith("no_reference:");
        assertThat(score.value()).isNull();
    }

    @Test
    void regexMustMatchAndMustNotMatch() {
        assertThat(score("regex", "{\"pattern\":\"\\\\d{3}\"}", "call 555 now").passed()).isTrue();
        assertThat(score("regex", "{\"pattern\":\"\\\\d{3}\",\"mode\":\"must_not_match\"}", "call 555").passed())
                .isFalse();
        assertThat(score("regex", "{\"pattern\":\"sorry\",\"case_insensitive\":true}", "SORRY!").passed()).isTrue();
    }

    @Test
    void aCatastrophicallyBacktrackingPatternGivesUpQuicklyWithAnError() {
        // Java's own regex engine needs over 7 s for this pattern on these 31 characters, and far longer on more.
        String hostile = "a".repeat(60) + "!";
        long start = System.nanoTime();

        Score score = score("regex", "{\"pattern\":\"(.*a){12}$\"}", hostile);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(score.error()).startsWith("regex_too_expensive:");
    }

    @Test
    void jsonSchemaPassesValidJsonAndExplainsTheFirstViolation() {
        String schema = "{\"schema\":{\"type\":\"object\",\"required\":[\"city\"],"
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}";

        assertThat(score("json_schema", schema, "{\"city\":\"Paris\"}").passed()).isTrue();
        Score missing = score("json_schema", schema, "{\"town\":\"Paris\"}");
        assertThat(missing.passed()).isFalse();
        assertThat(missing.detail()).contains("city");
        Score notJson = score("json_schema", schema, "Paris, of course.");
        assertThat(notJson.passed()).isFalse();
        assertThat(notJson.detail()).startsWith("the output is not JSON");
    }

    @Test
    void toolCallChecksAnyAllAndNone() {
        List<ScoringInput.ToolCall> weather = List.of(new ScoringInput.ToolCall("get_weather", "{\"city\":\"Oslo\"}"));

        assertThat(score("tool_call", "{\"tools\":[\"get_weather\",\"get_time\"]}", null, null, weather).passed())
                .isTrue();
        Score all = score("tool_call", "{\"tools\":[\"get_weather\",\"get_time\"],\"all\":true}", null, null,
                weather);
        assertThat(all.passed()).isFalse();
        assertThat(all.detail()).contains("get_time");
        assertThat(score("tool_call", "{\"tools\":[\"get_weather\"],\"mode\":\"must_not_call\"}", null, null, weather)
                .passed()).isFalse();
        assertThat(score("tool_call", "{\"tools\":[\"delete_all\"],\"mode\":\"must_not_call\"}", "hi", null, List.of())
                .passed()).isTrue();
    }

    @Test
    void lexicalSimilarityScoresOverlapFromZeroToOne() {
        assertThat(score("similarity", "{}", "The cat sat on the mat.", "the cat sat on the mat", List.of()).value())
                .isEqualTo(1.0);
        // LCS of [a b c d] and [a c d e] is [a c d]: precision 3/4, recall 3/4.
        assertThat(score("similarity", "{\"method\":\"rouge_l\"}", "a b c d", "a c d e", List.of()).value())
                .isEqualTo(0.75);
        // Multisets {a, a, b} and {a, b, b}: two tokens in common, precision 2/3, recall 2/3.
        Score f1 = score("similarity", "{\"method\":\"token_f1\",\"threshold\":0.7}", "a a b", "a b b", List.of());
        assertThat(f1.value()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(f1.passed()).isFalse();
        assertThat(score("similarity", "{}", "nothing alike", "completely different", List.of()).value())
                .isEqualTo(0.0);
    }

    @Test
    void refusesToScoreAnOutputOverTheLimit() {
        Score score = score("regex", "{\"pattern\":\"x\"}", "y".repeat(Scorers.MAX_OUTPUT_CHARS + 1));

        assertThat(score.error()).startsWith("output_too_large:");
    }

    @Test
    void leavesEvaluatorsThatCallAModelToTheWorker() {
        Definition judge = Definitions.parse("llm_judge", "{\"model\":\"j\",\"prompt\":\"{{output}}\"}");

        assertThatThrownBy(() -> Scorers.score(judge, new ScoringInput(List.of(), "x", List.of(), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("evals worker");
    }
}
