package dev.tollgate.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.openai.OpenAiApi;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Where a cached answer is kept: the org and the model in the clear, and a SHA-256 of the API and the request body in
 * a canonical form. The org and model are part of the key's equality, not only of the hash, so an entry of one
 * tenant can never be read by another, even on a digest collision.
 *
 * <p>Canonical form: objects with their fields sorted by name, no whitespace, strings in one escaping, numbers by
 * value ({@code 0.5}, {@code 0.50} and {@code 5e-1} are one number; {@code 1} and {@code 1.0} too), the gateway's own
 * {@code tollgate_cache} field left out. Array order matters (messages are ordered).
 *
 * @param orgId  the org of the key that asked
 * @param model  the model asked for
 * @param digest hex SHA-256 of the API and the canonical body
 */
record CacheKey(String orgId, String model, String digest) {

    /** The key of {@code body} sent to {@code api} by {@code orgId}. */
    static CacheKey of(String orgId, String model, OpenAiApi api, JsonNode body) {
        StringBuilder canonical = new StringBuilder(256).append(api.path()).append('\n');
        write(body, canonical, true);
        return new CacheKey(orgId, model, sha256(canonical));
    }

    /** Bytes this key holds, roughly, for the cache's weigher. */
    int weight() {
        return 48 + 2 * (orgId.length() + model.length() + digest.length());
    }

    /** The canonical form of a body; package-private for tests. */
    static String canonical(JsonNode body) {
        StringBuilder out = new StringBuilder();
        write(body, out, true);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out, boolean top) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.size());
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!(top && field.getKey().equals(CacheDirective.FIELD))) {
                    fields.add(field);
                }
            }
            fields.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(fields.get(i).getKey(), out);
                out.append(':');
                write(fields.get(i).getValue(), out, false);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out, false);
            }
            out.append(']');
        } else if (node.isTextual()) {
            string(node.asText(), out);
        } else if (node.isNumber()) {
            BigDecimal value = node.decimalValue();
            out.append(value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString());
        } else {
            out.append(node.asText()); // true, false, null
        }
    }

    /** A string in one escaping: quotes, backslashes and control characters escaped, everything else as is. */
    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static String sha256(CharSequence text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
