package dev.tollgate.local.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read-only admin credential the launcher prints for the web console and the CLI: so that looking at the
 * platform does not need the master token (docs/security.md, "Admin credentials"). Created through the running
 * gateway's admin API, like any operator would; the gateway keeps only its digest.
 */
final class ConsoleCredential {

    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    private ConsoleCredential() {
    }

    /**
     * Creates a read-only credential named {@code name} (with the time, so restarts on kept data never collide) on the
     * gateway at {@code gatewayUrl} with the master token.
     *
     * @return its token, shown once
     * @throws IllegalStateException when the gateway refuses or cannot be reached, with the reason
     */
    static String create(String gatewayUrl, String adminToken, String name) {
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
            throw new IllegalStateException("the read-only admin credential could not be created: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the read-only admin credential", e);
        }
    }
}
