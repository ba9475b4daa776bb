package dev.tollgate.local.launcher;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secrets of one local run: the bootstrap API key and the admin API token. Fresh for every run, so a key
 * copied from an old terminal never works by accident; the admin token can be fixed with the
 * {@code TOLLGATE_ADMIN_TOKEN} environment variable. Both reach the gateway through its environment only.
 *
 * @param apiKey     the key printed for the curl line, {@code tg_...}
 * @param adminToken the bearer token of {@code /admin/v1}
 */
record Secrets(String apiKey, String adminToken) {

    private static final SecureRandom RANDOM = new SecureRandom();

    static Secrets generate() {
        String fixedAdmin = System.getenv("TOLLGATE_ADMIN_TOKEN");
        return new Secrets("tg_" + random(), fixedAdmin != null && !fixedAdmin.isBlank() ? fixedAdmin : "tga_" + random());
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
