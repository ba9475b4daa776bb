package dev.tollgate.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens when an upstream reports no usage, with a real BPE tokenizer (jtokkit, cl100k_base). The
 * model's own tokenizer may differ by a few percent; such usage is marked estimated so billing can tell.
 * Prompts given as token ids are counted exactly: their length is their token count.
 */
public final class TokenEstimator {

    /** Per-message framing tokens of the chat format (role and separators), as OpenAI documents it. */
    private static final int PER_MESSAGE = 4;
    private static final int PER_REPLY = 3;
    private static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private TokenEstimator() {
    }

    /** Estimated usage of {@code request} that generated {@code completion} (nothing, for embeddings). */
    public static TokenUsage estimate(ApiRequest request, CharSequence completion) {
        return new TokenUsage(promptTokens(request), count(completion), 0, true);
    }

    /**
     * The prompt tokens of any request kind: chat messages with their framing, or the {@code prompt} /
     * {@code input} of a completion or embedding. Public because the rate-limit step charges an embedding's
     * input up front (an embedding has no output to reserve for).
     */
    public static long promptTokens(ApiRequest request) {
        JsonNode prompt = request.body().get(request.promptField());
        return request.api() == OpenAiApi.CHAT_COMPLETIONS ? promptTokens(prompt) : textPromptTokens(prompt);
    }

    /** Tokens of chat {@code messages}, with the per-message and per-reply framing of the chat format. */
    static long promptTokens(JsonNode messages) {
        long tokens = PER_REPLY;
        if (messages == null || !messages.isArray()) {
            return tokens;
        }
        for (JsonNode message : messages) {
            tokens += PER_MESSAGE + count(message.path("role").asText(""));
            JsonNode content = message.get("content");
            if (content != null && content.isTextual()) {
                tokens += count(content.asText());
            } else if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    tokens += count(part.path("text").asText(""));
                }
            }
        }
        return tokens;
    }

    /**
     * Tokens of a completion {@code prompt} or embedding {@code input}: a string, an array of strings, an array
     * of token ids (its length) or an array of token-id arrays (the sum of their lengths). No framing: these
     * APIs send the text as is.
     */
    static long textPromptTokens(JsonNode prompt) {
        if (prompt == null) {
            return 0;
        }
        if (prompt.isTextual()) {
            return count(prompt.asText());
        }
        long tokens = 0;
        for (JsonNode item : prompt) {
            if (item.isTextual()) {
                tokens += count(item.asText());
            } else if (item.isArray()) {
                tokens += item.size();
            } else if (item.isIntegralNumber()) {
                tokens++;
            }
        }
        return tokens;
    }

    public static long count(CharSequence text) {
        return text == null || text.isEmpty() ? 0 : ENCODING.countTokensOrdinary(text.toString());
    }
}
