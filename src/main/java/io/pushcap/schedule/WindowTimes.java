package io.pushcap.schedule;

import io.pushcap.config.ServiceConfig;
import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;

/**
 * Time arithmetic of schedule windows on Quartz cron expressions: whether a window is open at a
 * moment, when it next opens or closes, and the last fire time of a cron at or before a moment
 * (for runs missed while the service was down).
 *
 * <p>A window is open when its next Stop comes before its next Start: that needs no history,
 * so a service that starts (or restarts) in the middle of a window opens it at once.
 *
 * <p><b>Note:</b> stateless and thread-safe (a new {@link CronExpression} per call: they are not
 * thread-safe).
 */
public final class WindowTimes {
    /** Gives up looking for missed fire times after this many (a cron every second over 11 days). */
    static final int MAX_STEPS = 1_000_000;

    private WindowTimes() {
    }

    public static CronExpression cron(String expr) {
        try {
            return new CronExpression(expr);
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid cron '" + expr + "': " + e.getMessage(), e);
        }
    }

    /** Whether {@code w} is open at {@code now}: always, or its next Stop precedes its next Start. */
    public static boolean isOpen(ServiceConfig.Window w, Instant now) {
        if (w.always()) {
            return true;
        }
        Date start = cron(w.start()).getTimeAfter(Date.from(now));
        Date stop = cron(w.stop()).getTimeAfter(Date.from(now));
        if (stop == null) {
            return false;
        }
        return start == null || stop.before(start);
    }

    /** The next fire time of {@code expr} after {@code now}, or null when it never fires again. */
    public static Instant next(String expr, Instant now) {
        Date d = cron(expr).getTimeAfter(Date.from(now));
        return d == null ? null : d.toInstant();
    }

    /**
     * The fire times of {@code expr} in {@code (after, now]}: how many there were and the latest,
     * or null when there was none.
     */
    public static Missed missed(String expr, Instant after, Instant now) {
        CronExpression c = cron(expr);
        Date t = c.getTimeAfter(Date.from(after));
        Date last = null;
        long count = 0;
        while (t != null && !t.toInstant().isAfter(now) && count < MAX_STEPS) {
            last = t;
            count++;
            t = c.getTimeAfter(t);
        }
        return last == null ? null : new Missed(count, last.toInstant());
    }

    /** Fire times missed while the service was down: how many, and the latest one. */
    public record Missed(long count, Instant latest) {
    }
}
