package dev.tollgate.gateway.secrets;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the key-encryption keys (KEKs) of the local keyring come from (docs/security.md#secrets). Every KEK is 32
 * random bytes, base64-encoded, with an id; the ids travel with each sealed secret, so several KEKs can be held at
 * once while secrets are re-wrapped from an old one to a new one. None of these values is ever logged.
 */
@ConfigMapping(prefix = "tollgate.secrets")
public interface SecretsConfig {

    /**
     * A directory of KEKs, one file each: the file name is the KEK's id, the content its base64 bytes. This is how
     * a mounted Kubernetes Secret looks (its {@code ..data} entries are ignored), and where the local platform
     * keeps the KEK it generated for its data directory.
     */
    Optional<Path> kekDir();

    /**
     * KEKs as {@code id:base64[,id:base64...]}, e.g. from the environment variable {@code TOLLGATE_SECRETS_KEKS};
     * added to those of {@link #kekDir()}.
     */
    Optional<String> keks();

    /**
     * The id of the KEK that seals new secrets and that a re-wrap moves secrets to. Optional when exactly one KEK
     * is held; required when there are several (validated at start).
     */
    Optional<String> primaryKek();
}
