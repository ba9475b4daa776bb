package dev.tollgate.notifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the Apicurio Registry is, for the Avro deserializers of the alert and receiver topics. */
@ConfigMapping(prefix = "tollgate.registry")
public interface RegistryConfig {

    /** The registry's base URL; the v3 API path is appended. */
    @WithDefault("http://localhost:8081")
    String url();
}
