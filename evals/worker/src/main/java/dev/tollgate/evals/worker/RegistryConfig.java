package dev.tollgate.evals.worker;

import io.smallrye.config.ConfigMapping;

/** The Apicurio Registry the worker's Avro serdes use. */
@ConfigMapping(prefix = "tollgate.registry")
public interface RegistryConfig {

    /** Base URL of the registry, e.g. {@code http://registry:8080}. */
    String url();
}
