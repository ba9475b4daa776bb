package dev.tollgate.gateway.inbound;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The size limits of an inbound request, checked before any of it is acted on. */
@ConfigMapping(prefix = "tollgate.limits")
public interface LimitsConfig {

    /** The largest request body accepted; larger bodies get 413 {@code request_too_large}. */
    @WithDefault("4194304")
    long maxBodyBytes();

    /**
     * The largest total size of request headers (names and values) accepted; larger gets 431
     * {@code headers_too_large}. Must stay below {@code quarkus.http.limits.max-header-size}, where Vert.x
     * itself refuses the request without a body.
     */
    @WithDefault("32768")
    int maxHeaderBytes();
}
