package dev.tollgate.gateway.secrets;

import io.quarkus.arc.DefaultBean;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The default {@link KeyEncryptionService}: KEKs held in memory, read once at start from a directory of files
 * and/or a configuration value ({@link SecretsConfig}), validated then (a malformed KEK fails the start; none at all
 * is allowed, and then no endpoint can be given an upstream key). A wrapped data key is
 * {@code nonce (12) | AES-256-GCM(KEK, data key)} with the KEK id and the context as associated data.
 */
@Singleton
@DefaultBean
class LocalKeyring implements KeyEncryptionService {

    private static final Logger LOG = Logger.getLogger(LocalKeyring.class);
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Map<String, byte[]> keks;
    private final String primary;

    @Inject
    LocalKeyring(SecretsConfig config) {
        this(load(config), config.primaryKek().orElse(null));
    }

    LocalKeyring(Map<String, byte[]> keks, String primary) {
        this.keks = Collections.unmodifiableMap(new TreeMap<>(keks));
        if (primary != null && !this.keks.containsKey(primary)) {
            throw new IllegalArgumentException("tollgate.secrets.primary-kek '" + primary
                    + "' is not among the configured key-encryption keys " + this.keks.keySet());
        }
        if (primary == null && this.keks.size() > 1) {
            throw new IllegalArgumentException("tollgate.secrets.primary-kek is required when several key-encryption "
                    + "keys are configured " + this.keks.keySet());
        }
        this.primary = primary != null ? primary : this.keks.keySet().stream().findFirst().orElse(null);
        LOG.infof("event=keyring_loaded keks=%s primary=%s", this.keks.keySet(), this.primary);
    }

    @Override
    public Set<String> keyIds() {
        return keks.keySet();
    }

    @Override
    public String primaryKeyId() {
        return primary;
    }

    @Override
    public byte[] wrap(String kekId, byte[] dataKey, String context) {
        byte[] nonce = Gcm.randomBytes(Envelope.NONCE_BYTES);
        byte[] sealed = Gcm.encrypt(kek(kekId), nonce, dataKey, kekId + "|" + context);
        byte[] out = new byte[nonce.length + sealed.length];
        System.arraycopy(nonce, 0, out, 0, nonce.length);
        System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
        return out;
    }

    @Override
    public byte[] unwrap(String kekId, byte[] wrappedKey, String context) {
        byte[] kek = kek(kekId);
        if (wrappedKey.length <= Envelope.NONCE_BYTES) {
            throw new SecretUnavailable("the wrapped data key is truncated");
        }
        byte[] nonce = java.util.Arrays.copyOf(wrappedKey, Envelope.NONCE_BYTES);
        byte[] sealed = java.util.Arrays.copyOfRange(wrappedKey, Envelope.NONCE_BYTES, wrappedKey.length);
        return Gcm.decrypt(kek, nonce, sealed, kekId + "|" + context, "the data key wrapped by KEK '" + kekId + "'");
    }

    private byte[] kek(String kekId) {
        byte[] kek = keks.get(kekId);
        if (kek == null) {
            throw new SecretUnavailable(keks.isEmpty() ? "no key-encryption key is configured (tollgate.secrets)"
                    : "the key-encryption key '" + kekId + "' is not held by this replica (it holds " + keks.keySet()
                    + ")");
        }
        return kek;
    }

    static Map<String, byte[]> load(SecretsConfig config) {
        Map<String, byte[]> keks = new TreeMap<>();
        config.kekDir().ifPresent(dir -> readDir(dir, keks));
        config.keks().filter(s -> !s.isBlank()).ifPresent(list -> parseList(list, keks));
        return keks;
    }

    /** Parses {@code id:base64[,id:base64...]}; an id given twice or a key of the wrong size fails the start. */
    static void parseList(String list, Map<String, byte[]> into) {
        for (String entry : list.split(",")) {
            String trimmed = entry.strip();
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("tollgate.secrets.keks: expected id:base64, got an entry without "
                        + "an id");
            }
            put(into, trimmed.substring(0, colon), trimmed.substring(colon + 1), "tollgate.secrets.keks");
        }
    }

    private static void readDir(Path dir, Map<String, byte[]> into) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("tollgate.secrets.kek-dir is not a directory: " + dir);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || Files.isDirectory(file)) {
                    continue; // Kubernetes' ..data and ..timestamp entries of a mounted Secret
                }
                put(into, name, Files.readString(file, StandardCharsets.UTF_8), "tollgate.secrets.kek-dir " + dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("tollgate.secrets.kek-dir could not be read: " + dir, e);
        }
    }

    private static void put(Map<String, byte[]> into, String id, String base64, String source) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(source + ": a KEK id is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": the KEK '" + id + "' is not valid base64");
        }
        if (key.length != Gcm.KEY_BYTES) {
            throw new IllegalArgumentException(source + ": the KEK '" + id + "' must be 32 bytes (256 bits), not "
                    + key.length);
        }
        if (into.putIfAbsent(id, key) != null) {
            throw new IllegalArgumentException(source + ": the KEK id '" + id + "' is configured twice");
        }
    }
}
