package dev.tollgate.local.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local platform's security pieces (docs/security.md#the-local-platform). The key-encryption key that seals the
 * endpoints' upstream API keys is generated once per data directory and kept there ({@code kek/local-1}, readable by
 * its owner only), so the sealed keys in the local PostgreSQL open again on the next run; the environment variable
 * {@code TOLLGATE_SECRETS_KEKS} ({@code id:base64[,...]}) replaces it. And a read-only admin credential can be created
 * at start for the console or the CLI, so neither needs the master token.
 */
final class LocalKeks {

    static final String ENV = "TOLLGATE_SECRETS_KEKS";
    static final String KEK_ID = "local-1";
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    private LocalKeks() {
    }

    /**
     * The directory holding the local KEK, generating the KEK the first time; never logs or prints it. Synchronized:
     * the gateway replicas start in parallel and must all get the same KEK.
     */
    static synchronized Path ensure(Path dataDir) {
        Path dir = dataDir.resolve("kek");
        Path kek = dir.resolve(KEK_ID);
        try {
            if (!Files.exists(kek)) {
                Files.createDirectories(dir);
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                Path tmp = Files.createTempFile(dir, ".kek", ".tmp");
                restrict(tmp);
                Files.writeString(tmp, Base64.getEncoder().encodeToString(bytes), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, kek); // a rename in one directory; fails rather than replace
                } catch (FileAlreadyExistsException e) {
                    Files.deleteIfExists(tmp); // another launcher on the same data directory was first: keep its KEK
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("the local key-encryption key could not be written under " + dir, e);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data directory's own permissions protect it
        }
    }

    /**
     * Creates a named read-only admin credential through the admin API of the gateway at {@code gatewayUrl} with the
     * master token, and returns its token (shown once; only its digest is stored).
     */
    static String createReadOnlyCredential(String gatewayUrl, String adminToken, String name) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/admin/v1/credentials"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + adminToken)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + " " + Instant.now()
                        + "\",\"role\":\"read_only\"}")).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofString());
            Matcher token = TOKEN.matcher(response.body());
            if (response.statusCode() != 201 || !token.find()) {
                throw new IllegalStateException("the read-only admin credential could not be created: HTTP "
                        + response.statusCode());
            }
            return token.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException("the read-only admin credential could not be created", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the read-only admin credential", e);
        }
    }
}
