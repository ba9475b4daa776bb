package dev.tollgate.local.vllm;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Response ids as vLLM makes them: a prefix and the request id, which is the client's {@code x-request-id} header
 * when present and 32 random hex digits (a {@code uuid4().hex}) otherwise.
 */
final class Ids {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    static String completionId(String prefix, String requestIdHeader) {
        if (requestIdHeader != null && !requestIdHeader.isEmpty()) {
            return prefix + requestIdHeader;
        }
        char[] out = new char[prefix.length() + 32];
        prefix.getChars(0, prefix.length(), out, 0);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong();
        long low = random.nextLong();
        int at = prefix.length();
        for (int shift = 60; shift >= 0; shift -= 4) {
            out[at++] = HEX[(int) (high >>> shift) & 0xF];
        }
        for (int shift = 60; shift >= 0; shift -= 4) {
            out[at++] = HEX[(int) (low >>> shift) & 0xF];
        }
        return new String(out);
    }
}
