package io.pushcap.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A push target's output mode, as spelled in push_pcap.lua (case-insensitive). */
public enum Mode {
    /** Local disk or NFS/CIFS mount: {@code .pending} then rename. */
    FILE,
    /** Any rclone remote: {@code rclone rcat} then {@code rclone moveto}. */
    RCLONE,
    /** FTP (the appliance drives curl; pushcap speaks FTP itself). */
    CURL,
    /** A local ring that another program reads. */
    LXC,
    /** S3 multipart upload (pushcap extension). */
    S3,
    /** Re-transmission as a tap: a NIC or a GRE/GRETAP/ERSPAN/VXLAN tunnel (pushcap extension). */
    TAP,
    /** One Kafka record per packet, in transactions with the target's position (pushcap extension, docs/scale-out.md). */
    KAFKA;

    public static Mode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' (expected one of " + valid() + ")");
        }
    }

    public static String valid() {
        return Arrays.stream(values()).map(Mode::name).collect(Collectors.joining(", "));
    }
}
