package io.pushcap.cli;

import io.pushcap.internal.ffm.LibPcap;
import io.pushcap.internal.ffm.LibPcapVersion;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Prints pushcap's version, the JVM's, and libpcap's (or how to install it). */
public final class VersionProvider implements CommandLine.IVersionProvider {

    public static String pushcapVersion() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("/io/pushcap/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return lines();
    }

    /**
     * The three lines of {@code --version}. Uses {@link LibPcapVersion} (one downcall), not
     * {@link LibPcap}, whose class initialisation binds every libpcap function.
     */
    public static String[] lines() {
        String version = LibPcapVersion.text();
        String pcap = version != null ? version : "libpcap: not found (" + LibPcap.INSTALL_HINT + ")";
        return new String[] {
            "pushcap " + pushcapVersion(),
            pcap,
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
