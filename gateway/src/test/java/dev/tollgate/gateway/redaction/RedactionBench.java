package dev.tollgate.gateway.redaction;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * What redaction costs per KB of captured content, on one thread (the event publisher's): run by
 * {@code bench/run-redaction-bench.sh}, not by the test suite. All detectors on; texts of English-like prose of 1 KB
 * and 16 KB, clean or with a finding about every 400 bytes (an e-mail, a card, a phone number, an IP, an IBAN, a
 * key); 1 KB of JSON tool arguments (keys, quotes, colons, one {@code api_key}); and 1 KB built to make the
 * expressions backtrack (a {@code +} before 40 digits, over and over). Each text is redacted by the redactor as it
 * is ("after") and by {@link ScanEverywhere#BEFORE}, the redactor as it was ("before"), taking turns. Each
 * measurement: a warm-up, then {@code ROUNDS} rounds of at least 1 s each; prints the median and range of the
 * rounds' nanoseconds per KB, and, given a file, one tab-separated line per measurement to it. With
 * {@code --by-detector}: each detector alone on the 1 KB texts (after only), to show where the time goes.
 */
public final class RedactionBench {

    private static final String[] WORDS = ("the a gateway model request answer token budget stream cache event "
            + "kafka latency price of to and in for with on at by from is was were be this that it as are will "
            + "customer order invoice account number version 2 17 2024 3.5 100 ok").split(" ");
    private static final String[] FINDINGS = {"jane.doe@example.com", "4111 1111 1111 1111", "+44 20 7946 0958",
            "192.168.10.24", "sk-proj-abcdefghijklmnopqrstuvwxyz123456", "DE89 3704 0044 0532 0130 00"};
    private static final int ROUNDS = 5;

    private RedactionBench() {
    }

    /** A text to redact and what it is. */
    record Case(String name, String findings, String text) {
    }

    public static void main(String[] args) throws IOException {
        List<Case> cases = new ArrayList<>();
        for (int kb : new int[] {1, 16}) {
            for (boolean findings : new boolean[] {false, true}) {
                cases.add(new Case(kb + " KB prose", findings ? "1 per ~400 B" : "none",
                        text(kb * 1024, findings, new Random(kb * 31L + (findings ? 1 : 0)))));
            }
        }
        cases.add(new Case("1 KB JSON tool arguments", "1 key", json(1024)));
        cases.add(new Case("1 KB adversarial: '+' and 40 digits", "none",
                ("+" + "1234567890".repeat(4) + " ").repeat(1024 / 42)));

        if (args.length > 0 && args[0].equals("--by-detector")) {
            byDetector(cases);
            return;
        }
        System.out.println("| text | findings | before: ns per KB (median, range) | after: ns per KB (median, range) "
                + "| after: MB/s per thread |");
        System.out.println("| --- | --- | --- | --- | --- |");
        try (PrintWriter tsv = args.length > 0 ? new PrintWriter(Files.newBufferedWriter(Path.of(args[0]),
                StandardCharsets.UTF_8)) : null) {
            for (Case c : cases) {
                double[] before = run(c.text(), ScanEverywhere.BEFORE::redact);
                double[] after = run(c.text(), Redactor.ALL::redact);
                System.out.printf("| %s | %s | %,.0f (%,.0f–%,.0f) | %,.0f (%,.0f–%,.0f) | %.0f |%n", c.name(),
                        c.findings(), before[ROUNDS / 2], before[0], before[ROUNDS - 1], after[ROUNDS / 2], after[0],
                        after[ROUNDS - 1], 1024 * 1e9 / after[ROUNDS / 2] / 1e6);
                if (tsv != null) {
                    tsv.printf("%s\t%s\t%.1f\t%.1f%n", c.name(), c.findings(), before[ROUNDS / 2], after[ROUNDS / 2]);
                }
            }
        }
    }

    /** Where the time goes: each detector alone, on the 1 KB texts. */
    private static void byDetector(List<Case> cases) {
        List<Case> small = cases.stream().filter(c -> c.name().startsWith("1 KB")).toList();
        StringBuilder header = new StringBuilder("| detector alone: ns per KB (median, range) |");
        small.forEach(c -> header.append(' ').append(c.name()).append(", findings: ").append(c.findings())
                .append(" |"));
        System.out.println(header);
        System.out.println("| --- |" + " --- |".repeat(small.size()));
        for (Detector detector : Detector.values()) {
            Redactor alone = new Redactor(EnumSet.of(detector));
            StringBuilder row = new StringBuilder("| " + detector.wireName() + " |");
            for (Case c : small) {
                double[] r = run(c.text(), alone::redact);
                row.append(String.format(" %,.0f (%,.0f–%,.0f) |", r[ROUNDS / 2], r[0], r[ROUNDS - 1]));
            }
            System.out.println(row);
        }
    }

    /** The sorted nanoseconds per KB of {@code ROUNDS} rounds of redacting {@code text}. */
    private static double[] run(String text, UnaryOperator<String> redactor) {
        long sink = 0;
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            sink += redactor.apply(text).length();
        }
        double[] perKb = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = System.nanoTime();
            long n = 0;
            while (System.nanoTime() - start < 1_000_000_000L) {
                sink += redactor.apply(text).length();
                n++;
            }
            perKb[r] = (System.nanoTime() - start) / (double) n / (text.length() / 1024.0);
        }
        Arrays.sort(perKb);
        if (sink == 42) {
            System.out.println();
        }
        return perKb;
    }

    static String text(int bytes, boolean findings, Random random) {
        StringBuilder out = new StringBuilder(bytes + 64);
        List<String> sentence = new ArrayList<>();
        int nextFinding = 400;
        while (out.length() < bytes) {
            sentence.clear();
            for (int i = 0; i < 12; i++) {
                sentence.add(WORDS[random.nextInt(WORDS.length)]);
            }
            if (findings && out.length() >= nextFinding) {
                sentence.add(random.nextInt(sentence.size()), FINDINGS[random.nextInt(FINDINGS.length)]);
                nextFinding += 400;
            }
            out.append(String.join(" ", sentence)).append(". ");
        }
        return out.substring(0, bytes);
    }

    /** Tool-call arguments as a model writes them: many short keys and values, one credential among them. */
    static String json(int bytes) {
        StringBuilder out = new StringBuilder("{\"api_key\": \"9f8e7d6c5b4a3210\", \"items\": [");
        Random random = new Random(5);
        while (out.length() < bytes - 80) {
            out.append("{\"city\": \"").append(WORDS[random.nextInt(WORDS.length)])
                    .append("\", \"units\": \"metric\", \"days\": ").append(random.nextInt(14))
                    .append(", \"ok\": true}, ");
        }
        return out.append("{}]}").toString();
    }
}
