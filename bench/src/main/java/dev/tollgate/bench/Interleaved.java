package dev.tollgate.bench;

import java.time.Duration;
import java.util.List;

/**
 * Measures the same load against two targets in alternating rounds (first, second, first, second, ...), each
 * round with its own warm-up, and merges each target's rounds into one result.
 *
 * <p><b>Why:</b> the benchmarks compare a target with a baseline (the gateway with the simulator it fronts) on
 * cores shared with other work. Measured one after the other, each over a single window, one of the two can catch
 * a quiet stretch of the machine and the other a busy one, and their ratio or difference then measures the machine
 * as much as the targets. Alternating short rounds spreads both over the same stretches of time.
 */
final class Interleaved {

    private Interleaved() {
    }

    /**
     * Runs {@code first} and {@code second} in {@code rounds} alternating rounds. Each round measures for the
     * spec's duration divided by {@code rounds}, after the spec's warm-up; the merged results report the whole
     * duration, so their throughput and percentiles read like those of one run.
     *
     * @return the results of {@code first} and {@code second}, in that order
     */
    static List<LoadResult> run(LoadSpec first, LoadSpec second, int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
        }
        Duration round = first.duration().dividedBy(rounds);
        if (round.toMillis() < 1 || !second.duration().equals(first.duration())) {
            throw new IllegalArgumentException("both targets need the same duration, of at least 1 ms per round");
        }
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        for (int i = 0; i < rounds; i++) {
            a.merge(LoadGenerator.record(first.withDuration(round)));
            b.merge(LoadGenerator.record(second.withDuration(round)));
        }
        Duration measured = round.multipliedBy(rounds);
        return List.of(LoadGenerator.result(first.withDuration(measured), a),
                LoadGenerator.result(second.withDuration(measured), b));
    }
}
