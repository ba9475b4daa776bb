package dev.tollgate.gateway.redaction;

import java.math.BigInteger;
import java.util.regex.Pattern;

/** The checksums and shape checks that tell real data from look-alikes. */
final class Checks {

    private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);
    /** Compiled once: {@code String.matches} compiles its expression on every call. */
    private static final Pattern DATE = Pattern.compile(
            "\\(?\\d{4}[-./]\\d{2}[-./]\\d{2}\\)?|\\d{2}[-./]\\d{2}[-./]\\d{4}");

    private Checks() {
    }

    static String digits(String s) {
        StringBuilder digits = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    /** The Luhn check of a card number's digits; a run of one repeated digit is refused (0000 0000 ...). */
    static boolean luhn(String digits) {
        if (digits.length() < 13 || digits.length() > 19 || digits.chars().distinct().count() == 1) {
            return false;
        }
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /** ISO 13616: 15 to 34 characters, the country and check digits moved to the end, mod 97 equals 1. */
    static boolean iban(String iban) {
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String moved = iban.substring(4) + iban.substring(0, 4);
        StringBuilder numeric = new StringBuilder(moved.length() * 2);
        for (int i = 0; i < moved.length(); i++) {
            char c = moved.charAt(i);
            if (c >= '0' && c <= '9') {
                numeric.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                numeric.append(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return new BigInteger(numeric.toString()).mod(NINETY_SEVEN).intValue() == 1;
    }

    /** An IPv6 address: eight groups of 1 to 4 hex digits, or fewer with exactly one {@code ::}. */
    static boolean ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap < 0) {
            return groups(s) == 8;
        }
        if (s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String left = s.substring(0, gap);
        String right = s.substring(gap + 2);
        int leftGroups = left.isEmpty() ? 0 : groups(left);
        int rightGroups = right.isEmpty() ? 0 : groups(right);
        if (leftGroups < 0 || rightGroups < 0 || leftGroups + rightGroups > 7) {
            return false;
        }
        // With a gap, short forms like 1::2 are as often slices and ratios as addresses: one is taken only when it
        // starts with :: (::1, ::ffff:...), has three groups, or a group of four digits (2001:db8::1).
        int filled = leftGroups + rightGroups;
        return left.isEmpty() && filled >= 1 || filled >= 3 || hasFullGroup(s);
    }

    /** The number of colon-separated groups of 1 to 4 hex digits, or -1 when one is empty or longer. */
    private static int groups(String s) {
        String[] groups = s.split(":", -1);
        for (String g : groups) {
            if (g.isEmpty() || g.length() > 4) {
                return -1;
            }
        }
        return groups.length;
    }

    private static boolean hasFullGroup(String s) {
        for (String g : s.split(":")) {
            if (g.length() == 4) {
                return true;
            }
        }
        return false;
    }

    /** Separated digits that read as a date (2024-01-15, 15.01.2024): not a phone number. */
    static boolean looksLikeDate(String s) {
        return DATE.matcher(s).matches();
    }
}
