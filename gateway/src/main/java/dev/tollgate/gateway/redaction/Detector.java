package dev.tollgate.gateway.redaction;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One kind of personal or secret data found in captured content, with the placeholder that replaces it. Each is a
 * regular expression for candidates and, where the data has one, a check that rejects look-alikes: the Luhn sum for
 * card numbers, ISO 7064 mod 97 for IBANs, octet ranges and group counts for IP addresses, a digit count for phone
 * numbers. They run in the order declared ({@link Redactor}): a secret first, since a token may hold digits or an
 * {@code @}; cards and IBANs before phones, which would otherwise take their digits.
 */
public enum Detector {

    /** API keys and tokens of known shapes, bearer tokens, private key blocks, and values of key=... assignments. */
    SECRET("secret", "[SECRET]", Pattern.compile(
            "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----"
                    + "|\\b(?:sk|rk|pk)-(?:proj-|ant-|live-)?[A-Za-z0-9_-]{20,}"
                    + "|\\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"
                    + "|\\btga?_[A-Za-z0-9_-]{20,}"
                    + "|\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"
                    + "|\\bgh[pousr]_[A-Za-z0-9]{30,}"
                    + "|\\bgithub_pat_[A-Za-z0-9_]{22,}"
                    + "|\\bxox[abprs]-[A-Za-z0-9-]{10,}"
                    + "|\\bAIza[0-9A-Za-z_-]{35}"
                    + "|\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"
                    + "|(?<=\\b[Bb]earer )[A-Za-z0-9._~+/=-]{20,}"
                    + "|(?<=(?i:api[_-]?key|secret|token|password|passwd)[\"']?\\s{0,3}[:=]\\s{0,3}[\"']?)"
                    + "[A-Za-z0-9._~+/=!@#$%^&*-]{8,}")),
    /** E-mail addresses. */
    EMAIL("email", "[EMAIL]", Pattern.compile(
            "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+"
                    + "[A-Za-z]{2,24}(?![A-Za-z0-9-])")) {
        @Override
        boolean valid(String match) {
            String tld = match.substring(match.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            return !FILE_TYPES.contains(tld); // name@2x.png is an image, not an address
        }
    },
    /** Payment card numbers: 13 to 19 digits, spaces or dashes between groups, with a valid Luhn sum. */
    CARD("card", "[CARD]", Pattern.compile("(?<![\\d.-])\\d(?:[ -]?\\d){12,18}(?![\\d-]|\\.\\d)")) {
        @Override
        boolean valid(String match) {
            return Checks.luhn(Checks.digits(match));
        }
    },
    /** IBANs: country, check digits and up to 30 letters or digits, grouped by spaces or not, valid mod 97. */
    IBAN("iban", "[IBAN]", Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b")) {
        @Override
        boolean valid(String match) {
            return Checks.iban(match.replace(" ", ""));
        }
    },
    /**
     * Phone numbers: international ({@code +} and 8 to 15 digits), or national with separators ({@code (555)
     * 123-4567}, {@code 030 1234 5678}); 9 to 15 digits. Plain runs of digits are left alone: they are far more often
     * ids, amounts and counts than phone numbers.
     */
    // The international form's digit groups are possessive: tried in every split of the digits (up to 3 + 6 groups
    // of 1 to 5), a '+' before a run of 40 digits cost a millisecond of backtracking before failing.
    PHONE("phone", "[PHONE]", Pattern.compile(
            "(?<![\\w+])\\+\\d{1,3}+(?:[ .-]?\\(?\\d{1,5}+\\)?){2,6}(?![\\d-])"
                    + "|(?<![\\w.-])(?<!\\d[ -])\\(?0?\\d{2,4}\\)?[ .-]\\d{3,4}[ .-]\\d{3,5}"
                    + "(?![\\d-]|\\.\\d|[ -]\\d)")) {
        @Override
        boolean valid(String match) {
            int digits = Checks.digits(match).length();
            return digits >= 9 && digits <= 15 && !Checks.looksLikeDate(match);
        }
    },
    /** IPv4 addresses (each octet 0 to 255) and IPv6 addresses (full or with {@code ::}). */
    IP("ip", "[IP_ADDRESS]", Pattern.compile(
            "(?<![\\d.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
                    + "(?![\\d]|\\.\\d)"
                    + "|(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])")) {
        @Override
        boolean valid(String match) {
            return match.indexOf(':') < 0 || Checks.ipv6(match);
        }
    };

    private static final Set<String> FILE_TYPES = Set.of("png", "jpg", "jpeg", "gif", "svg",
            "webp", "pdf", "txt", "json", "js", "css", "html", "zip", "gz");

    private final String wireName;
    private final String placeholder;
    private final Pattern pattern;

    Detector(String wireName, String placeholder, Pattern pattern) {
        this.wireName = wireName;
        this.placeholder = placeholder;
        this.pattern = pattern;
    }

    /** The name policies and configuration use: email, phone, card, iban, ip, secret. */
    public String wireName() {
        return wireName;
    }

    /** What replaces a match: {@code [EMAIL]}, {@code [CARD]}, ... */
    public String placeholder() {
        return placeholder;
    }

    /** The detector named {@code name}, case-insensitively. */
    public static Optional<Detector> named(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Detector detector : values()) {
            if (detector.wireName.equals(wanted)) {
                return Optional.of(detector);
            }
        }
        return Optional.empty();
    }

    /** Whether a candidate the expression found is the real thing. */
    boolean valid(String match) {
        return true;
    }

    /**
     * {@code text} with every valid match replaced; the same instance when nothing matched. The expression is tried
     * only where {@link Starts} says a match may start, anchored there ({@code lookingAt}, the region's bounds
     * transparent so lookbehinds and {@code \b} still see the text before it); after a match, valid or not, the
     * search goes on from its end, as {@code find()} does. The result is what {@code find()} over the whole text
     * gives, at a small fraction of the cost (docs/redaction.md#cost).
     */
    String redact(String text) {
        return redact(text, Starts.latin1(text));
    }

    /** {@link #redact(String)} of a text whose {@link Starts#latin1} bytes the caller has already. */
    String redact(String text, byte[] chars) {
        Starts starts = Starts.of(this, text, chars);
        int start = starts.next(0);
        if (start < 0) {
            return text;
        }
        Matcher matcher = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        StringBuilder out = null;
        int last = 0;
        while (start >= 0) {
            matcher.region(start, text.length());
            if (!matcher.lookingAt()) {
                start = starts.next(start + 1);
                continue;
            }
            int end = matcher.end();
            if (valid(matcher.group())) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, last, start).append(placeholder);
                last = end;
            }
            start = starts.next(Math.max(end, start + 1));
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    /** The expression of candidates; for tests that compare this scan with a plain {@code find()}. */
    Pattern pattern() {
        return pattern;
    }
}
