package dev.tollgate.streams.alerts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of an alert: 16 hex digits of SHA-256 over its rule id and its subject's labels (sorted by name).
 * Not over the rule's own labels, severity or annotations, so that editing those keeps an alert's state (a firing
 * alert stays firing with the new severity) instead of resolving it and starting a new one.
 */
final class Fingerprints {

    private Fingerprints() {
    }

    static String of(String ruleId, Map<String, String> subjectLabels) {
        StringBuilder text = new StringBuilder(ruleId);
        new TreeMap<>(subjectLabels).forEach((name, value) -> text.append('\u0000').append(name).append('\u0000')
                .append(value));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
