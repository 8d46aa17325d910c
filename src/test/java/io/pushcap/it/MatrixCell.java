package io.pushcap.it;

import io.pushcap.config.FileNameFormat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One cell of the push matrix: a push target (its Lua table) and what its output must look like
 * (names, suffix, how to decompress). Every value a user can write is spelled as the seed manual
 * or docs/configuration.md spells it.
 *
 * <p><b>Note:</b> immutable. The expected names are computed here, independently of pushcap's
 * {@code FileNameEncoder}, from the split's packets and the documented encodings.
 */
record MatrixCell(String desc, Sink sink, SplitForm split, boolean timeoutRing, FileNameFormat name, PathForm path,
                  Codec codec, Suffix suffix, String filter, boolean decap, MatrixInputs.Input input, Variant variant) {

    /** The zone the push runs in (TZ), so that {@code HHMMSS_TZ} names carry a non-zero offset. */
    static final ZoneId ZONE = ZoneId.of("Asia/Kolkata");
    /** The file-name prefix of the "prefix" path form. */
    static final String PREFIX = "cap";

    enum Sink { FILE, S3, FTP, RCLONE_LOCAL, RCLONE_S3, LXC }

    enum SplitForm { TIME, BYTE, SIZE }

    enum PathForm { DIR, PREFIX }

    /** How the cell spells its rclone remote: the matrix's own, the test-written rclone.conf, the seed's form. */
    enum Variant { STANDARD, RCLONE_CONFIG_FILE, RCLONE_SEED_FORM }

    /** Compression: none, each in-process codec ({@code Compress}), and a {@code PipeCmd}. */
    enum Codec {
        NONE(null, null, "", null),
        GZIP("gzip", null, ".gz", List.of("gzip", "-dc")),
        ZSTD("zstd:3:1", null, ".zst", List.of("zstd", "-dc")),
        LZ4("lz4", null, ".lz4", List.of("lz4", "-dc")),
        XZ("xz:0", null, ".xz", List.of("xz", "-dc")),
        PIPE_GZIP(null, "gzip -1 -c", ".gz", List.of("gzip", "-dc"));

        final String compress;
        final String pipeCmd;
        final String ending;
        /** The standard CLI that reads the output back (stdin to stdout), or null for plain pcap. */
        final List<String> decompressor;

        Codec(String compress, String pipeCmd, String ending, List<String> decompressor) {
            this.compress = compress;
            this.pipeCmd = pipeCmd;
            this.ending = ending;
            this.decompressor = decompressor;
        }
    }

    /** {@code FileSuffix}: not set, with a leading dot, or without one as the seed's 1 GB example writes it. */
    enum Suffix { DEFAULT, DOTTED, BARE }

    String label() {
        String base = desc + "[" + input.name() + " " + sink;
        if (sink == Sink.LXC) {
            return base + " ring=" + timeoutRing + " filter='" + filter + "' decap=" + decap + variantLabel() + "]";
        }
        return base + " split=" + split + " TimeoutRing=" + timeoutRing + " " + name.option() + " path=" + path
                + " codec=" + codec + " suffix=" + suffix + "('" + suffixText() + "') filter='" + filter + "' decap="
                + decap + variantLabel() + "]";
    }

    private String variantLabel() {
        return variant == Variant.STANDARD ? "" : " " + variant;
    }

    /** What the names end in. */
    String suffixText() {
        return switch (suffix) {
            case DEFAULT -> codec.compress == null ? ".pcap" : ".pcap" + codec.ending;
            case DOTTED -> ".cap" + codec.ending;
            case BARE -> "pcap" + codec.ending;
        };
    }

    String splitText() {
        return switch (split) {
            case TIME -> "--split-time " + (name == FileNameFormat.TSTR_HHMM ? "60e9" : input.timeSplitText());
            case BYTE -> "--split-byte " + input.byteSplitText();
            case SIZE -> "--split-size " + input.byteSplitText();
        };
    }

    long splitTimeNanos() {
        return name == FileNameFormat.TSTR_HHMM ? 60_000_000_000L : input.timeSplitNanos();
    }

    /** The target's Lua table; {@code location} is its Path. */
    String lua(String location, List<String> extraKeys) {
        StringBuilder b = new StringBuilder("table.insert(Config.Target, {\n");
        kv(b, "Desc", desc);
        kv(b, "Mode", switch (sink) {
            case FILE -> "File";
            case S3 -> "S3";
            case FTP -> "CURL";
            case RCLONE_LOCAL, RCLONE_S3 -> "RCLONE";
            case LXC -> "LXC";
        });
        kv(b, "Path", location);
        if (sink != Sink.LXC) {
            kv(b, "Split", splitText());
            kv(b, "FileName", name.option());
            if (codec.compress != null) {
                kv(b, "Compress", codec.compress);
            }
            if (codec.pipeCmd != null) {
                kv(b, "PipeCmd", codec.pipeCmd);
            }
            if (suffix != Suffix.DEFAULT) {
                kv(b, "FileSuffix", suffixText());
            }
        }
        if (!filter.isEmpty()) {
            kv(b, "FilterBPF", filter);
        }
        b.append("    Decap = ").append(decap).append(",\n");
        if (timeoutRing) {
            b.append("    TimeoutRing = 5*60e9,\n");
        }
        extraKeys.forEach(k -> b.append("    ").append(k).append(",\n"));
        return b.append("})\n").toString();
    }

    private static void kv(StringBuilder b, String key, String value) {
        b.append("    ").append(key).append(" = \"").append(value.replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\",\n");
    }

    /**
     * The name a split holding packets {@code first..last} must have, relative to the cell's
     * directory, before any {@code _NNN} that tells two splits of one name apart.
     */
    String expectedStem(long firstNanos, long lastNanos) {
        long start;
        long end;
        if (split == SplitForm.TIME) {
            long n = splitTimeNanos();
            start = Math.floorDiv(firstNanos, n) * n;
            end = start + n;
        } else {
            start = firstNanos;
            end = lastNanos;
        }
        String enc = encode(name, start, end);
        if (path == PathForm.DIR) {
            // A directory has no prefix to separate the time from: the name is the time itself,
            // as the seed's epoch names in "/mnt/remote0/push/" show.
            return enc.startsWith("_") ? enc.substring(1) : enc;
        }
        return PREFIX + enc;
    }

    static String encode(FileNameFormat f, long startNanos, long endNanos) {
        long startSec = Math.floorDiv(startNanos, 1_000_000_000L);
        ZonedDateTime utc = Instant.ofEpochSecond(startSec, Math.floorMod(startNanos, 1_000_000_000L)).atZone(ZoneOffset.UTC);
        return switch (f) {
            case EPOCH_SEC_STARTEND -> startSec + "-" + Math.ceilDiv(endNanos, 1_000_000_000L);
            case EPOCH_SEC -> Long.toString(startSec);
            case TSTR_HHMM -> "_" + utc.format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmm"));
            case TSTR_HHMMSS -> "_" + utc.format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"));
            case TSTR_HHMMSS_TZ -> "_" + utc.withZoneSameInstant(ZONE).format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmssxx"));
            case TSTR_HHMMSS_SUB -> "_" + utc.format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"))
                    + String.format(".%09d", Math.floorMod(startNanos, 1_000_000_000L));
        };
    }

    /** A likely reason when this cell fails: one of the bugs other branches fix (issue 11). */
    String knownIssueHint() {
        StringBuilder h = new StringBuilder();
        if (sink != Sink.LXC && split != SplitForm.TIME && name == FileNameFormat.EPOCH_SEC_STARTEND) {
            h.append(" [known: size splits named by start and end never publish, MeteredSink drops commitAs (issue 11 item 2)]");
        }
        if (sink != Sink.LXC && path == PathForm.DIR && name != FileNameFormat.EPOCH_SEC
                && name != FileNameFormat.EPOCH_SEC_STARTEND) {
            h.append(" [known: a Path ending in / with tstr names gives names starting with '_' (issue 11 item 6)]");
        }
        if (variant == Variant.RCLONE_SEED_FORM) {
            h.append(" [known: push refuses the seed's rclone remote://path form (issue 11 item 6)]");
        }
        if (variant == Variant.RCLONE_CONFIG_FILE) {
            h.append(" [known: the documented RcloneConfig key is refused by check/push (issue 11 item 6)]");
        }
        if (input.linkType() == 101 && !filter.isEmpty()) {
            h.append(" [known: FilterBPF on LINKTYPE_RAW (101) is refused (issue 11 item 4)]");
        }
        return h.toString();
    }
}
