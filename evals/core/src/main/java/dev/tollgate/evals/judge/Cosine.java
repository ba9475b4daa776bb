package dev.tollgate.evals.judge;

/** The cosine of two embedding vectors, for {@code similarity} with method {@code embedding}. */
public final class Cosine {

    private Cosine() {
    }

    /**
     * The cosine of {@code a} and {@code b}, clamped to [0, 1]: a negative cosine means unrelated texts, and a
     * score is never below 0.
     *
     * @throws IllegalArgumentException when the vectors differ in length or one of them is all zeros
     */
    public static double similarity(double[] a, double[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("embeddings of " + a.length + " and " + b.length
                    + " dimensions cannot be compared");
        }
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        if (normA == 0 || normB == 0) {
            throw new IllegalArgumentException("an embedding of all zeros has no direction");
        }
        return Math.max(0.0, Math.min(1.0, dot / (Math.sqrt(normA) * Math.sqrt(normB))));
    }
}
