package io.pushcap.sink.kafka;

import io.pushcap.sink.SourceMark;

import java.nio.charset.StandardCharsets;

/**
 * The value of a KAFKA target's cursor record in {@code TOPIC.pushcap-cursors}:
 * {@code v1 TAB major TAB minor TAB timestampNanos TAB source} (UTF-8), keyed by the target's
 * {@code SENSOR/DESC}. The topic is compacted, so the last committed cursor of each key stays.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class CursorRecords {
    private CursorRecords() {
    }

    static byte[] encode(SourceMark m) {
        return ("v1\t" + m.major() + "\t" + m.minor() + "\t" + m.timestampNanos() + "\t" + m.source())
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The mark, or null when {@code value} is not a v1 cursor. */
    static SourceMark decode(byte[] value) {
        if (value == null) {
            return null;
        }
        String[] f = new String(value, StandardCharsets.UTF_8).split("\t", 5);
        if (f.length != 5 || !f[0].equals("v1")) {
            return null;
        }
        try {
            return new SourceMark(f[4], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
