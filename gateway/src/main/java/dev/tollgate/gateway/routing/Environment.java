package dev.tollgate.gateway.routing;

import java.util.Locale;
import java.util.Optional;

/**
 * The deployment stage an endpoint serves. A request only ever reaches endpoints of its own environment, so a
 * staging key or a request sent with {@value #HEADER}{@code : staging} never lands on a production GPU and the
 * other way round.
 */
public enum Environment {
    DEVELOPMENT, STAGING, PRODUCTION;

    /** The request header that selects the environment; {@link #PRODUCTION} when absent. */
    public static final String HEADER = "x-tollgate-environment";

    /** The lower-case name used in headers, configuration and logs. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a header or configuration value, case-insensitively.
     *
     * @return the environment, or empty when {@code value} names none of them
     */
    public static Optional<Environment> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "development" -> Optional.of(DEVELOPMENT);
            case "staging" -> Optional.of(STAGING);
            case "production" -> Optional.of(PRODUCTION);
            default -> Optional.empty();
        };
    }
}
