package dev.tollgate.gateway.tenancy;

/**
 * What a key created before allowed environments were a permission (issue #24) may use: such a key has no list.
 * Set with {@code tollgate.keys.legacy-environments}; an admin can also give each such key its own list
 * ({@code POST /admin/v1/keys/{id}/environments}), which then applies whatever this says.
 */
public enum LegacyEnvironments {
    /** Only the key's own environment (production unless it was created for another): the default. */
    OWN,
    /** Every environment, as before issue #24: only when an admin chooses it. */
    ANY
}
