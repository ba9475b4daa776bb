package dev.tollgate.gateway.redaction;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a set of {@link Detector}s over a text, in their declared order, replacing each match with its typed
 * placeholder. Immutable and thread-safe; cost grows with the text and the number of detectors (docs/benchmarks.md).
 */
public final class Redactor {

    /** Every detector. */
    public static final Redactor ALL = new Redactor(EnumSet.allOf(Detector.class));
    /** No detector: the text is kept as is. */
    public static final Redactor NONE = new Redactor(EnumSet.noneOf(Detector.class));

    private final List<Detector> detectors;

    public Redactor(Set<Detector> detectors) {
        this.detectors = List.copyOf(EnumSet.copyOf(detectors.isEmpty() ? EnumSet.noneOf(Detector.class)
                : detectors));
    }

    /** Whether this redactor changes anything at all. */
    public boolean active() {
        return !detectors.isEmpty();
    }

    /** {@code text} with every match of every detector replaced; null stays null. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        byte[] chars = null; // what the detectors scan, made again only after one of them changed the text
        for (Detector detector : detectors) {
            if (chars == null) {
                chars = Starts.latin1(out);
            }
            String redacted = detector.redact(out, chars);
            if (redacted != out) {
                out = redacted;
                chars = null;
            }
        }
        return out;
    }
}
