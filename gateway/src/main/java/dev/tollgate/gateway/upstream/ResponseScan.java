package dev.tollgate.gateway.upstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.openai.TokenUsage;
import java.io.IOException;

/**
 * What the gateway needs from a whole (non-streaming) answer: the {@code usage} the endpoint reported, the
 * {@code finish_reason} of the first choice, and the {@code model} that answered (for the trace).
 *
 * <p>Why a scan and not a tree: building a Jackson tree of every response body, only to read these two fields,
 * was the largest single cost of relaying an answer on the event loop. The scan walks Jackson's token stream,
 * skips every other value without decoding its strings, and builds a tree of the small {@code usage} object
 * only, so that it reads usage with the same rules as {@link UsageParser}. The generated text is not read
 * here; {@link AnswerUsage#generatedText} parses it on demand.
 *
 * @param usage        the reported usage, or null when absent or not well-formed
 * @param finishReason the first choice's finish reason when it is a string, else null
 * @param model        the top-level {@code model} when it is a string, else null
 */
record ResponseScan(TokenUsage usage, String finishReason, String model) {

    /** Scans a whole answer; null when it is not JSON. */
    static ResponseScan of(byte[] body) {
        try (JsonParser parser = RequestParser.MAPPER.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return parser.currentToken() == null ? null : new ResponseScan(null, null, null);
            }
            TokenUsage usage = null;
            String finishReason = null;
            String model = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usage".equals(field)) {
                    usage = value == JsonToken.START_OBJECT
                            ? UsageParser.fromUsage(parser.readValueAs(JsonNode.class)) : null;
                    parser.skipChildren(); // a usage that is not an object: skip it whole
                } else if ("choices".equals(field) && value == JsonToken.START_ARRAY) {
                    finishReason = firstFinishReason(parser);
                } else if ("model".equals(field)) {
                    model = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    parser.skipChildren();
                } else {
                    if ("choices".equals(field)) {
                        finishReason = null;
                    }
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                return null;
            }
            return new ResponseScan(usage, finishReason, model);
        } catch (IOException notJson) {
            return null;
        }
    }

    /** Reads a {@code choices} array, the parser on its start; the first element's finish reason, or null. */
    private static String firstFinishReason(JsonParser parser) throws IOException {
        String finishReason = null;
        boolean first = true;
        JsonToken element;
        while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (element == null) {
                throw new IOException("unexpected end of the answer");
            }
            if (first && element == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if ("finish_reason".equals(field)) {
                        finishReason = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
            first = false;
        }
        return finishReason;
    }
}
