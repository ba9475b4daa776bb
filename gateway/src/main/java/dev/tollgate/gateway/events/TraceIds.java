package dev.tollgate.gateway.events;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OpenTelemetry-compatible ids and the W3C {@code traceparent} header. A trace id is 32 lowercase hex digits,
 * a span id 16, and neither may be all zeros; ids that break those rules are what makes a backend drop a span.
 */
public final class TraceIds {

    private TraceIds() {
    }

    /**
     * The parts of a valid incoming {@code traceparent} that a new span joins.
     *
     * @param traceId      the caller's trace id
     * @param parentSpanId the caller's span, which becomes the parent of the gateway's root span
     * @param sampled      the caller's {@code sampled} flag: whether it records this trace; a parent-based sampler
     *                     of the OpenTelemetry export follows it
     */
    public record Parent(String traceId, String parentSpanId, boolean sampled) {
    }

    /** A new random trace id. */
    public static String newTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong();
        long low;
        do {
            low = random.nextLong();
        } while (high == 0 && low == 0);
        return hex16(high) + hex16(low);
    }

    /** A new random span id. */
    public static String newSpanId() {
        return hex16(newSpanIdValue());
    }

    /** A new random span id as a number, never 0; {@link #hex16} gives its hex form. */
    public static long newSpanIdValue() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /**
     * Parses {@code version-traceid-parentid-flags} (W3C Trace Context). Returns null for a missing or invalid
     * header, in which case the gateway starts a new trace, as the specification asks. Versions above 00 are
     * accepted when the first four fields have the version-00 shape, for forward compatibility.
     */
    public static Parent parseTraceparent(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (value.length() < 55) {
            return null;
        }
        String[] parts = value.split("-", -1);
        if (parts.length < 4 || parts[0].length() != 2 || parts[1].length() != 32 || parts[2].length() != 16
                || parts[3].length() != 2 || (parts[0].equals("00") && parts.length != 4)) {
            return null;
        }
        if (!isLowerHex(parts[0]) || parts[0].equals("ff") || !isLowerHex(parts[1]) || !isLowerHex(parts[2])
                || !isLowerHex(parts[3]) || isZeros(parts[1]) || isZeros(parts[2])) {
            return null;
        }
        return new Parent(parts[1], parts[2], (Integer.parseInt(parts[3], 16) & 1) == 1);
    }

    /** Whether {@code id} is a valid trace id (32 hex) or span id (16 hex) of the given length. */
    public static boolean isValid(String id, int length) {
        return id != null && id.length() == length && isLowerHex(id) && !isZeros(id);
    }

    /** {@code value} as 16 lowercase hex digits, zero-padded. */
    public static String hex16(long value) {
        byte[] hex = new byte[16];
        for (int i = 15; i >= 0; i--) {
            hex[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        return new String(hex, StandardCharsets.ISO_8859_1);
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZeros(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
