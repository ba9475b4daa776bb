package dev.tollgate.gateway.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretSealerTest {

    private static final byte[] K1 = key(1);
    private static final byte[] K2 = key(2);
    private static final String CONTEXT = "endpoint/ep-1/upstream_api_key";

    @Test
    void sealsWithThePrimaryKekAndOpensInMemory() {
        SecretSealer sealer = SecretSealer.withKeys(Map.of("k1", K1), "k1");

        SealedSecret sealed = sealer.seal("sk-live-123456", CONTEXT);

        assertThat(sealed.kekId()).isEqualTo("k1");
        assertThat(new String(sealed.envelope(), StandardCharsets.ISO_8859_1)).doesNotContain("sk-live-123456");
        assertThat(sealer.open(sealed, CONTEXT)).isEqualTo("sk-live-123456");
    }

    @Test
    void eachSecretGetsItsOwnDataKeyAndNonce() {
        SecretSealer sealer = SecretSealer.withKeys(Map.of("k1", K1), "k1");

        assertThat(sealer.seal("same", CONTEXT).envelope()).isNotEqualTo(sealer.seal("same", CONTEXT).envelope());
    }

    @Test
    void refusesToOpenASecretUnderAnotherContext() {
        SecretSealer sealer = SecretSealer.withKeys(Map.of("k1", K1), "k1");
        SealedSecret sealed = sealer.seal("sk-1", CONTEXT);

        assertThatThrownBy(() -> sealer.open(sealed, "endpoint/ep-2/upstream_api_key"))
                .isInstanceOf(SecretUnavailable.class).hasMessageContaining("does not authenticate");
    }

    @Test
    void refusesATamperedEnvelope() {
        SecretSealer sealer = SecretSealer.withKeys(Map.of("k1", K1), "k1");
        byte[] envelope = sealer.seal("sk-1", CONTEXT).envelope();
        envelope[envelope.length - 1] ^= 1;

        assertThatThrownBy(() -> sealer.open(new SealedSecret("k1", envelope), CONTEXT))
                .isInstanceOf(SecretUnavailable.class).hasMessageContaining("does not authenticate");
    }

    @Test
    void aReplicaWithoutTheKekSaysWhichKekItLacks() {
        SealedSecret sealed = SecretSealer.withKeys(Map.of("old", K1), "old").seal("sk-1", CONTEXT);
        SecretSealer other = SecretSealer.withKeys(Map.of("new", K2), "new");

        assertThatThrownBy(() -> other.open(sealed, CONTEXT)).isInstanceOf(SecretUnavailable.class)
                .hasMessageContaining("'old' is not held").hasMessageNotContaining("sk-1");
    }

    @Test
    void rewrapMovesTheDataKeyToTheNewKekAndKeepsTheCiphertext() {
        SecretSealer both = SecretSealer.withKeys(Map.of("k1", K1, "k2", K2), "k1");
        SealedSecret old = both.seal("sk-rotate", CONTEXT);

        SealedSecret moved = both.rewrap(old, CONTEXT, "k2");

        assertThat(moved.kekId()).isEqualTo("k2");
        assertThat(SecretSealer.withKeys(Map.of("k2", K2), "k2").open(moved, CONTEXT)).isEqualTo("sk-rotate");
        byte[] oldBytes = old.envelope();
        byte[] newBytes = moved.envelope();
        assertThat(java.util.Arrays.copyOfRange(newBytes, newBytes.length - 25, newBytes.length))
                .as("the ciphertext is unchanged").isEqualTo(
                        java.util.Arrays.copyOfRange(oldBytes, oldBytes.length - 25, oldBytes.length));
    }

    @Test
    void withoutAnyKekNothingCanBeSealed() {
        SecretSealer none = SecretSealer.withKeys(Map.of(), null);

        assertThat(none.primaryKekId()).isNull();
        assertThatThrownBy(() -> none.seal("sk", CONTEXT)).isInstanceOf(SecretUnavailable.class)
                .hasMessageContaining("no key-encryption key is configured");
    }

    @Test
    void severalKeksNeedAPrimaryAndItMustBeOneOfThem() {
        assertThatThrownBy(() -> new LocalKeyring(Map.of("a", K1, "b", K2), null))
                .hasMessageContaining("primary-kek is required");
        assertThatThrownBy(() -> new LocalKeyring(Map.of("a", K1), "b")).hasMessageContaining("'b' is not among");
    }

    @Test
    void readsKeksFromAMountedSecretDirectoryAndFromAList(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("dir-1"), Base64.getEncoder().encodeToString(K1) + "\n");
        Files.createDirectory(dir.resolve("..2026_12_05"));
        Files.writeString(dir.resolve("..data"), "ignored");

        Map<String, byte[]> keks = LocalKeyring.load(config(dir, "env-1:" + Base64.getEncoder().encodeToString(K2)));

        assertThat(keks).containsOnlyKeys("dir-1", "env-1");
        assertThat(keks.get("env-1")).isEqualTo(K2);
    }

    @Test
    void refusesAKekOfTheWrongSizeOrAnIdGivenTwice() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        String good = Base64.getEncoder().encodeToString(K1);

        assertThatThrownBy(() -> LocalKeyring.load(config(null, "k:" + short16))).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> LocalKeyring.load(config(null, "k:" + good + ",k:" + good)))
                .hasMessageContaining("configured twice");
        assertThatThrownBy(() -> LocalKeyring.load(config(null, "k:not base64!"))).hasMessageContaining("base64");
    }

    private static SecretsConfig config(Path dir, String list) {
        return new SecretsConfig() {
            @Override
            public Optional<Path> kekDir() {
                return Optional.ofNullable(dir);
            }

            @Override
            public Optional<String> keks() {
                return Optional.ofNullable(list);
            }

            @Override
            public Optional<String> primaryKek() {
                return Optional.empty();
            }
        };
    }

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) seed);
        return key;
    }
}
