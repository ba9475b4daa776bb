package dev.tollgate.gateway.redaction;

import dev.tollgate.gateway.policy.GatewayPolicies;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which redactor applies to the captured content of a key's requests: the key's policy, else its org's, else
 * {@code tollgate.redaction.*}. Asked on the request's thread (map lookups only); the redacting itself runs where the
 * request event is built, on the event publisher's thread, before the event is journaled or sent.
 */
@Singleton
public class Redaction {

    private final GatewayPolicies policies;
    private final Redactor defaults;
    private final Map<List<String>, Redactor> byDetectors = new ConcurrentHashMap<>();

    @Inject
    Redaction(GatewayPolicies policies, RedactionConfig config) {
        this.policies = policies;
        this.defaults = config.enabled() ? new Redactor(parse(config.detectors())) : Redactor.NONE;
    }

    /** The redactor for content of {@code keyId}'s requests in {@code orgId}. */
    public Redactor forKey(String orgId, String keyId) {
        Boolean enabled = policies.redactionEnabled(orgId, keyId);
        List<String> detectors = policies.redactionDetectors(orgId, keyId);
        if (Boolean.FALSE.equals(enabled)) {
            return Redactor.NONE;
        }
        if (detectors != null) {
            return byDetectors.computeIfAbsent(detectors, Redaction::known);
        }
        return Boolean.TRUE.equals(enabled) && !defaults.active() ? Redactor.ALL : defaults;
    }

    /** The detectors of a policy, ignoring a name this replica does not know (a newer replica's detector). */
    private static Redactor known(List<String> names) {
        Set<Detector> detectors = EnumSet.noneOf(Detector.class);
        names.forEach(name -> Detector.named(name).ifPresent(detectors::add));
        return new Redactor(detectors);
    }

    /** Detector names to detectors; fails at startup on a name that is none. */
    static Set<Detector> parse(List<String> names) {
        Set<Detector> detectors = EnumSet.noneOf(Detector.class);
        for (String name : names) {
            detectors.add(Detector.named(name).orElseThrow(() -> new IllegalArgumentException(
                    "not a redaction detector: '" + name + "'; the detectors are secret, email, card, iban, phone "
                            + "and ip")));
        }
        return detectors;
    }
}
