package dev.tollgate.gateway.policy;

import java.util.Optional;

/** What a gateway policy applies to: every key of an org, or one key. */
enum Scope {
    ORG("org"), KEY("key");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    /** The policy id, and the topic key: {@code org:acme}, {@code key:k1}. */
    String id(String scopeId) {
        return wireName + ":" + scopeId;
    }

    static Optional<Scope> parse(String text) {
        for (Scope scope : values()) {
            if (scope.wireName.equals(text)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
