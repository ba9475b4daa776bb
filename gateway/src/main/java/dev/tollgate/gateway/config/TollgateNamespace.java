package dev.tollgate.gateway.config;

import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;

/**
 * Claims the whole {@code tollgate.*} namespace, so that a key no feature maps (a typo such as
 * {@code tollgate.limitz.max-body-bytes}) stops the gateway at start with {@code SRCFG00050} instead of being
 * silently ignored. Each feature maps its own prefix ({@code tollgate.limits}, {@code tollgate.events}, ...) in a
 * {@code *Config} interface of its package; this one maps nothing itself.
 */
@ConfigMapping(prefix = "tollgate")
@Unremovable
public interface TollgateNamespace {
}
