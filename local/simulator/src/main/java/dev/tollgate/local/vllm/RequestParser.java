package dev.tollgate.local.vllm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a parsed JSON body into a validated request, or throws {@link ApiException}: 400 for a missing field or a
 * wrong type (the param names the field), 404 for a model the server does not serve. Types are checked strictly: a
 * string where a number belongs is an error, never coerced. Fields the simulator does not act on are not checked,
 * as vLLM ignores what it does not know.
 */
final class RequestParser {

    private static final int MAX_N = 128;

    private RequestParser() {
    }

    static CompletionRequest chat(JsonNode body, SimulatorConfig config) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiException.badRequest("Field required: messages", "messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiException.badRequest("messages must be a non-empty array of message objects", "messages");
        }
        int tokens = TokenCounter.REPLY_PRIMING;
        for (JsonNode message : messages) {
            tokens += TokenCounter.PER_MESSAGE + messageTokens(message);
        }
        Integer maxTokens = optionalInt(body, "max_completion_tokens", 1);
        if (maxTokens == null) {
            maxTokens = optionalInt(body, "max_tokens", 1);
        }
        return common(body, config, true, maxTokens, List.of(tokens));
    }

    static CompletionRequest completion(JsonNode body, SimulatorConfig config) {
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw ApiException.badRequest("Field required: prompt", "prompt");
        }
        Integer maxTokens = optionalInt(body, "max_tokens", 1);
        return common(body, config, false, maxTokens, promptTokens(prompt));
    }

    /** The model a request names, checked against the served names; the first served name when absent. */
    static String model(JsonNode body, SimulatorConfig config) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            return config.primaryModel();
        }
        if (!model.isTextual()) {
            throw ApiException.badRequest("model must be a string", "model");
        }
        String name = model.textValue();
        if (!config.servedModelNames().contains(name)) {
            throw ApiException.modelNotFound(name);
        }
        return name;
    }

    private static CompletionRequest common(JsonNode body, SimulatorConfig config, boolean chat, Integer maxTokens,
            List<Integer> promptTokens) {
        boolean stream = Boolean.TRUE.equals(optionalBoolean(body, "stream"));
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiException.badRequest("stream_options must be an object", "stream_options");
            }
            if (!stream) {
                throw ApiException.badRequest("Stream options can only be defined when `stream=True`.",
                        "stream_options");
            }
            includeUsage = Boolean.TRUE.equals(optionalBoolean(options, "include_usage"));
        }
        Integer n = optionalInt(body, "n", 1);
        if (n != null && n > MAX_N) {
            throw ApiException.badRequest("n must be at most " + MAX_N, "n");
        }
        Long seed = optionalLong(body, "seed");
        String model = model(body, config);
        checkContextLength(config.maxModelLen(), promptTokens, maxTokens);
        boolean jsonObject = chat && "json_object".equals(body.path("response_format").path("type").asText(null));
        // A judge's verdict depends on what it judges; only then does the simulator look at the prompt's words.
        long promptHash = jsonObject ? body.path("messages").toString().hashCode() : 0;
        return new CompletionRequest(chat, model, stream, includeUsage, n == null ? 1 : n, maxTokens, seed,
                promptTokens, jsonObject, promptHash);
    }

    private static void checkContextLength(int maxModelLen, List<Integer> promptTokens, Integer maxTokens) {
        for (int prompt : promptTokens) {
            if (prompt >= maxModelLen) {
                throw ApiException.badRequest("This model's maximum context length is " + maxModelLen
                        + " tokens. However, your request has " + prompt
                        + " input tokens. Please reduce the length of the input messages.", null);
            }
            if (maxTokens != null && (long) prompt + maxTokens > maxModelLen) {
                throw ApiException.badRequest("This model's maximum context length is " + maxModelLen
                        + " tokens. However, you requested " + ((long) prompt + maxTokens) + " tokens (" + prompt
                        + " in the messages, " + maxTokens
                        + " in the completion). Please reduce the length of the messages or completion.", null);
            }
        }
    }

    private static int messageTokens(JsonNode message) {
        if (!message.isObject()) {
            throw ApiException.badRequest("each message must be an object", "messages");
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isTextual()) {
            throw ApiException.badRequest("each message needs a string role", "messages");
        }
        JsonNode content = message.get("content");
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return TokenCounter.text(content.textValue());
        }
        if (!content.isArray()) {
            throw ApiException.badRequest("message content must be a string, an array of parts or null", "messages");
        }
        int tokens = 0;
        for (JsonNode part : content) {
            if (!part.isObject() || !part.path("type").isTextual()) {
                throw ApiException.badRequest("each content part must be an object with a string type", "messages");
            }
            JsonNode text = part.get("text");
            if (text != null && !text.isNull()) {
                if (!text.isTextual()) {
                    throw ApiException.badRequest("content part text must be a string", "messages");
                }
                tokens += TokenCounter.text(text.textValue());
            }
        }
        return tokens;
    }

    /** A string, an array of strings, an array of token ids, or an array of arrays of token ids, as in vLLM. */
    private static List<Integer> promptTokens(JsonNode prompt) {
        if (prompt.isTextual()) {
            return List.of(TokenCounter.BOS + TokenCounter.text(prompt.textValue()));
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw ApiException.badRequest(
                    "prompt must be a string, a non-empty array of strings or an array of token ids", "prompt");
        }
        JsonNode first = prompt.get(0);
        if (first.isIntegralNumber()) {
            return List.of(tokenIds(prompt));
        }
        List<Integer> prompts = new ArrayList<>(prompt.size());
        for (JsonNode item : prompt) {
            if (item.isTextual()) {
                prompts.add(TokenCounter.BOS + TokenCounter.text(item.textValue()));
            } else if (item.isArray() && !item.isEmpty()) {
                prompts.add(tokenIds(item));
            } else {
                throw ApiException.badRequest(
                        "prompt must be a string, a non-empty array of strings or an array of token ids", "prompt");
            }
        }
        return prompts;
    }

    private static int tokenIds(JsonNode ids) {
        for (JsonNode id : ids) {
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                throw ApiException.badRequest("token ids must be non-negative integers", "prompt");
            }
        }
        return ids.size();
    }

    private static Boolean optionalBoolean(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw ApiException.badRequest(field + " must be a boolean", field);
        }
        return node.booleanValue();
    }

    static Integer optionalInt(JsonNode body, String field, int min) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.badRequest(field + " must be an integer", field);
        }
        int value = node.intValue();
        if (value < min) {
            throw ApiException.badRequest(field + " must be at least " + min + ", got " + value + ".", field);
        }
        return value;
    }

    private static Long optionalLong(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.badRequest(field + " must be an integer", field);
        }
        return node.longValue();
    }
}
