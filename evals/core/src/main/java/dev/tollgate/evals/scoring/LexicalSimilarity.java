package dev.tollgate.evals.scoring;

import dev.tollgate.evals.definition.Definition;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lexical similarity of an output to its reference, from 0 to 1, computed in the stream thread:
 * <ul>
 *   <li>{@code rouge_l}: the F-measure (β = 1) of the longest common subsequence of the two token sequences, as
 *       ROUGE-L defines it for one reference;</li>
 *   <li>{@code token_f1}: the F1 of the two multisets of tokens, as SQuAD scores an answer.</li>
 * </ul>
 * Tokens are runs of letters and digits, case-folded after Unicode normalization (NFKC), so punctuation and spacing
 * do not count. Both texts are cut at {@link #MAX_TOKENS} tokens: the LCS table is quadratic, and two cut texts
 * still score the part that was compared.
 */
final class LexicalSimilarity {

    /** Tokens compared per text at most: 2,000 × 2,000 LCS cells take a few milliseconds. */
    static final int MAX_TOKENS = 2_000;

    private LexicalSimilarity() {
    }

    static Score score(Definition.Similarity definition, String output, String reference) {
        List<String> candidate = tokens(output == null ? "" : output);
        List<String> expected = tokens(reference);
        double value = switch (definition.method()) {
            case ROUGE_L -> rougeL(candidate, expected);
            case TOKEN_F1 -> tokenF1(candidate, expected);
            case EMBEDDING -> throw new IllegalArgumentException("embedding similarity calls a model");
        };
        return Score.graded(value, definition.threshold(), definition.method() + "=" + String.format(Locale.ROOT,
                "%.4f", value));
    }

    static List<String> tokens(String text) {
        String normalized = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < normalized.length() && tokens.size() < MAX_TOKENS; ) {
            int cp = normalized.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                current.appendCodePoint(cp);
            } else if (current.length() > 0) {
                tokens.add(current.toString());
                current.setLength(0);
            }
            i += Character.charCount(cp);
        }
        if (current.length() > 0 && tokens.size() < MAX_TOKENS) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    static double rougeL(List<String> candidate, List<String> reference) {
        if (candidate.isEmpty() || reference.isEmpty()) {
            return candidate.isEmpty() && reference.isEmpty() ? 1.0 : 0.0;
        }
        int lcs = lcs(candidate, reference);
        if (lcs == 0) {
            return 0.0;
        }
        double precision = (double) lcs / candidate.size();
        double recall = (double) lcs / reference.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** Length of the longest common subsequence, in two rows of the dynamic-programming table. */
    private static int lcs(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1];
        int[] current = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                current[j] = x.equals(b.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.size()];
    }

    static double tokenF1(List<String> candidate, List<String> reference) {
        if (candidate.isEmpty() || reference.isEmpty()) {
            return candidate.isEmpty() && reference.isEmpty() ? 1.0 : 0.0;
        }
        Map<String, Integer> counts = new HashMap<>();
        reference.forEach(t -> counts.merge(t, 1, Integer::sum));
        int common = 0;
        for (String token : candidate) {
            Integer left = counts.get(token);
            if (left != null && left > 0) {
                common++;
                counts.put(token, left - 1);
            }
        }
        if (common == 0) {
            return 0.0;
        }
        double precision = (double) common / candidate.size();
        double recall = (double) common / reference.size();
        return 2 * precision * recall / (precision + recall);
    }
}
