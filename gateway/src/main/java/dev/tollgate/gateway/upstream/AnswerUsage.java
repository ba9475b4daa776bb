package dev.tollgate.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.AnswerContent;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.openai.TokenEstimator;
import dev.tollgate.gateway.openai.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the tokens of a request from what its endpoint answered: the usage the endpoint reported when there is
 * one, else an estimate ({@link TokenEstimator}, marked estimated). Streams ask the endpoint for that usage up
 * front ({@link #withUsageRequested}); {@link SseRelay} removes it again when the client did not ask for it.
 */
final class AnswerUsage {

    private AnswerUsage() {
    }

    /**
     * The usage of a whole 200 answer, and its finish reason, model and text noted on the exchange. Only the usage,
     * the finish reason and the model are read now, by {@link ResponseScan}; the text is parsed only if someone asks
     * for it (content capture, or an estimate when the endpoint reported no usage).
     */
    static TokenUsage ofWhole(Buffer body, ApiRequest request, Exchange exchange) {
        byte[] bytes = body.getBytes();
        ResponseScan scan = ResponseScan.of(bytes);
        if (scan == null) {
            return TokenEstimator.estimate(request, "");
        }
        exchange.answered(scan.finishReason(), scan.model(), () -> generatedContent(bytes));
        return scan.usage() != null ? scan.usage() : TokenEstimator.estimate(request, generatedText(bytes));
    }

    /** The usage of a relayed stream: the endpoint's final usage chunk, else an estimate of the text relayed. */
    static TokenUsage ofStream(SseRelay relay, ApiRequest request) {
        TokenUsage reported = relay.usage();
        return reported != null ? reported : TokenEstimator.estimate(request, relay.completion());
    }

    /** Asks the upstream for the final usage chunk, so billing uses the model's own counts. */
    static Buffer withUsageRequested(ApiRequest request) {
        ObjectNode body = request.body().deepCopy();
        JsonNode options = body.get("stream_options");
        ObjectNode streamOptions = options instanceof ObjectNode o ? o : body.putObject("stream_options");
        streamOptions.put("include_usage", true);
        try {
            return Buffer.buffer(RequestParser.MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }

    /**
     * The text of every choice of a whole answer: a chat choice's {@code message.content}, a completion choice's
     * {@code text}; empty when the body is not JSON.
     */
    static String generatedText(byte[] body) {
        return generatedContent(body).text();
    }

    /** The text of every choice, as {@link #generatedText}, and every chat choice's {@code message.tool_calls}. */
    static AnswerContent generatedContent(byte[] body) {
        JsonNode answer;
        try {
            answer = RequestParser.MAPPER.readTree(body);
        } catch (IOException notJson) {
            return AnswerContent.text("");
        }
        StringBuilder output = new StringBuilder();
        List<AnswerContent.ToolCall> calls = new ArrayList<>();
        for (JsonNode choice : answer.path("choices")) {
            JsonNode content = choice.path("message").path("content");
            output.append((content.isTextual() ? content : choice.path("text")).asText(""));
            for (JsonNode call : choice.path("message").path("tool_calls")) {
                JsonNode function = call.path("function");
                if (function.path("name").isTextual()) {
                    calls.add(new AnswerContent.ToolCall(function.path("name").asText(),
                            function.path("arguments").isTextual() ? function.path("arguments").asText() : null));
                }
            }
        }
        return new AnswerContent(output.toString(), calls);
    }
}
