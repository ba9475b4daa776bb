package dev.tollgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PowerOfTwoChoicesTest {

    private record Node(String name, int weight, double load) {
    }

    private static final int DRAWS = 100_000;

    @Test
    void sharesIdleEndpointsInProportionToTheirWeights() {
        List<Node> nodes = List.of(new Node("a", 3, 0), new Node("b", 1, 0));

        Map<String, Integer> counts = draw(nodes, new Random(42));

        assertThat(counts.get("a") / (double) DRAWS).isCloseTo(0.75, within(0.01));
    }

    @Test
    void samplesTwoDistinctCandidatesSoTheMostLoadedOfThreeNeverWins() {
        List<Node> nodes = List.of(new Node("idle", 1, 0), new Node("busy", 1, 5), new Node("swamped", 1, 50));

        Map<String, Integer> counts = draw(nodes, new Random(7));

        assertThat(counts).doesNotContainKey("swamped");
        // idle wins whenever it is drawn (2 of 3 pairs), busy only in the pair {busy, swamped}
        assertThat(counts.get("idle") / (double) DRAWS).isCloseTo(2.0 / 3, within(0.01));
    }

    @Test
    void comparesLoadPerUnitOfWeight() {
        Node big = new Node("big", 4, 4);      // 1 outstanding per unit of weight
        Node small = new Node("small", 1, 2);  // 2 per unit

        Map<String, Integer> counts = draw(List.of(big, small), new Random(1));

        assertThat(counts).containsOnlyKeys("big");
    }

    @Test
    void sendsEveryRequestToTheOnlyCandidate() {
        Node only = new Node("only", 1, 100);

        assertThat(PowerOfTwoChoices.choose(List.of(only), Node::weight, Node::load, new Random(3))).isSameAs(only);
    }

    @Test
    void spreadsManyEqualEndpointsEvenly() {
        List<Node> nodes = List.of(new Node("a", 1, 0), new Node("b", 1, 0), new Node("c", 1, 0),
                new Node("d", 1, 0));

        Map<String, Integer> counts = draw(nodes, new Random(11));

        counts.values().forEach(c -> assertThat(c / (double) DRAWS).isCloseTo(0.25, within(0.01)));
    }

    private static Map<String, Integer> draw(List<Node> nodes, Random random) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(PowerOfTwoChoices.choose(nodes, Node::weight, Node::load, random).name(), 1, Integer::sum);
        }
        return counts;
    }
}
