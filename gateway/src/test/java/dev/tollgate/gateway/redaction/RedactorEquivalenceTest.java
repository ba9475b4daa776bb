package dev.tollgate.gateway.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The redactor tries each expression only where {@link Starts} says a match may start. These tests hold it to the
 * contract that makes that safe: on any text it gives exactly what {@code find()} over the whole text gives
 * ({@link ScanEverywhere#CURRENT}), detector by detector; and no text makes it slow.
 */
class RedactorEquivalenceTest {

    /** Pieces of look-alikes and findings, glued into texts so that they touch, overlap and break each other. */
    private static final String[] PIECES = {
        "the", "a", "key", "Key", "api_key", "API-KEY", "apikey", "token", "TOKEN", "tokens", "secret", "password",
        "passwd", "Bearer", "bearer", "sk", "sk-", "sk_", "rk_live_", "pk-", "tg_", "tga_", "AKIA", "ASIA", "AIza",
        "ghp_", "github_pat_", "xoxb-", "eyJ", "eyJhbGciOiJIUzI1NiJ9", ".", "-", "--", "-----", "+", "(", ")", "@",
        ":", "::", "=", "'", "\"", "_", "/", " ", "  ", "\n", "\t", "0", "1", "12", "123", "2024", "415", "555",
        "2671", "4111", "1111", "0958", "00", "255", "256", "192.168", "10.0", "fe80", "db8", "abcd", "cafe", "DE",
        "DE89", "GB82", "WEST", "3704", "0044", "0532", "0130", "example.com", "mail", "x",
        "abcdefghijklmnopqrstuvwxyz",
        "0123456789", "ABCDEFGHIJKLMNOP", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----",
        "-----END PRIVATE KEY-----", "-----BEGIN ", "-----END ", "PRIVATE KEY", "é", "日本",
    };
    private static final String[] FINDINGS = {
        "jane.doe@example.com", "bob+x@mail.acme.co.uk", "4111 1111 1111 1111", "5500-0000-0000-0004",
        "378282246310005", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "+44 20 7946 0958",
        "(415) 555-2671", "030 1234 5678", "+1-800-555-0199", "192.168.1.1", "10.0.0.255:8080", "2001:db8::1",
        "fe80::1ff:fe23:4567:890a", "::1", "sk-proj-abcdefghijklmnopqrstuvwxyz123456",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "tg_live_0123456789abcdefghijklmn", "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "xoxb-123456789012-abcdefghijkl", "AIzaSyA1234567890abcdefghijklmnopqrstuv",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "Bearer abcdefghijklmnopqrstuvwxyz0123", "api_key=9f8e7d6c5b4a3210", "password: hunter2hunter2",
        "\"token\" : 'abcdefgh12345678'",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    };

    @Test
    void findsExactlyWhatAScanOfEveryPositionFindsOnTheCorpusAndBenchmarkTexts() throws IOException {
        List<String> texts = new ArrayList<>();
        RedactionCorpusTest.corpus().forEach(line -> texts.add(line.text()));
        for (int seed = 0; seed < 8; seed++) {
            texts.add(RedactionBench.text(4096, seed % 2 == 0, new Random(seed)));
        }

        assertSameAsScanEverywhere(texts);
    }

    @Test
    void findsExactlyWhatAScanOfEveryPositionFindsOnTextsOfGluedPieces() {
        Random random = new Random(22);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            StringBuilder text = new StringBuilder();
            int pieces = 2 + random.nextInt(30);
            for (int p = 0; p < pieces; p++) {
                text.append(random.nextInt(8) == 0 ? FINDINGS[random.nextInt(FINDINGS.length)]
                        : PIECES[random.nextInt(PIECES.length)]);
                if (random.nextInt(3) == 0) {
                    text.append(' ');
                }
            }
            texts.add(text.toString());
        }

        Map<Detector, Integer> changed = assertSameAsScanEverywhere(texts);

        for (Detector detector : Detector.values()) {
            assertThat(changed.getOrDefault(detector, 0)).as("texts %s changed", detector).isGreaterThan(100);
        }
    }

    @Test
    void findsExactlyWhatAScanOfEveryPositionFindsOnRandomCharacters() {
        // Mostly digits and the separators of cards, phones and addresses: where those expressions work hardest.
        String alphabet = "0123456789".repeat(6) + "    --...::+()@=abcdefAEKSxyz_";
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            char[] text = new char[20 + random.nextInt(200)];
            for (int c = 0; c < text.length; c++) {
                text[c] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            texts.add(new String(text));
        }

        Map<Detector, Integer> changed = assertSameAsScanEverywhere(texts);

        for (Detector detector : List.of(Detector.CARD, Detector.PHONE, Detector.IP)) {
            assertThat(changed.getOrDefault(detector, 0)).as("texts %s changed", detector).isGreaterThan(20);
        }
    }

    @Test
    void staysLinearOnTextsBuiltToMakeExpressionsBacktrack() {
        String[] units = {
            "+" + "1234567890".repeat(4) + " ", // every split of 40 digits into groups, before the fix
            "-----BEGIN RSA PRIVATE KEY-----", // a lazy search for END from each BEGIN
            "a".repeat(70) + "@", // a local part longer than 64
            "token=" + "=".repeat(3), // assignments without values
            "1 " , // one-digit groups: a card or phone candidate at each
            "a:b:c:d:e:f:", // IPv6-like runs
            "x@" + "a.".repeat(30) + "1 ", // many labels, then no top-level domain
        };
        for (String unit : units) {
            String text = unit.repeat(64 * 1024 / unit.length());
            long start = System.nanoTime();

            String out = Redactor.ALL.redact(text);

            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(out).isNotNull();
            // A few milliseconds on the project's machine; the '+' unit took about 4 s before its expression's digit
            // groups were possessive (62 ms per KB). The bound is loose so that a loaded machine does not fail it,
            // and tight enough that backtracking like that, or quadratic work, does.
            assertThat(millis).as("64 KB of %s", unit.strip()).isLessThan(2_000);
        }
    }

    /** Checks every text; returns, per detector, how many texts it changed (so a test can show it was not idle). */
    private static Map<Detector, Integer> assertSameAsScanEverywhere(List<String> texts) {
        Map<Detector, Integer> changed = new EnumMap<>(Detector.class);
        for (String text : texts) {
            for (Detector detector : Detector.values()) {
                String out = detector.redact(text);
                assertThat(out).as("%s on %s", detector, text)
                        .isEqualTo(ScanEverywhere.CURRENT.redact(detector, text));
                if (!out.equals(text)) {
                    changed.merge(detector, 1, Integer::sum);
                }
            }
            assertThat(Redactor.ALL.redact(text)).as("all on %s", text).isEqualTo(ScanEverywhere.CURRENT.redact(text));
        }
        System.out.println("texts changed per detector: " + changed);
        return changed;
    }
}
