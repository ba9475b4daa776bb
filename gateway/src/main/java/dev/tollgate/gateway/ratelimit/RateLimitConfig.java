package dev.tollgate.gateway.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Rate-limit settings ({@code tollgate.ratelimit.*}). Key limits come from the key itself
 * ({@link dev.tollgate.gateway.auth.Principal#rpm()}); org limits come from here until orgs are persisted.
 */
@ConfigMapping(prefix = "tollgate.ratelimit")
public interface RateLimitConfig {

    /** Whether limits are enforced at all. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The share of every limit this replica enforces, in (0, 1]. 1.0 means each replica enforces the full
     * limit (N replicas admit up to N times the limit); 1/N splits it evenly across N replicas behind an even
     * load balancer. See docs/rate-limits.md.
     */
    @WithDefault("1.0")
    double replicaShare();

    /** Tokens charged up front for a request that names neither max_completion_tokens nor max_tokens. */
    @WithDefault("4096")
    long defaultMaxTokens();

    /** Limits of every org not listed in {@link #orgs()}. */
    Limits orgDefault();

    /** Limits per org id. */
    Map<String, Limits> orgs();

    /** A pair of per-minute limits; an absent value means unlimited. */
    interface Limits {
        /** Requests per minute. */
        OptionalLong rpm();

        /** Tokens per minute (prompt plus completion). */
        OptionalLong tpm();
    }
}
