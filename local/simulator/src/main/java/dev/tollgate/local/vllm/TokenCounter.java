package dev.tollgate.local.vllm;

/**
 * Estimates prompt tokens without a tokenizer: one token per four UTF-8 bytes of text (rounded up), the usual rule
 * of thumb for English with a BPE vocabulary. A chat adds four tokens per message and three for the reply prefix, the
 * shape of a chat template; a text prompt adds one for the BOS token. Token-id prompts count exactly.
 *
 * <p>The figures only need to be deterministic and plausible: the gateway bills on what the server reports, and a
 * test compares the usage it receives with what the simulator's metrics count.
 */
final class TokenCounter {

    static final int PER_MESSAGE = 4;
    static final int REPLY_PRIMING = 3;
    static final int BOS = 1;

    private TokenCounter() {
    }

    /** Tokens of a piece of text. */
    static int text(String text) {
        long bytes = utf8Length(text);
        return (int) Math.min(Integer.MAX_VALUE, (bytes + 3) / 4);
    }

    private static long utf8Length(String s) {
        long bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
