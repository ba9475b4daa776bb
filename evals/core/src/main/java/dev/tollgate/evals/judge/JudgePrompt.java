package dev.tollgate.evals.judge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.evals.definition.Definition;
import dev.tollgate.evals.scoring.ScoringInput;

/**
 * The chat completion a judge is sent: a fixed system message that asks for one JSON object, and the evaluator's
 * template with {@code {{input}}}, {@code {{output}}} and {@code {{reference}}} filled in. The request asks for a
 * JSON object, at temperature 0, so that the same request is judged the same way as far as the model allows.
 */
public final class JudgePrompt {

    /** What every judge is told about the shape of its answer; {@link JudgeAnswer} reads exactly that shape. */
    public static final String SYSTEM = "You are an evaluator of answers given by an AI assistant. Follow the "
            + "instructions you are given, then reply with exactly one JSON object and nothing else: "
            + "{\"score\": <a number from 0 to 1, where 1 is best>, \"reasoning\": \"<one or two sentences>\"}.";

    private static final ObjectMapper JSON = new ObjectMapper();

    private JudgePrompt() {
    }

    /** The template with the request's input, output and reference in place. */
    public static String render(String template, ScoringInput input) {
        return template.replace("{{input}}", transcript(input))
                .replace("{{output}}", input.output() == null ? "" : input.output())
                .replace("{{reference}}", input.reference() == null ? "" : input.reference());
    }

    /** The body of the judge's {@code /v1/chat/completions} request. */
    public static ObjectNode request(Definition.LlmJudge judge, ScoringInput input) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", judge.model());
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM);
        messages.addObject().put("role", "user").put("content", render(judge.prompt(), input));
        body.put("temperature", 0);
        body.put("max_tokens", judge.maxTokens());
        body.putObject("response_format").put("type", "json_object");
        return body;
    }

    private static String transcript(ScoringInput input) {
        StringBuilder text = new StringBuilder();
        for (ScoringInput.Message message : input.inputMessages()) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(message.role()).append(": ").append(message.content() == null ? "" : message.content());
        }
        return text.toString();
    }
}
