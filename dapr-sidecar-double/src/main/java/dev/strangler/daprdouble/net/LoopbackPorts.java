package dev.strangler.daprdouble.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers that must be named before they listen, and for ports meant to refuse connections.
 *
 * <p>A port from {@code bind(0)} lies in the kernel's ephemeral range, the same range outgoing connections take
 * their local ports from. Between picking such a port and binding it, any connection on the machine may take it
 * (the bind then fails with "Address already in use"), and a connection to it while nothing listens may connect
 * to itself. Ports below the ephemeral range are handed to nobody unasked, so these are picked there, at random
 * to keep parallel builds apart, and never twice in one JVM.
 */
public final class LoopbackPorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LINUX_DEFAULT_EPHEMERAL_LOW = 32768;
    private static final int LOWEST = 10000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    /** A loopback port nothing listens on right now and that this JVM has not handed out before. */
    public static int free() {
        int highest = ephemeralLow() - 1;
        if (highest - LOWEST < 1000) {
            return fromKernel();
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (HANDED_OUT.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + highest);
    }

    private static int ephemeralLow() {
        try {
            // Not Files.readString: /proc files report size 0, and Java 17 reads them as one byte.
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
        }
        catch (IOException | RuntimeException e) {
            return LINUX_DEFAULT_EPHEMERAL_LOW;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    private static int fromKernel() {
        for (int attempt = 0; attempt < 200; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no free loopback port");
    }
}
