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

    /**
     * {@code count} different ports that were free a moment ago. Each socket stays open until all are chosen:
     * ports taken one by one, each closed before the next is asked for, can come back twice, and two services
     * given the same port make the second one fail to start.
     */
    public static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the port is released either way
            }
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
