package dev.tollgate.local.vllm;

/**
 * Produces the simulated output: one English word per token, chosen by a hash of the text seed, the choice index and
 * the token position. The same request seed gives the same text; different choices of one request differ.
 *
 * <p>Every word is lowercase ASCII, so a token never needs JSON escaping and its length in UTF-8 is its length in
 * chars. The first token of a choice has no leading space, each later one has one, as a BPE tokenizer would emit.
 */
final class TextGenerator {

    private static final String[] WORDS = {
        "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "gateway", "token", "stream", "model",
        "kafka", "event", "budget", "route", "latency", "cache", "prompt", "answer", "vector", "tensor", "batch",
        "queue", "signal", "river", "mountain", "cloud", "light", "shadow", "number", "letter", "window", "garden",
        "engine", "matrix", "planet", "orbit", "harbor", "bridge", "silver", "golden", "quiet", "rapid", "simple",
        "steady", "bright", "gentle", "hidden", "ancient", "modern", "open", "closed", "north", "south", "east",
        "west", "spring", "summer", "autumn", "winter", "morning", "evening", "night",
    };

    private static final String[] FIRST = new String[WORDS.length];
    private static final String[] LATER = new String[WORDS.length];

    static {
        for (int i = 0; i < WORDS.length; i++) {
            FIRST[i] = WORDS[i];
            LATER[i] = " " + WORDS[i];
        }
    }

    private TextGenerator() {
    }

    /** The text of token {@code position} (0-based) of choice {@code choice} for {@code textSeed}. */
    static String token(long textSeed, int choice, int position) {
        long h = FailureInjector.mix(textSeed * 0x9E3779B97F4A7C15L + choice * 0xC2B2AE3D27D4EB4FL + position);
        int index = (int) ((h >>> 1) % WORDS.length);
        return position == 0 ? FIRST[index] : LATER[index];
    }

    /** The whole text of a choice of {@code tokens} tokens. */
    static String text(long textSeed, int choice, int tokens) {
        StringBuilder out = new StringBuilder(tokens * 8);
        for (int i = 0; i < tokens; i++) {
            out.append(token(textSeed, choice, i));
        }
        return out.toString();
    }
}
