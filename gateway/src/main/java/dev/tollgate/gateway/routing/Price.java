package dev.tollgate.gateway.routing;

/**
 * What an endpoint charges, in integer micro-dollars per million tokens. Money is never a floating-point
 * number: a usage event's cost must add up exactly in billing.
 *
 * @param inputPerMillionMicros  price of one million prompt tokens
 * @param outputPerMillionMicros price of one million completion tokens
 * @param version                recorded on each usage event so a replay can re-price
 */
public record Price(long inputPerMillionMicros, long outputPerMillionMicros, int version) {

    private static final long MILLION = 1_000_000L;

    public Price {
        if (inputPerMillionMicros < 0 || outputPerMillionMicros < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /**
     * The cost of a request in micro-dollars, rounded up to the next micro-dollar so that many small requests
     * never add up to less than they cost.
     */
    public long costMicros(long promptTokens, long completionTokens) {
        long numerator = Math.addExact(Math.multiplyExact(promptTokens, inputPerMillionMicros),
                Math.multiplyExact(completionTokens, outputPerMillionMicros));
        return -Math.floorDiv(-numerator, MILLION);
    }
}
