package dev.tollgate.gateway.auth;

import dev.tollgate.gateway.config.BootstrapConfig;
import java.util.List;
import java.util.Optional;

/** A {@link BootstrapConfig} with a bootstrap key for org {@code acme}, for unit tests without Quarkus. */
final class TestConfig implements BootstrapConfig {

    static final String KEY = "tg_test_0123456789abcdefghijklmnop";

    @Override
    public Optional<String> apiKey() {
        return Optional.of(KEY);
    }

    @Override
    public String orgId() {
        return "acme";
    }

    @Override
    public String keyId() {
        return "key-1";
    }

    @Override
    public List<BootstrapEndpoint> endpoints() {
        return List.of();
    }
}
