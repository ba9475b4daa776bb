package dev.tollgate.gateway.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall of each detector on {@code redaction/corpus.tsv}: positives (a line that holds one) and
 * negatives (look-alikes: dates, versions, order numbers, MAC addresses, library names). A detector's false positive
 * is its placeholder in any line that is not one of its positives, so a phone detector that eats a card number counts
 * against the phone detector. The figures are printed for docs/redaction.md, beside those of the redactor as it was in
 * bbeb257 ({@link ScanEverywhere#BEFORE}); the build fails when a detector falls below 0.9 or below that redactor.
 */
class RedactionCorpusTest {

    record Line(Detector detector, boolean positive, String text) {
    }

    static List<Line> corpus() throws IOException {
        List<Line> lines = new ArrayList<>();
        try (InputStream in = RedactionCorpusTest.class.getResourceAsStream("/redaction/corpus.tsv")) {
            for (String row : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (row.isBlank() || row.startsWith("#")) {
                    continue;
                }
                String[] cells = row.split("\t", 3);
                lines.add(new Line(Detector.named(cells[0]).orElseThrow(), cells[1].equals("+"),
                        cells[2].replace("\\n", "\n")));
            }
        }
        return lines;
    }

    @Test
    void everyDetectorKeepsItsPrecisionAndRecallOnTheCorpus() throws IOException {
        List<Line> corpus = corpus();
        Map<Detector, int[]> before = counts(corpus, ScanEverywhere.BEFORE::redact, new ArrayList<>());
        List<String> misses = new ArrayList<>();
        Map<Detector, int[]> counts = counts(corpus, Redactor.ALL::redact, misses);
        System.out.println(table(corpus, before, "before (bbeb257)"));
        System.out.println(table(corpus, counts, "now"));
        misses.forEach(System.out::println);

        for (Detector d : Detector.values()) {
            assertThat(precision(counts.get(d))).as("precision of %s", d).isGreaterThanOrEqualTo(0.9)
                    .isGreaterThanOrEqualTo(precision(before.get(d)));
            assertThat(recall(counts.get(d))).as("recall of %s", d).isGreaterThanOrEqualTo(0.9)
                    .isGreaterThanOrEqualTo(recall(before.get(d)));
        }
    }

    /** Per detector: true positives, false positives, false negatives of {@code redactor} on the corpus. */
    private static Map<Detector, int[]> counts(List<Line> corpus, UnaryOperator<String> redactor,
                                               List<String> misses) {
        Map<Detector, int[]> counts = new EnumMap<>(Detector.class);
        for (Detector d : Detector.values()) {
            counts.put(d, new int[3]);
        }
        for (Line line : corpus) {
            String out = redactor.apply(line.text());
            for (Detector d : Detector.values()) {
                boolean found = out.contains(d.placeholder());
                boolean expected = line.positive() && line.detector() == d;
                if (expected && found) {
                    counts.get(d)[0]++;
                } else if (found) {
                    counts.get(d)[1]++;
                    misses.add("false " + d.wireName() + ": " + line.text() + " -> " + out);
                } else if (expected) {
                    counts.get(d)[2]++;
                    misses.add("missed " + d.wireName() + ": " + line.text() + " -> " + out);
                }
            }
        }
        return counts;
    }

    private static String table(List<Line> corpus, Map<Detector, int[]> counts, String title) {
        StringBuilder table = new StringBuilder(title)
                .append("\n| detector | positives | negatives | precision | recall |\n");
        for (Detector d : Detector.values()) {
            int[] c = counts.get(d);
            long positives = corpus.stream().filter(l -> l.detector() == d && l.positive()).count();
            long negatives = corpus.stream().filter(l -> l.detector() == d && !l.positive()).count();
            table.append(String.format("| %s | %d | %d | %.2f | %.2f |%n", d.wireName(), positives, negatives,
                    precision(c), recall(c)));
        }
        return table.toString();
    }

    private static double precision(int[] c) {
        return c[0] + c[1] == 0 ? 1 : (double) c[0] / (c[0] + c[1]);
    }

    private static double recall(int[] c) {
        return c[0] + c[2] == 0 ? 1 : (double) c[0] / (c[0] + c[2]);
    }
}
