package dev.tollgate.gateway.observability;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The access log, one line per authenticated request. */
@ConfigMapping(prefix = "tollgate.access-log")
public interface AccessLogConfig {

    /**
     * Access log lines that may wait for the log writer thread; while the log output stalls and this many
     * wait, further lines are dropped and counted in {@code tollgate.access_log.dropped}. See
     * docs/observability.md.
     */
    @WithDefault("65536")
    int bufferCapacity();
}
