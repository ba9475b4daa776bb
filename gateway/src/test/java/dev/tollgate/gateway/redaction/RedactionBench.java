package dev.tollgate.gateway.redaction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What redaction costs per KB of captured content, on one thread (the event publisher's): run by
 * {@code bench/run-redaction-bench.sh}, not by the test suite. Texts of 1 KB and 16 KB, of English-like prose either
 * clean or with a finding about every 400 bytes (an e-mail, a card, a phone number, an IP, a key), all detectors on.
 * Each case: a warm-up, then {@code ROUNDS} rounds of at least 1 s each; prints the median and range of the rounds'
 * nanoseconds per KB.
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

    public static void main(String[] args) {
        System.out.println("| text | findings | ns per KB (median, range) | MB/s per thread |");
        System.out.println("| --- | --- | --- | --- |");
        for (int kb : new int[] {1, 16}) {
            for (boolean findings : new boolean[] {false, true}) {
                run(text(kb * 1024, findings, new Random(kb * 31L + (findings ? 1 : 0))), kb, findings);
            }
        }
    }

    private static void run(String text, int kb, boolean findings) {
        long sink = 0;
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            sink += Redactor.ALL.redact(text).length();
        }
        double[] perKb = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = System.nanoTime();
            long n = 0;
            while (System.nanoTime() - start < 1_000_000_000L) {
                sink += Redactor.ALL.redact(text).length();
                n++;
            }
            perKb[r] = (System.nanoTime() - start) / (double) n / (text.length() / 1024.0);
        }
        Arrays.sort(perKb);
        double median = perKb[ROUNDS / 2];
        System.out.printf("| %d KB | %s | %,.0f (%,.0f–%,.0f) | %.0f |%n", kb, findings ? "1 per ~400 B" : "none",
                median, perKb[0], perKb[ROUNDS - 1], 1024 * 1e9 / median / 1e6);
        if (sink == 42) {
            System.out.println();
        }
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
}
