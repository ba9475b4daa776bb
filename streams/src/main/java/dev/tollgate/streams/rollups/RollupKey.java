package dev.tollgate.streams.rollups;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URLEncoder;

/**
 * The key of a rollup in its window store and on the rollups topic: the dimension names and values, URL-encoded so
 * that no id can make two keys collide, e.g. {@code org=acme&model=llama-3-8b}. The four rollup dimensions are
 * (org), (org, model), (org, key) and (endpoint).
 */
public final class RollupKey {

    private RollupKey() {
    }

    /** The rollup of an org. */
    public static String org(String orgId) {
        return "org=" + enc(orgId);
    }

    /** The rollup of a model within an org. */
    public static String orgModel(String orgId, String model) {
        return org(orgId) + "&model=" + enc(model);
    }

    /** The rollup of an API key within an org. */
    public static String orgKey(String orgId, String keyId) {
        return org(orgId) + "&key=" + enc(keyId);
    }

    /** The rollup of a team within an org. */
    public static String orgTeam(String orgId, String teamId) {
        return org(orgId) + "&team=" + enc(teamId);
    }

    /** The rollup of a team within the org whose key {@link #org} returned {@code orgKey}. */
    static String withTeam(String orgKey, String teamId) {
        return orgKey + "&team=" + enc(teamId);
    }

    /** The rollup of a model within the org whose key {@link #org} returned {@code orgKey}. */
    static String withModel(String orgKey, String model) {
        return orgKey + "&model=" + enc(model);
    }

    /** The rollup of an API key within the org whose key {@link #org} returned {@code orgKey}. */
    static String withKey(String orgKey, String keyId) {
        return orgKey + "&key=" + enc(keyId);
    }

    /** The rollup of an endpoint, across orgs. */
    public static String endpoint(String endpointId) {
        return "endpoint=" + enc(endpointId);
    }

    /**
     * {@code value} URL-encoded. Ids are nearly always made of characters that URL encoding leaves as they are, and
     * this runs several times per event, so those are returned without going through {@link URLEncoder}.
     */
    private static String enc(String value) {
        if (value == null) {
            return "";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean unchanged = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == '*';
            if (!unchanged) {
                return URLEncoder.encode(value, UTF_8);
            }
        }
        return value;
    }
}
