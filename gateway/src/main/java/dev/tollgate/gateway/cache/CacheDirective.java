package dev.tollgate.gateway.cache;

import java.util.Locale;

/**
 * What a request says about the cache, in the {@code x-tollgate-cache} header or the {@code tollgate_cache} body field
 * (the header wins): a comma-separated list of {@code on}, {@code ttl=<seconds>} (implies {@code on}),
 * {@code no-cache} (do not answer from the cache, but store the fresh answer: a refresh) and {@code no-store} (neither
 * read nor write: a bypass, which wins over everything else).
 *
 * @param optIn      the request asked for caching itself ({@code on} or {@code ttl})
 * @param ttlSeconds the TTL it asked for, or null
 * @param noCache    do not read
 * @param noStore    neither read nor write
 */
record CacheDirective(boolean optIn, Long ttlSeconds, boolean noCache, boolean noStore) {

    static final String HEADER = "x-tollgate-cache";
    static final String FIELD = "tollgate_cache";
    static final CacheDirective NONE = new CacheDirective(false, null, false, false);

    /** Thrown for a directive that does not parse; its message is the client's error. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses a directive; null or blank is {@link #NONE}. */
    static CacheDirective parse(String text) throws Invalid {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        boolean optIn = false;
        boolean noCache = false;
        boolean noStore = false;
        Long ttl = null;
        for (String raw : text.split(",")) {
            String token = raw.trim().toLowerCase(Locale.ROOT);
            if (token.equals("on")) {
                optIn = true;
            } else if (token.equals("no-cache")) {
                noCache = true;
            } else if (token.equals("no-store")) {
                noStore = true;
            } else if (token.startsWith("ttl=")) {
                ttl = ttl(token.substring(4));
                optIn = true;
            } else {
                throw new Invalid("The cache directive must be a comma-separated list of on, ttl=<seconds>, no-cache "
                        + "and no-store.");
            }
        }
        return new CacheDirective(optIn, ttl, noCache, noStore);
    }

    private static long ttl(String digits) throws Invalid {
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)
                || Long.parseLong(digits) < 1) {
            throw new Invalid("The cache directive's ttl must be a whole number of seconds from 1 to 999999999.");
        }
        return Long.parseLong(digits);
    }
}
