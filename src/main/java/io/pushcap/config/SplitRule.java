package io.pushcap.config;

/**
 * How a target cuts its output into files: every {@code value} nanoseconds of packet time,
 * aligned to the clock ({@code --split-time}), or every {@code value} uncompressed bytes
 * including the pcap header ({@code --split-byte}, {@code --split-size}); NONE for one stream
 * (LXC and TAP targets).
 */
public record SplitRule(Kind kind, long value) {
    public enum Kind { TIME, BYTES, NONE }

    /** The human spellings a {@code Split} accepts besides the seed's numbers, for messages. */
    public static final String HUMAN_FORMS = "N may also carry a unit: a duration (ns, us, ms, s, m, h, e.g. 60s, 1h)"
            + " or a size (B, kB, MB, GB, TB = powers of 1000; KiB, MiB, GiB, TiB = powers of 1024, e.g. 1GB,"
            + " 500MiB); a duration or size alone, e.g. \"1h\" or \"500MiB\", is a split too";

    public static final SplitRule NONE = new SplitRule(Kind.NONE, 0);

    public SplitRule {
        if (kind != Kind.NONE && value <= 0) {
            throw new IllegalArgumentException("split value must be positive, got " + value);
        }
    }

    public static SplitRule time(long nanos) {
        return new SplitRule(Kind.TIME, nanos);
    }

    public static SplitRule bytes(long n) {
        return new SplitRule(Kind.BYTES, n);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TIME -> "--split-time " + value;
            case BYTES -> "--split-byte " + value;
            case NONE -> "none";
        };
    }
}
