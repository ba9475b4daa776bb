package dev.tollgate.gateway.tenancy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of API keys as admin state. */
@ConfigMapping(prefix = "tollgate.keys")
public interface KeysConfig {

    /**
     * What a key created before allowed environments were a permission may use: {@code own} (the default, only its
     * own environment) or {@code any} (every environment, as before). See docs/security.md#environments.
     */
    @WithDefault("own")
    LegacyEnvironments legacyEnvironments();
}
