package io.pushcap.config;

import org.quartz.CronExpression;

import java.text.ParseException;
import java.util.Date;

/**
 * Checks Quartz cron expressions ({@code SEC MIN HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK [YEAR]}) the
 * way a user needs it: what is wrong, and the likely fix for the two usual mistakes (a Unix
 * 5-field cron, and {@code *} in both day fields, which Quartz refuses).
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class CronCheck {
    public static final String SYNTAX = "a Quartz cron: SEC MIN HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK [YEAR], with ? in"
            + " one of the day fields, e.g. '0 0 6 * * ?' for 06:00 every day, '*/10 * * * * ?' every 10 s";

    private CronCheck() {
    }

    /** What is wrong with {@code expr}, or null when it is a valid expression that fires again. */
    public static String problem(String expr) {
        String[] f = expr.trim().split("\\s+");
        if (f.length == 5) {
            return "'" + expr + "' has 5 fields, like Unix cron; Quartz's start with seconds (try '0 " + withQuestionMark(f)
                    + "') (expected " + SYNTAX + ")";
        }
        String range = rangeProblem(f);
        if (range != null) {
            return "'" + expr + "': " + range + " (expected " + SYNTAX + ")";
        }
        try {
            CronExpression.validateExpression(expr);
            CronExpression c = new CronExpression(expr);
            if (c.getTimeAfter(new Date()) == null) {
                return "'" + expr + "' never fires again (expected " + SYNTAX + ")";
            }
            return null;
        } catch (ParseException | RuntimeException e) {
            String hint = f.length >= 6 && f[3].equals("*") && f[5].equals("*") ? " (try '" + String.join(" ", f[0], f[1],
                    f[2], f[3], f[4], "?") + "')" : "";
            return "'" + expr + "': " + e.getMessage() + hint + " (expected " + SYNTAX + ")";
        }
    }

    private static final String[] FIELDS = {"seconds", "minutes", "hours", "day of month", "month", "day of week", "year"};
    private static final int[][] RANGES = {{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {1, 7}, {1970, 2199}};

    /** Quartz 2.5 accepts some out-of-range numbers (a second of 99) and then fires at odd times: refuse them. */
    static String rangeProblem(String[] fields) {
        for (int i = 0; i < Math.min(fields.length, FIELDS.length); i++) {
            for (String part : fields[i].split(",")) {
                int slash = part.indexOf('/');
                String base = slash >= 0 ? part.substring(0, slash) : part;
                for (String token : base.split("-")) {
                    if (token.matches("\\d+")) {
                        long v = token.length() > 9 ? Long.MAX_VALUE : Long.parseLong(token);
                        if (v < RANGES[i][0] || v > RANGES[i][1]) {
                            return FIELDS[i] + " " + v + " is out of range (" + RANGES[i][0] + "-" + RANGES[i][1] + ")";
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String withQuestionMark(String[] unix) {
        String[] q = unix.clone();
        if (q[2].equals("*") && q[4].equals("*")) {
            q[4] = "?";
        } else if (q[4].equals("*")) {
            q[4] = "?";
        } else if (q[2].equals("*")) {
            q[2] = "?";
        }
        return String.join(" ", q);
    }
}
