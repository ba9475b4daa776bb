package dev.tollgate.evals.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.evals.definition.Definition;
import dev.tollgate.evals.scoring.Score;
import dev.tollgate.evals.scoring.ScoringInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeAnswerTest {

    @Test
    void readsTheScoreAndReasoning() {
        Score score = JudgeAnswer.parse("{\"score\": 0.8, \"reasoning\": \"Correct but terse.\"}", 0.5);

        assertThat(score.value()).isEqualTo(0.8);
        assertThat(score.passed()).isTrue();
        assertThat(score.detail()).isEqualTo("Correct but terse.");
    }

    @Test
    void toleratesAFencedBlockAroundTheObject() {
        assertThat(JudgeAnswer.parse("Here you go:\n```json\n{\"score\":0.2,\"reasoning\":\"wrong\"}\n```", 0.5)
                .passed()).isFalse();
    }

    @Test
    void anUnusableAnswerIsAnErrorScoreWithItsReason() {
        assertThat(JudgeAnswer.parse("I think it is good.", 0.5).error()).startsWith("judge_unusable:")
                .contains("no JSON object");
        assertThat(JudgeAnswer.parse("{\"score\": \"high\"}", 0.5).error()).contains("no numeric 'score'");
        assertThat(JudgeAnswer.parse("{\"score\": 8}", 0.5).error()).contains("not between 0 and 1");
        assertThat(JudgeAnswer.parse("{\"score\": 0.5,", 0.5).error()).contains("no JSON object");
        assertThat(JudgeAnswer.parse("", 0.5).error()).contains("no text");
    }

    @Test
    void thePromptCarriesTheInputOutputAndReference() {
        Definition.LlmJudge judge = new Definition.LlmJudge("judge", "Q: {{input}}\nA: {{output}}\nR: {{reference}}",
                0.5, 128);
        ScoringInput input = new ScoringInput(List.of(new ScoringInput.Message("user", "2+2?")), "4", List.of(), "4");

        var body = JudgePrompt.request(judge, input);

        assertThat(body.path("model").asText()).isEqualTo("judge");
        assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("Q: user: 2+2?\nA: 4\nR: 4");
        assertThat(body.path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(body.path("temperature").asInt()).isZero();
    }

    @Test
    void cosineOfEmbeddings() {
        assertThat(Cosine.similarity(new double[] {1, 0}, new double[] {1, 0})).isEqualTo(1.0);
        assertThat(Cosine.similarity(new double[] {1, 0}, new double[] {0, 1})).isEqualTo(0.0);
        assertThat(Cosine.similarity(new double[] {1, 0}, new double[] {-1, 0})).isEqualTo(0.0);
        assertThat(Cosine.similarity(new double[] {3, 4}, new double[] {4, 3})).isEqualTo(0.96,
                org.assertj.core.data.Offset.offset(1e-9));
    }
}
