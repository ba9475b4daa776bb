package dev.tollgate.gateway.redaction;

import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference the scanning redactor is checked and measured against: {@code Matcher.find()} over the whole text for
 * every detector, in the declared order, as the redactor first ran (commit bbeb257). {@link #CURRENT} uses today's
 * expressions, so it must give exactly what {@link Redactor} gives ({@code RedactorEquivalenceTest}); {@link #BEFORE}
 * also uses that commit's expressions (the international phone form without possessive digit groups) and its
 * prefilters, so {@code RedactionBench} measures the cost the redactor had before.
 */
final class ScanEverywhere {

    /** Today's expressions, scanned everywhere. */
    static final ScanEverywhere CURRENT = new ScanEverywhere(current(), false);
    /** The expressions and prefilters of bbeb257, scanned everywhere: the redactor before it was made fast. */
    static final ScanEverywhere BEFORE = new ScanEverywhere(before(), true);

    private final Map<Detector, Pattern> patterns;
    private final boolean prefilters;

    private ScanEverywhere(Map<Detector, Pattern> patterns, boolean prefilters) {
        this.patterns = patterns;
        this.prefilters = prefilters;
    }

    /** {@code text} through every detector. */
    String redact(String text) {
        String out = text;
        for (Detector detector : Detector.values()) {
            out = redact(detector, out);
        }
        return out;
    }

    /** {@code text} through one detector: every valid match of {@code find()} replaced. */
    String redact(Detector detector, String text) {
        if (prefilters && !mayContain(detector, text)) {
            return text;
        }
        Matcher matcher = patterns.get(detector).matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (matcher.find()) {
            if (!detector.valid(matcher.group())) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, matcher.start()).append(detector.placeholder());
            last = matcher.end();
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    /** bbeb257's prefilters: '@' for e-mail, '.' or ':' for IPs, nothing for secrets, a digit for the rest. */
    private static boolean mayContain(Detector detector, String text) {
        return switch (detector) {
            case SECRET -> true;
            case EMAIL -> text.indexOf('@') >= 0;
            case IP -> text.indexOf('.') >= 0 || text.indexOf(':') >= 0;
            default -> text.chars().anyMatch(c -> c >= '0' && c <= '9');
        };
    }

    private static Map<Detector, Pattern> current() {
        Map<Detector, Pattern> patterns = new EnumMap<>(Detector.class);
        for (Detector detector : Detector.values()) {
            patterns.put(detector, detector.pattern());
        }
        return patterns;
    }

    private static Map<Detector, Pattern> before() {
        Map<Detector, Pattern> patterns = current();
        patterns.put(Detector.PHONE, Pattern.compile(
                "(?<![\\w+])\\+\\d{1,3}(?:[ .-]?\\(?\\d{1,5}\\)?){2,6}(?![\\d-])"
                        + "|(?<![\\w.-])(?<!\\d[ -])\\(?0?\\d{2,4}\\)?[ .-]\\d{3,4}[ .-]\\d{3,5}"
                        + "(?![\\d-]|\\.\\d|[ -]\\d)"));
        return patterns;
    }
}
