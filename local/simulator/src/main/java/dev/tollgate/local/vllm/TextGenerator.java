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

    /**
     * The text of token {@code position} (0-based) of choice {@code choice} of {@code tokens} for {@code textSeed}.
     * With {@code jsonObject}, the tokens spell the object a judge answers with: the first token opens it with a
     * score from 0 to 1 drawn from the seed, the words between are the reasoning, the last token closes it (a
     * choice cut before its last token is an unfinished object, as a real model's is).
     */
    static String token(long textSeed, int choice, int position, int tokens, boolean jsonObject) {
        if (jsonObject && position == 0) {
            return "{\"score\": " + score(textSeed, choice) + ", \"reasoning\": \"";
        }
        if (jsonObject && position == tokens - 1) {
            return "\"}";
        }
        return token(textSeed, choice, position);
    }

    /** The judge's score of a choice: hundredths from 0.00 to 1.00. */
    static String score(long textSeed, int choice) {
        long h = FailureInjector.mix(textSeed * 31 + choice + 0x5DEECE66DL);
        long hundredths = (h >>> 1) % 101;
        return hundredths == 100 ? "1.00" : String.format(java.util.Locale.ROOT, "0.%02d", hundredths);
    }

    /** The text of token {@code position} (0-based) of choice {@code choice} for {@code textSeed}. */
    static String token(long textSeed, int choice, int position) {
        long h = FailureInjector.mix(textSeed * 0x9E3779B97F4A7C15L + choice * 0xC2B2AE3D27D4EB4FL + position);
        int index = (int) ((h >>> 1) % WORDS.length);
        return position == 0 ? FIRST[index] : LATER[index];
    }

    /** The whole text of a choice of {@code tokens} tokens. */
    static String text(long textSeed, int choice, int tokens) {
        return text(textSeed, choice, tokens, false);
    }

    /** The whole text of a choice of {@code tokens} tokens, a judge's JSON object when {@code jsonObject}. */
    static String text(long textSeed, int choice, int tokens, boolean jsonObject) {
        StringBuilder out = new StringBuilder(tokens * 8);
        for (int i = 0; i < tokens; i++) {
            out.append(token(textSeed, choice, i, tokens, jsonObject));
        }
        return out.toString();
    }
}
