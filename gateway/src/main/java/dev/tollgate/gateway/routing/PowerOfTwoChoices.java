package dev.tollgate.gateway.routing;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * Weighted least-outstanding-requests by the power of two choices: draw two distinct candidates, each with
 * probability proportional to its weight, and keep the one with the lower load per unit of weight. Two random
 * choices are nearly as good as scanning all endpoints for the least loaded one, but, unlike always taking the
 * global minimum, many gateway replicas acting on slightly stale counts do not all pile onto the same endpoint.
 * On a tie the first draw wins, so idle endpoints share traffic in proportion to their weights.
 */
public final class PowerOfTwoChoices {

    private PowerOfTwoChoices() {
    }

    /**
     * Chooses one of {@code candidates}.
     *
     * @param candidates the endpoints allowed to take the request; must not be empty
     * @param weight     each candidate's weight, at least 1
     * @param load       each candidate's current load (outstanding requests plus any penalty), not negative
     * @param random     the source of the two draws; a seeded one makes the choice repeatable in tests
     * @return the chosen candidate
     */
    public static <T> T choose(List<T> candidates, ToIntFunction<T> weight, ToDoubleFunction<T> load,
                               RandomGenerator random) {
        int n = candidates.size();
        if (n == 0) {
            throw new IllegalArgumentException("no candidate to choose from");
        }
        if (n == 1) {
            return candidates.get(0);
        }
        long total = 0;
        for (T c : candidates) {
            total += weight.applyAsInt(c);
        }
        int first = draw(candidates, weight, total, -1, random);
        int second = draw(candidates, weight, total - weight.applyAsInt(candidates.get(first)), first, random);
        T a = candidates.get(first);
        T b = candidates.get(second);
        double loadA = load.applyAsDouble(a) / weight.applyAsInt(a);
        double loadB = load.applyAsDouble(b) / weight.applyAsInt(b);
        return loadB < loadA ? b : a;
    }

    /** Index drawn with probability proportional to weight among all indices but {@code skip}. */
    private static <T> int draw(List<T> candidates, ToIntFunction<T> weight, long total, int skip,
                                RandomGenerator random) {
        long point = random.nextLong(total);
        for (int i = 0; i < candidates.size(); i++) {
            if (i == skip) {
                continue;
            }
            point -= weight.applyAsInt(candidates.get(i));
            if (point < 0) {
                return i;
            }
        }
        throw new IllegalStateException("weights changed while drawing");
    }
}
