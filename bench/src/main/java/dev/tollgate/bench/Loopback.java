package dev.tollgate.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Refuses any target that is not this machine. Load tests here must only hit loopback addresses, and a typo in a
 * URL must not turn a benchmark into traffic against someone else's host.
 */
final class Loopback {

    private Loopback() {
    }

    /** Returns normally only when every address {@code host} resolves to is a loopback address. */
    static void require(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve target host " + host, e);
        }
        for (InetAddress address : addresses) {
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException(
                        "target host " + host + " resolves to " + address.getHostAddress()
                                + ", which is not a loopback address; tollgate-bench only targets this machine");
            }
        }
    }
}
