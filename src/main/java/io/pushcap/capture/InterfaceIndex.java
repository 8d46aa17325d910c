package io.pushcap.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Network interfaces by name, from /sys/class/net: whether one exists, its ifindex (stored in each
 * ring record as the packet's source interface) and its operational state.
 *
 * <p><b>Note:</b> thread-safe (stateless); reads sysfs on each call, which reflects the network
 * namespace the process was started in.
 */
public final class InterfaceIndex {
    private InterfaceIndex() {
    }

    public static boolean exists(String iface) {
        return Files.isDirectory(dir(iface));
    }

    /** The interface's ifindex, or 0 when it does not exist (any more). */
    public static int of(String iface) {
        try {
            return Integer.parseInt(Files.readString(dir(iface).resolve("ifindex")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** "up", "down", "lowerlayerdown", "unknown" (loopback, tunnels) or "absent". */
    public static String operState(String iface) {
        try {
            return Files.readString(dir(iface).resolve("operstate")).trim();
        } catch (IOException e) {
            return "absent";
        }
    }

    private static Path dir(String iface) {
        return Path.of("/sys/class/net", iface);
    }
}
