package dev.tollgate.gateway.redaction;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a detector's expression might start a match in one text: a plain scan that finds the few positions worth
 * handing to the regular expression ({@link Detector#redact}). Why: {@code Matcher.find()} tries the whole expression
 * at every position of the text, lookbehinds and alternations included, which cost about 0.6 µs per character for the
 * six detectors; almost every position can be ruled out by a character test or two (an e-mail address needs an
 * {@code @}, a card number 13 digits, an assignment's value a {@code :} or {@code =} after a keyword).
 *
 * <p>The contract of every scanner: {@link #next} never skips a position at which its detector's expression matches
 * (it may return positions where it does not; the expression decides). So redacting at the returned positions finds
 * exactly what {@code find()} over the whole text finds ({@code RedactorEquivalenceTest} checks this against the
 * scan-everywhere reference). Each test reads a bounded number of characters (at most the longest match), so a scan
 * stays linear in the text whatever it holds.
 *
 * <p>The scan reads the text's ISO-8859-1 bytes ({@link #latin1}): ASCII as is, which is all the tests look for, and
 * anything else as a byte no test takes for ASCII. Where an expression's {@code \b} counts a non-ASCII letter as a
 * word character, the scan counts it as none, which only lets more positions through. Each scan's loop looks up one
 * table entry per character ({@code CLASSES}, the character's kinds as bits) and keeps the previous one for the
 * lookbehinds, so that it stays a simple counted loop the JIT compiles tight (about half a nanosecond a character);
 * the checks that read further run only at the characters that can start a match.
 */
abstract class Starts {

    private static final int DIGIT = 1;
    private static final int UPPER = 1 << 1;
    private static final int HEX = 1 << 2;
    /** {@code \w} of java.util.regex without UNICODE_CHARACTER_CLASS. */
    private static final int WORD = 1 << 3;
    /** A character of an e-mail address's local part. */
    private static final int LOCAL = 1 << 4;
    /** Digits, spaces and dashes: what a card number is made of. */
    private static final int CARD_RUN = 1 << 5;
    /** Digits, spaces, dots, dashes and parentheses: what a phone number is made of. */
    private static final int PHONE_RUN = 1 << 6;
    private static final int DOT = 1 << 7;
    private static final int DASH = 1 << 8;
    private static final int COLON = 1 << 9;
    private static final int PLUS = 1 << 10;
    /** Where a phone number may start: a digit, {@code +} or {@code (}. */
    private static final int PHONE_START = 1 << 11;
    /** What a secret's scan stops at: {@code :} and {@code =} (an assignment), {@code -} (a key block). */
    private static final int SECRET_MARK = 1 << 12;
    /** The first letters of the token shapes and of {@code Bearer}. */
    private static final int TOKEN_FIRST = 1 << 13;
    /** {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
    private static final int SPACE = 1 << 14;
    private static final int[] CLASSES = classes();

    final String text;
    final byte[] chars;
    final int length;

    Starts(String text, byte[] chars) {
        this.text = text;
        this.chars = chars;
        this.length = chars.length;
    }

    /** The first position at or after {@code from} where a match may start, or -1. */
    abstract int next(int from);

    /** The bytes the scanners read: one per character, '?' for one beyond ISO-8859-1. */
    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The scanner for {@code detector} over {@code text}, whose {@link #latin1} bytes are {@code chars}. */
    static Starts of(Detector detector, String text, byte[] chars) {
        return switch (detector) {
            case SECRET -> new Secret(text, chars);
            case EMAIL -> new Email(text, chars);
            case CARD -> new Card(text, chars);
            case IBAN -> new Iban(text, chars);
            case PHONE -> new Phone(text, chars);
            case IP -> new Ip(text, chars);
        };
    }

    private static int[] classes() {
        int[] classes = new int[256];
        for (int c = 0; c < 128; c++) {
            boolean digit = c >= '0' && c <= '9';
            boolean upper = c >= 'A' && c <= 'Z';
            boolean lower = c >= 'a' && c <= 'z';
            classes[c] = (digit ? DIGIT | CARD_RUN | PHONE_RUN | PHONE_START : 0)
                    | (upper ? UPPER : 0)
                    | (digit || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' ? HEX : 0)
                    | (digit || upper || lower || c == '_' ? WORD : 0)
                    | (digit || upper || lower || "._%+-".indexOf(c) >= 0 ? LOCAL : 0)
                    | (c == ' ' || c == '-' ? CARD_RUN : 0)
                    | (" .-()".indexOf(c) >= 0 ? PHONE_RUN : 0)
                    | (c == '.' ? DOT : 0)
                    | (c == '-' ? DASH : 0)
                    | (c == ':' ? COLON : 0)
                    | (c == '+' ? PLUS : 0)
                    | (c == '+' || c == '(' ? PHONE_START : 0)
                    | (c == ':' || c == '=' || c == '-' ? SECRET_MARK : 0)
                    | ("srptAgxeBb".indexOf(c) >= 0 ? TOKEN_FIRST : 0)
                    | (" \t\n\u000B\f\r".indexOf(c) >= 0 ? SPACE : 0);
        }
        return classes;
    }

    /** The class bits of the character at {@code i}. */
    final int classAt(int i) {
        return CLASSES[chars[i] & 0xFF];
    }

    /** The class bits of the character before {@code i}; a space's at the start of the text. */
    final int classBefore(int i) {
        return i == 0 ? CLASSES[' '] : classAt(i - 1);
    }

    /** Whether the character at {@code i} is of {@code kind}. */
    final boolean is(int i, int kind) {
        return (classAt(i) & kind) != 0;
    }

    final boolean digit(int i) {
        return is(i, DIGIT);
    }

    /**
     * The digits among the first {@code max} characters from {@code i} that are all of {@code run}: a match made of
     * those characters holds no more digits than this.
     */
    final int digitsInRun(int i, int max, int run) {
        int end = Math.min(length, i + max);
        int digits = 0;
        for (int j = i; j < end && is(j, run); j++) {
            if (digit(j)) {
                digits++;
            }
        }
        return digits;
    }

    /** Whether {@code ascii} (lower case letters and symbols) is at {@code i}, letters in either case if asked. */
    final boolean at(int i, String ascii, boolean anyCase) {
        if (i < 0 || i + ascii.length() > length) {
            return false;
        }
        for (int k = 0; k < ascii.length(); k++) {
            int c = chars[i + k];
            if (c != ascii.charAt(k) && !(anyCase && (c | 0x20) == ascii.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code SECRET}: a private key block ({@code -----BEGIN }, only while a complete END marker follows), a token of
     * a known shape at the start of a word ({@code sk-}, {@code sk_}, {@code rk}, {@code pk}, {@code tg_},
     * {@code tga_}, {@code AKIA}, {@code ASIA}, {@code AIza}, {@code gh?_}, {@code github_pat_}, {@code xox},
     * {@code eyJ}), the value after {@code Bearer }, and the value after a {@code :} or {@code =} that follows a
     * keyword, the only places the expression's lookbehinds can hold.
     */
    static final class Secret extends Starts {

        private static final Pattern END = Pattern.compile("-----END [A-Z ]*PRIVATE KEY-----");
        /** {@code \s{0,3}} between a keyword (and its quote) and its {@code :} or {@code =}. */
        private static final int SPACES = 3;
        /** {@code Bearer } and the space after it: its value starts this far after the B. */
        private static final int BEARER = 7;

        /** Where the next complete END marker at or after {@link #endFrom} starts; -1 for none. */
        private int end = -2;
        private int endFrom;
        private Matcher endMatcher;

        Secret(String text, byte[] chars) {
            super(text, chars);
        }

        @Override
        int next(int from) {
            // Where an assignment's or a bearer token's value would start, if one was seen before 'from'.
            int valueAt = -1;
            int bearerValue = -1;
            for (int k = Math.max(0, from - BEARER); k < from; k++) {
                int value = assignment(k) ? valueAfter(k) : -1;
                if (value >= from) {
                    valueAt = value;
                }
                if (k + BEARER >= from && bearer(k)) {
                    bearerValue = k + BEARER;
                }
            }
            int before = classBefore(from);
            for (int i = from; i < length; i++) {
                if (i == valueAt || i == bearerValue) {
                    return i;
                }
                int cls = classAt(i);
                if ((cls & SECRET_MARK) != 0) {
                    if (chars[i] == '-') {
                        if (at(i, "-----BEGIN ", false) && keyEnds(i)) {
                            return i;
                        }
                    } else if (assignment(i)) {
                        valueAt = valueAfter(i);
                    }
                } else if ((cls & TOKEN_FIRST) != 0 && (before & WORD) == 0) {
                    if (tokenStart(i)) {
                        return i;
                    }
                    if (bearer(i)) {
                        bearerValue = i + BEARER;
                    }
                }
                before = cls;
            }
            return -1;
        }

        /**
         * Where the value after the {@code :} or {@code =} at {@code i} starts: after up to three spaces and a quote
         * ({@code \s{0,3}["']?}). The only place it can: the value's characters are neither spaces nor quotes.
         */
        private int valueAfter(int i) {
            int p = i + 1;
            for (int spaces = 0; spaces < SPACES && p < length && is(p, SPACE); spaces++) {
                p++;
            }
            return p < length && (chars[p] == '"' || chars[p] == '\'') ? p + 1 : p;
        }

        /** A known token prefix at {@code i} (the caller checked that a word starts there). */
        private boolean tokenStart(int i) {
            if (i + 2 >= length) {
                return false;
            }
            byte c1 = chars[i + 1];
            return switch (chars[i]) {
                case 's', 'r', 'p' -> c1 == 'k' && (chars[i + 2] == '-' || chars[i + 2] == '_');
                case 't' -> c1 == 'g';
                case 'A' -> c1 == 'K' || c1 == 'S' || c1 == 'I';
                case 'g' -> c1 == 'h' || c1 == 'i';
                case 'x' -> c1 == 'o';
                case 'e' -> c1 == 'y';
                default -> false;
            };
        }

        /** {@code Bearer } or {@code bearer } at {@code i}. */
        private boolean bearer(int i) {
            return (chars[i] == 'B' || chars[i] == 'b') && at(i + 1, "earer ", false);
        }

        /**
         * Whether the {@code :} or {@code =} at {@code i} may follow a keyword ({@code api_key}, {@code secret},
         * {@code token}, {@code password}, {@code passwd}, ASCII case-insensitively), with a quote and up to three
         * spaces between: a keyword ends within the four characters before it.
         */
        private boolean assignment(int i) {
            byte c = chars[i];
            if (c != ':' && c != '=') {
                return false;
            }
            for (int last = i - 1; last >= Math.max(0, i - 2 - SPACES); last--) {
                boolean keyword = switch (chars[last] | 0x20) {
                    case 'y' -> at(last - 2, "key", true);
                    case 't' -> at(last - 5, "secret", true);
                    case 'n' -> at(last - 4, "token", true);
                    case 'd' -> at(last - 7, "password", true) || at(last - 5, "passwd", true);
                    default -> false;
                };
                if (keyword) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether a complete END marker follows {@code begin}: without one the expression's lazy {@code [\s\S]*?}
         * would read to the end of the text for every BEGIN, quadratic in a text of many. Found once and kept while
         * the BEGINs come before it, so the text is searched for markers once.
         */
        private boolean keyEnds(int begin) {
            if (end == -1 && begin >= endFrom) {
                return false;
            }
            if (end < begin) {
                if (endMatcher == null) {
                    endMatcher = END.matcher(text);
                }
                end = endMatcher.find(begin) ? endMatcher.start() : -1;
                endFrom = begin;
            }
            return end >= 0;
        }
    }

    /** {@code EMAIL}: the start of the run of local-part characters (1 to 64) that ends at an {@code @}. */
    static final class Email extends Starts {

        Email(String text, byte[] chars) {
            super(text, chars);
        }

        @Override
        int next(int from) {
            for (int at = text.indexOf('@', from); at >= 0; at = text.indexOf('@', at + 1)) {
                int start = at;
                while (start > 0 && at - start <= 64 && is(start - 1, LOCAL)) {
                    start--;
                }
                // The expression's lookbehind: the local part is the whole run, so a longer run never matches.
                if (start < at && at - start <= 64 && (start == 0 || !is(start - 1, LOCAL)) && start >= from) {
                    return start;
                }
            }
            return -1;
        }
    }

    /** {@code CARD}: a digit not after a digit, '.' or '-', with 13 digits among the next 37 digits, spaces, dashes. */
    static final class Card extends Starts {

        Card(String text, byte[] chars) {
            super(text, chars);
        }

        @Override
        int next(int from) {
            int before = classBefore(from);
            for (int i = from; i < length; i++) {
                int cls = classAt(i);
                if ((cls & DIGIT) != 0 && (before & (DIGIT | DOT | DASH)) == 0 && digitsInRun(i, 37, CARD_RUN) >= 13) {
                    return i;
                }
                before = cls;
            }
            return -1;
        }
    }

    /** {@code IBAN}: two capital letters and two digits. */
    static final class Iban extends Starts {

        Iban(String text, byte[] chars) {
            super(text, chars);
        }

        @Override
        int next(int from) {
            for (int i = from; i + 3 < length; i++) {
                if (is(i, UPPER) && is(i + 1, UPPER) && digit(i + 2) && digit(i + 3)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * {@code PHONE}: a {@code +} not after a word character or {@code +}, with 3 digits among the next 52
     * characters of digits and separators (the international form's shortest and longest match), or a digit or
     * {@code (} not after a word character, '.' or '-', with 8 digits among the next 18 (the national form's).
     */
    static final class Phone extends Starts {

        Phone(String text, byte[] chars) {
            super(text, chars);
        }

        @Override
        int next(int from) {
            int before = classBefore(from);
            for (int i = from; i < length; i++) {
                int cls = classAt(i);
                if ((cls & PHONE_START) != 0 && start(i, cls, before)) {
                    return i;
                }
                before = cls;
            }
            return -1;
        }

        private boolean start(int i, int cls, int before) {
            if ((cls & PLUS) != 0) {
                return (before & (WORD | PLUS)) == 0 && digitsInRun(i + 1, 52, PHONE_RUN) >= 3;
            }
            return (before & (WORD | DOT | DASH)) == 0 && digitsInRun(i, 18, PHONE_RUN) >= 8;
        }
    }

    /**
     * {@code IP}: a digit not after a digit or '.', with 3 dots among the next 15 digits and dots (IPv4), or a hex
     * digit or {@code :} not after a word character or {@code :}, with 2 colons among the next 39 hex digits and
     * colons (IPv6).
     */
    static final class Ip extends Starts {

        Ip(String text, byte[] chars) {
            super(text, chars);
        }

        @Override
        int next(int from) {
            int before = classBefore(from);
            for (int i = from; i < length; i++) {
                int cls = classAt(i);
                if ((cls & (HEX | COLON)) != 0 && (before & (WORD | COLON)) == 0 && count(i, 39, ':', HEX) >= 2
                        || (cls & DIGIT) != 0 && (before & (DIGIT | DOT)) == 0 && count(i, 15, '.', DIGIT) >= 3) {
                    return i;
                }
                before = cls;
            }
            return -1;
        }

        /** How many {@code mark}s are among the first {@code max} characters from {@code i}, all of kind or marks. */
        private int count(int i, int max, char mark, int kind) {
            int end = Math.min(length, i + max);
            int marks = 0;
            for (int j = i; j < end; j++) {
                if (chars[j] == mark) {
                    marks++;
                } else if (!is(j, kind)) {
                    break;
                }
            }
            return marks;
        }
    }
}
