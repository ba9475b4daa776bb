package dev.tollgate.local.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks for loopback servers, so a taken port is reported by name before anything starts. */
public final class Ports {

    private Ports() {
    }

    /** A port that was free a moment ago, chosen by the OS. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** Whether nothing listens on {@code port} on loopback. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Fails with a message that names the port and what needed it.
     *
     * @throws PortTakenException when something already listens there
     */
    public static void requireFree(int port, String usedFor) {
        if (!isFree(port)) {
            throw new PortTakenException(port, usedFor);
        }
    }

    /** A port the platform needs is already taken by another process. */
    public static final class PortTakenException extends IllegalStateException {
        PortTakenException(int port, String usedFor) {
            super("port " + port + " (" + usedFor + ") is already in use by another process; stop it or choose "
                    + "another port (see --help)");
        }
    }
}
