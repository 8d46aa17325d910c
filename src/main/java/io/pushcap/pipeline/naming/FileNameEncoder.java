package io.pushcap.pipeline.naming;

import io.pushcap.config.FileNameFormat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Builds each split's location from the target's {@code Path}, the split's time and the
 * {@code FileSuffix}, in the appliance's encodings (see {@link FileNameFormat}).
 *
 * <p>Names sort in time order and never repeat: when a name would equal or sort before the
 * previous one (two size splits in one second, a sub-second time split), {@code _NNN} is added
 * before the suffix, which sorts after the plain name and before the next second's. Names are
 * compared without the suffix: a {@code FileSuffix} without a leading dot ({@code "pcap.gz"}, as
 * the seed writes it) would otherwise make {@code x_001pcap.gz} sort before {@code xpcap.gz} and no
 * {@code _NNN} could ever follow the plain name.
 *
 * <p><b>Note:</b> single-threaded; remembers the last name it gave (restore it with
 * {@link #resumeAfter(String)} after a restart so names stay unique across runs).
 */
public final class FileNameEncoder {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileNameEncoder.class);
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("yyyyMMdd_HHmm");
    private static final DateTimeFormatter HHMMSS = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final DateTimeFormatter TZ = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmssxx");

    private final FileNameFormat format;
    private final String prefix;
    private final String suffix;
    private final ZoneId localZone;
    /** "_" between a file prefix and a time string; none in a directory (see {@link #separator}). */
    private final String sep;
    private String last = "";
    /** The stem {@link #last} was made from, before any {@code _NNN}; null when unknown (after a restart). */
    private String lastBase;

    public FileNameEncoder(FileNameFormat format, String prefix, String suffix) {
        this(format, prefix, suffix, ZoneId.systemDefault());
    }

    public FileNameEncoder(FileNameFormat format, String prefix, String suffix, ZoneId localZone) {
        this.format = format;
        this.prefix = prefix;
        this.suffix = suffix == null ? "" : suffix;
        this.localZone = localZone;
        this.sep = separator(prefix);
    }

    /**
     * The time strings ({@code --filename-tstr-*}) follow a file prefix after "_", as the
     * appliance writes {@code everything_20210521_010600.pcap}. A Path that ends in "/" (a
     * directory), an rclone remote's root ("remote:") or an empty Path has no prefix to separate
     * from: the name starts with the date ({@code 20240101_000000.pcap}), never with "_".
     */
    static String separator(String prefix) {
        return prefix == null || prefix.isEmpty() || prefix.endsWith("/") || prefix.endsWith(":") ? "" : "_";
    }

    /**
     * The location of a split.
     *
     * @param startNanos start of the split's interval (time splits) or its first packet (size splits)
     * @param endNanos   end of the interval, or the last packet's time for size splits
     */
    public String name(long startNanos, long endNanos) {
        String stem = prefix + encode(startNanos, endNanos);
        String candidate = stem + suffix;
        String base = stem;
        if (stemOf(candidate).compareTo(stemOf(last)) <= 0) {
            base = baseFor(stem);
            candidate = disambiguate(base);
        }
        last = candidate;
        lastBase = base;
        return candidate;
    }

    /**
     * The stem to put {@code _NNN} after: the split's own, or, when its time is earlier than the
     * last name's and not a repeat of it (the writer's clock stepped back across a restart, or the
     * cursor holds a name of an older naming), the last name's: no suffix can sort an earlier time
     * after the last name, and the earlier name may exist already. The manifest keeps the split's
     * true times.
     */
    private String baseFor(String stem) {
        String lastStem = stemOf(last);
        if (lastStem.startsWith(stem)) {
            return stem;
        }
        String base = lastBase != null ? lastBase : lastStem;
        LOG.warn("a split would be named {}, which sorts before the last name {}: named after that instead,"
                + " so that no file is replaced and names stay in order (did the capture clock step back?)",
                stem + suffix, last);
        return base;
    }

    private String disambiguate(String stem) {
        for (int n = 1; n < 1_000_000; n++) {
            String c = stem + String.format("_%03d", n) + suffix;
            if (stemOf(c).compareTo(stemOf(last)) > 0) {
                return c;
            }
        }
        throw new IllegalStateException("no unique name after " + last);
    }

    /** The name without this encoder's suffix: what the time order is decided on. */
    private String stemOf(String name) {
        return name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name;
    }

    private String encode(long startNanos, long endNanos) {
        long startSec = Math.floorDiv(startNanos, 1_000_000_000L);
        return switch (format) {
            case EPOCH_SEC_STARTEND -> epoch(startSec) + "-" + epoch(Math.floorDiv(endNanos + 999_999_999L, 1_000_000_000L));
            case EPOCH_SEC -> epoch(startSec);
            case TSTR_HHMM -> sep + utc(startNanos).format(HHMM);
            case TSTR_HHMMSS -> sep + utc(startNanos).format(HHMMSS);
            case TSTR_HHMMSS_TZ -> sep + ZonedDateTime.ofInstant(instant(startNanos), localZone).format(TZ);
            case TSTR_HHMMSS_SUB -> sep + utc(startNanos).format(HHMMSS) + "."
                    + String.format("%09d", Math.floorMod(startNanos, 1_000_000_000L));
        };
    }

    /**
     * Epoch seconds in at least ten digits: every time since 2001-09-09 has ten, and a capture
     * from before (tcpdump's test files, a sensor whose clock starts at 0) would otherwise get
     * names of nine or fewer digits that sort after later ten-digit ones ("86400" after "172800").
     */
    private static String epoch(long seconds) {
        return seconds >= 0 && seconds < 1_000_000_000L ? String.format("%010d", seconds) : Long.toString(seconds);
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static ZonedDateTime utc(long nanos) {
        return ZonedDateTime.ofInstant(instant(nanos), ZoneOffset.UTC);
    }

    /** True when names carry the end time, which a size split knows only when it closes. */
    public boolean namesEnd() {
        return format == FileNameFormat.EPOCH_SEC_STARTEND;
    }

    /**
     * Renames the split last named by {@link #name(long, long)} now that its end is known; the
     * result stays unique and in order.
     */
    public String rename(String previousLast, long startNanos, long endNanos) {
        last = previousLast;
        lastBase = null;
        return name(startNanos, endNanos);
    }

    /** Continues after a name given in an earlier run. */
    public void resumeAfter(String lastName) {
        String l = lastName == null ? "" : lastName;
        // A cursor saved before names in a directory lost their leading "_" ("dir/_2024...") would
        // sort after every new name ("dir/2024..."): compare without it.
        if (sep.isEmpty() && l.startsWith(prefix + "_")) {
            l = prefix + l.substring(prefix.length() + 1);
        }
        this.last = l;
        this.lastBase = null;
    }

    /**
     * The directory this encoder's names are in: the Path up to and including its last "/"
     * ({@code /data/tcp} gives {@code /data/}, {@code s3://b/x/} gives itself), an rclone
     * remote's root ({@code remote:tcp} gives {@code remote:}), or "" when the Path has none.
     */
    public String directory() {
        return prefix.substring(0, directoryEnd());
    }

    /** After the last "/", or after the ":" of an rclone remote with no "/" after it ("remote:tcp"). */
    private int directoryEnd() {
        int slash = prefix.lastIndexOf('/');
        int colon = prefix.indexOf(':');
        return colon > 0 && slash < 0 ? colon + 1 : slash + 1;
    }

    /**
     * Matches exactly the names, within {@link #directory()}, that this encoder can give: the
     * Path's file-name part, the time in this format, an optional {@code _NNN} and the suffix.
     * A {@code .pending} file, another target's suffix or format, or a foreign file does not
     * match.
     */
    public java.util.regex.Pattern ownNames() {
        String base = prefix.substring(directoryEnd());
        String time = switch (format) {
            case EPOCH_SEC_STARTEND -> "-?\\d+--?\\d+";
            case EPOCH_SEC -> "-?\\d+";
            case TSTR_HHMM -> "\\d{8}_\\d{4}";
            case TSTR_HHMMSS -> "\\d{8}_\\d{6}";
            case TSTR_HHMMSS_TZ -> "\\d{8}_\\d{6}[+-]\\d{4}";
            case TSTR_HHMMSS_SUB -> "\\d{8}_\\d{6}\\.\\d{9}";
        };
        String stemSep = format == FileNameFormat.EPOCH_SEC || format == FileNameFormat.EPOCH_SEC_STARTEND ? "" : sep;
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(base) + java.util.regex.Pattern.quote(stemSep)
                + time + "(?:_\\d{3,})?" + java.util.regex.Pattern.quote(suffix));
    }

    /**
     * Orders names of this encoder oldest first: by the name without the suffix, as
     * {@link #name(long, long)} keeps them unique and growing.
     */
    public java.util.Comparator<String> oldestFirst() {
        return java.util.Comparator.comparing(this::stemOf);
    }

    public String lastName() {
        return last;
    }
}
