package dev.tollgate.cli.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How values read to people in tables. Money is integer micro-dollars everywhere, never floating point. */
public final class Formats {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhdw])");

    private Formats() {
    }

    /** Micro-dollars as dollars with six decimals: 1234 → {@code $0.001234}. */
    public static String usd(long micros) {
        String sign = micros < 0 ? "-" : "";
        long abs = Math.abs(micros);
        return String.format(Locale.ROOT, "%s$%d.%06d", sign, abs / 1_000_000, abs % 1_000_000);
    }

    /** A JSON field of micro-dollars as dollars, or null when it is absent. */
    public static String usd(JsonNode node, String field) {
        return node.hasNonNull(field) ? usd(node.get(field).asLong()) : null;
    }

    /** A dollar amount as typed ({@code 12.5}, {@code $0.25}) in micro-dollars, exactly. */
    public static long micros(String dollars) {
        String s = dollars.strip().replace("$", "").replace("_", "");
        if (!s.matches("\\d{1,12}(\\.\\d{1,6})?")) {
            throw CliException.usage("'" + dollars + "' is not an amount in dollars with at most six decimals.",
                    "For example --amount-usd 25 or --amount-usd 0.005.");
        }
        String[] parts = s.split("\\.");
        long whole = Long.parseLong(parts[0]) * 1_000_000;
        long fraction = parts.length == 2 ? Long.parseLong((parts[1] + "000000").substring(0, 6)) : 0;
        return whole + fraction;
    }

    /** A share between 0 and 1 as a percentage with one decimal. */
    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    /** {@code 30s}, {@code 15m}, {@code 24h}, {@code 7d}, {@code 2w} as a duration. */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw CliException.usage("'" + text + "' is not a duration.", "Use a number and a unit: 30s, 15m, 24h, 7d "
                    + "or 2w.");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** An ISO-8601 instant as typed, or a usage error naming the option. */
    public static Instant instant(String text, String option) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw CliException.usage(option + " '" + text + "' is not an ISO-8601 instant.",
                    "For example 2026-11-22T06:00:00Z.");
        }
    }

    /** A JSON text field, or null. */
    public static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    /** A number with no decimals when it is whole, else with two. */
    public static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
