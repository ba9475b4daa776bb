package dev.tollgate.gateway.policy;

import java.util.List;

/** The names of the redaction detectors a policy may choose (docs/redaction.md). */
public final class Detectors {

    /** Every detector, in the order they run. */
    public static final List<String> NAMES = List.of("secret", "email", "card", "iban", "phone", "ip");

    private Detectors() {
    }
}
