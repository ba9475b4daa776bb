package dev.tollgate.gateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Parses and validates OpenAI request bodies of every {@link OpenAiApi}. Every way a body can be wrong maps to a
 * 400 with a message that names the field, so a client never sees a 500 for its own mistake. Unknown fields are kept: vLLM accepts
 * many parameters OpenAI does not, and the gateway passes them through.
 */
public final class RequestParser {

    /** Nesting deeper than any real request; deeper input is hostile and rejected before it costs stack. */
    private static final int MAX_NESTING = 64;

    /** The mapper of request and response bodies, shared by the proxy. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
            .build());

    private RequestParser() {
    }

    /** The outcome of parsing: a request, or the error to answer with. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(ApiRequest request) implements Parsed {
    }

    public record Invalid(OpenAiError error) implements Parsed {
    }

    /** Parses a body sent to {@code api}, with that API's rules for its prompt field. */
    public static Parsed parse(OpenAiApi api, byte[] body) {
        JsonNode root;
        try {
            root = parse(body);
        } catch (InvalidBody e) {
            return new Invalid(e.error);
        }
        if (!(root instanceof ObjectNode object)) {
            return invalid("The request body must be a JSON object.", null);
        }
        JsonNode model = object.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            return invalid("'model' is required and must be a non-empty string.", "model");
        }
        int count;
        try {
            count = switch (api) {
                case CHAT_COMPLETIONS -> messages(object);
                case COMPLETIONS -> prompt(object, "prompt");
                case EMBEDDINGS -> prompt(object, "input");
            };
        } catch (InvalidBody e) {
            return new Invalid(e.error);
        }
        return validateCommon(api, object, model.asText(), count);
    }

    /** Parses a chat completions body. */
    public static Parsed chat(byte[] body) {
        return parse(OpenAiApi.CHAT_COMPLETIONS, body);
    }

    /** The number of chat {@code messages}; each must be an object with a string {@code role}. */
    private static int messages(ObjectNode object) throws InvalidBody {
        JsonNode messages = object.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw invalidField("'messages' is required and must be a non-empty array.", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw invalidField("messages[" + i + "] must be an object with a string 'role'.", "messages");
            }
        }
        return messages.size();
    }

    /**
     * The {@code prompt} of a completion or the {@code input} of an embedding, in OpenAI's four forms: a string,
     * an array of strings, an array of token ids, or an array of token-id arrays. Empty arrays are refused
     * (there is nothing to complete or embed); an empty string is a valid prompt, as OpenAI accepts it.
     *
     * @return the number of prompts: 1 for a string or a single token-id array, else the array's length
     */
    private static int prompt(ObjectNode object, String field) throws InvalidBody {
        JsonNode prompt = object.get(field);
        InvalidBody invalid = invalidField("'" + field + "' is required and must be a string, an array of strings, "
                + "an array of token ids or an array of token-id arrays.", field);
        if (prompt == null || prompt.isNull()) {
            throw invalid;
        }
        if (prompt.isTextual()) {
            return 1;
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw invalid;
        }
        JsonNode first = prompt.get(0);
        if (first.isIntegralNumber()) {
            if (!tokenIds(prompt)) {
                throw invalid;
            }
            return 1;
        }
        for (JsonNode item : prompt) {
            boolean ok = first.isTextual() ? item.isTextual()
                    : item.isArray() && !item.isEmpty() && tokenIds(item);
            if (!ok) {
                throw invalid;
            }
        }
        return prompt.size();
    }

    private static boolean tokenIds(JsonNode array) {
        for (JsonNode id : array) {
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
                return false;
            }
        }
        return true;
    }

    private static Parsed validateCommon(OpenAiApi api, ObjectNode object, String model, int messageCount) {
        JsonNode stream = object.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            return invalid("'stream' must be a boolean.", "stream");
        }
        if (!api.streams() && stream != null && stream.asBoolean(false)) {
            return invalid("'stream' is not supported by " + api.path() + ".", "stream");
        }
        JsonNode streamOptions = object.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull() && !streamOptions.isObject()) {
            return invalid("'stream_options' must be an object.", "stream_options");
        }
        Long maxTokens;
        try {
            maxTokens = positiveLong(object, "max_completion_tokens");
            if (maxTokens == null) {
                maxTokens = positiveLong(object, "max_tokens");
            }
        } catch (InvalidBody e) {
            return new Invalid(e.error);
        }
        for (String number : new String[] {"temperature", "top_p", "presence_penalty", "frequency_penalty"}) {
            JsonNode value = object.get(number);
            if (value != null && !value.isNull() && !value.isNumber()) {
                return invalid("'" + number + "' must be a number.", number);
            }
        }
        JsonNode n = object.get("n");
        if (n != null && !n.isNull() && (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1)) {
            return invalid("'n' must be a positive integer.", "n");
        }
        JsonNode user = object.get("user");
        if (user != null && !user.isNull() && !user.isTextual()) {
            return invalid("'user' must be a string.", "user");
        }
        boolean streaming = stream != null && stream.asBoolean(false);
        boolean includeUsage = streamOptions != null && streamOptions.path("include_usage").asBoolean(false);
        return new Valid(new ApiRequest(api, object, model, streaming, includeUsage,
                api == OpenAiApi.EMBEDDINGS ? null : maxTokens,
                user == null || user.isNull() ? null : user.asText(), messageCount));
    }

    private static JsonNode parse(byte[] body) throws InvalidBody {
        if (body.length == 0) {
            throw new InvalidBody(OpenAiError.of(ErrorCode.INVALID_JSON, "The request body is empty; send a JSON object."));
        }
        try {
            JsonNode root = MAPPER.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new InvalidBody(OpenAiError.of(ErrorCode.INVALID_JSON, "The request body is not valid JSON."));
            }
            return root;
        } catch (JsonProcessingException e) {
            if (!isUtf8(body)) {
                throw new InvalidBody(OpenAiError.of(ErrorCode.INVALID_UTF8, "The request body is not valid UTF-8."));
            }
            throw new InvalidBody(OpenAiError.of(ErrorCode.INVALID_JSON, "The request body is not valid JSON: "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidBody(OpenAiError.of(ErrorCode.INVALID_JSON, "The request body could not be read."));
        }
    }

    private static Long positiveLong(ObjectNode object, String field) throws InvalidBody {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            throw new InvalidBody(new OpenAiError(ErrorCode.INVALID_REQUEST, "'" + field + "' must be a positive integer.",
                    field));
        }
        return value.asLong();
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static InvalidBody invalidField(String message, String param) {
        return new InvalidBody(new OpenAiError(ErrorCode.INVALID_REQUEST, message, param));
    }

    private static Invalid invalid(String message, String param) {
        return new Invalid(new OpenAiError(ErrorCode.INVALID_REQUEST, message, param));
    }

    private static final class InvalidBody extends Exception {
        private final OpenAiError error;

        InvalidBody(OpenAiError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }
}
