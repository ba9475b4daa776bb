package dev.tollgate.gateway.config;

import io.smallrye.config.ConfigMapping;

/** The Apicurio Registry that every Avro serde of the gateway (events, admin state, budget state) uses. */
@ConfigMapping(prefix = "tollgate.registry")
public interface RegistryConfig {

    /** Base URL of the Apicurio Registry, e.g. {@code http://registry:8080}. */
    String url();
}
