package io.pushcap.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a target of an offline push keeps retrying a failure before it gives up, and the
 * timeouts that keep one attempt from hanging: {@code RetryMax} (attempts), {@code RetryFor}
 * (time since the failure began), {@code PipeTimeout} (a PipeCmd that makes no progress) and
 * {@code ScriptTimeout} (one ScriptNew run). A budget is spent when either limit is reached; a
 * limit of 0 is no limit. Live pushes (and {@code serve}) ignore the budget and retry without
 * end, reporting the target RETRYING and then STUCK.
 *
 * @param maxAttempts     {@code RetryMax}: failed attempts in a row before giving up, 0 for no limit
 * @param forMillis       {@code RetryFor}: milliseconds after the first failure in a row, 0 for no limit
 * @param pipeMillis      {@code PipeTimeout}: a PipeCmd whose input and output stall this long is killed
 * @param scriptMillis    {@code ScriptTimeout}: a ScriptNew run that lasts longer is killed
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public record RetryBudget(int maxAttempts, long forMillis, long pipeMillis, long scriptMillis) {
    /** Offline by default: give up two minutes after a failure began, however many splits remain. */
    public static final RetryBudget DEFAULT = new RetryBudget(0, 120_000, 60_000, 300_000);

    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)?");

    /** True when {@code attempts} failures in a row, the first {@code elapsedMillis} ago, spend the budget. */
    public boolean spent(int attempts, long elapsedMillis) {
        return (maxAttempts > 0 && attempts >= maxAttempts) || (forMillis > 0 && elapsedMillis >= forMillis);
    }

    /** Milliseconds left before RetryFor runs out, or Long.MAX_VALUE without a time limit. */
    public long leftMillis(long elapsedMillis) {
        return forMillis > 0 ? Math.max(0, forMillis - elapsedMillis) : Long.MAX_VALUE;
    }

    /** "RetryMax 5 and RetryFor 2m", for messages. */
    public String describe() {
        String attempts = maxAttempts > 0 ? "RetryMax " + maxAttempts : "";
        String time = forMillis > 0 ? "RetryFor " + human(forMillis) : "";
        return attempts.isEmpty() ? time : time.isEmpty() ? attempts : attempts + " and " + time;
    }

    /** 120000 as "2m", 5000 as "5s", 1500 as "1500ms". */
    public static String human(long millis) {
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /**
     * A duration as written in a config: a string such as "2m", "120s", "500ms", "1h" or "90"
     * (seconds). Returns milliseconds, or -1 when the text is not such a duration.
     */
    public static long parseMillis(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double ms = v * switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1000;
        };
        return ms > 1e15 ? -1 : Math.round(ms);
    }
}
