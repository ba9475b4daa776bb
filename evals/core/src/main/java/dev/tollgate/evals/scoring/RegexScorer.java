package dev.tollgate.evals.scoring;

import dev.tollgate.evals.definition.Definition;
import java.util.regex.Matcher;

/**
 * {@code regex}: 1 when the output matches somewhere ({@code must_match}) or nowhere ({@code must_not_match}).
 *
 * <p>Java's regex engine backtracks, so a pattern such as {@code (a+)+$} can take exponential time on a crafted
 * output, and it cannot be interrupted. The match runs over a {@link Budgeted} view of the output that counts
 * character reads and gives up past {@link #MAX_STEPS}: the score is then an error ({@code regex_too_expensive})
 * instead of a stream thread stuck for minutes.
 */
final class RegexScorer {

    /** Character reads allowed per match: ordinary patterns over 200,000 characters need a few million at most. */
    static final long MAX_STEPS = 20_000_000;

    private RegexScorer() {
    }

    static Score score(Definition.RegexMatch definition, String output) {
        String text = output == null ? "" : output;
        boolean found;
        try {
            Matcher matcher = definition.pattern().matcher(new Budgeted(text, MAX_STEPS));
            found = matcher.find();
        } catch (Budgeted.Exhausted e) {
            return Score.error("regex_too_expensive", "the pattern needed more than " + MAX_STEPS
                    + " steps on this output (catastrophic backtracking); simplify it");
        } catch (StackOverflowError e) {
            return Score.error("regex_too_expensive", "the pattern recursed too deeply on this output; simplify it");
        }
        boolean passed = definition.mode() == Definition.RegexMode.MUST_MATCH ? found : !found;
        return Score.of(passed, passed ? null : (found ? "the output matches the pattern"
                : "the output does not match the pattern"));
    }

    /** A read-only view of a string that stops reading after a budget of character reads. */
    static final class Budgeted implements CharSequence {

        /** The budget is spent. */
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String text;
        private final long[] budget;
        private final int offset;
        private final int length;

        Budgeted(String text, long budget) {
            this(text, new long[] {budget}, 0, text.length());
        }

        private Budgeted(String text, long[] budget, int offset, int length) {
            this.text = text;
            this.budget = budget;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(offset + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text, budget, offset + start, end - start);
        }

        @Override
        public String toString() {
            return text.substring(offset, offset + length);
        }
    }
}
