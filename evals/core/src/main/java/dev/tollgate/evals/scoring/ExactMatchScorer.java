package dev.tollgate.evals.scoring;

import dev.tollgate.evals.definition.Definition;
import java.util.Locale;

/** {@code exact_match}: 1 when the output equals the reference (trimmed and case-folded as configured), else 0. */
final class ExactMatchScorer {

    private ExactMatchScorer() {
    }

    static Score score(Definition.ExactMatch definition, String output, String reference) {
        String actual = normalize(definition, output == null ? "" : output);
        String expected = normalize(definition, reference);
        boolean equal = actual.equals(expected);
        return Score.of(equal, equal ? null : "the output differs from the reference at character "
                + firstDifference(actual, expected));
    }

    private static String normalize(Definition.ExactMatch definition, String text) {
        String trimmed = definition.trim() ? text.strip() : text;
        return definition.caseInsensitive() ? trimmed.toLowerCase(Locale.ROOT) : trimmed;
    }

    private static int firstDifference(String a, String b) {
        int shorter = Math.min(a.length(), b.length());
        for (int i = 0; i < shorter; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return shorter;
    }
}
