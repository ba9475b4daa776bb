package dev.tollgate.gateway.openai;

/**
 * Token counts of one request.
 *
 * @param promptTokens     tokens of the input
 * @param completionTokens tokens generated
 * @param cachedTokens     prompt tokens served from the prefix cache, when reported
 * @param estimated        true when the gateway counted the tokens because the upstream reported none
 */
public record TokenUsage(long promptTokens, long completionTokens, long cachedTokens, boolean estimated) {

    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, false);

    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0 || cachedTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
