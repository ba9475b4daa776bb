package dev.tollgate.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tollgate.gateway.events.TokenUsage;

/**
 * Counts tokens when an upstream reports no usage, with a real BPE tokenizer (jtokkit, cl100k_base). The
 * model's own tokenizer may differ by a few percent; such usage is marked estimated so billing can tell.
 */
final class TokenEstimator {

    /** Per-message framing tokens of the chat format (role and separators), as OpenAI documents it. */
    private static final int PER_MESSAGE = 4;
    private static final int PER_REPLY = 3;
    private static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private TokenEstimator() {
    }

    static TokenUsage estimate(JsonNode messages, CharSequence completion) {
        return new TokenUsage(promptTokens(messages), count(completion), 0, true);
    }

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

    static long count(CharSequence text) {
        return text == null || text.isEmpty() ? 0 : ENCODING.countTokensOrdinary(text.toString());
    }
}
