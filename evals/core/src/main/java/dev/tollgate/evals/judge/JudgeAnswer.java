package dev.tollgate.evals.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.evals.scoring.Score;
import java.io.IOException;

/**
 * Reads a judge's answer: one JSON object with a numeric {@code score} from 0 to 1 and a {@code reasoning}. A
 * fenced block (```json ... ```) or text around the object is tolerated, since models add them despite being told
 * not to; anything else is an error score ({@code judge_unusable}) with the reason, never a guess.
 */
public final class JudgeAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JudgeAnswer() {
    }

    /** The score the judge gave, passing at {@code threshold}; an error score when the answer cannot be used. */
    public static Score parse(String content, double threshold) {
        if (content == null || content.isBlank()) {
            return Score.error("judge_unusable", "the judge answered with no text");
        }
        int start = content.indexOf('{');
        int end = content.lastIndexOf('}');
        if (start < 0 || end < start) {
            return Score.error("judge_unusable", "the judge's answer holds no JSON object: " + excerpt(content));
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(content.substring(start, end + 1));
        } catch (IOException e) {
            return Score.error("judge_unusable", "the judge's answer is not valid JSON: " + excerpt(content));
        }
        JsonNode score = answer.get("score");
        if (score == null || !score.isNumber()) {
            return Score.error("judge_unusable", "the judge's answer has no numeric 'score': " + excerpt(content));
        }
        double value = score.asDouble();
        if (!(value >= 0.0 && value <= 1.0)) {
            return Score.error("judge_unusable", "the judge's score " + value + " is not between 0 and 1");
        }
        String reasoning = answer.path("reasoning").isTextual() ? answer.get("reasoning").asText() : null;
        return Score.graded(value, threshold, reasoning);
    }

    private static String excerpt(String content) {
        String flat = content.replaceAll("\\s+", " ").strip();
        return flat.length() <= 120 ? flat : flat.substring(0, 119) + "…";
    }
}
