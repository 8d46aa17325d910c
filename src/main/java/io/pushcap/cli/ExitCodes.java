package io.pushcap.cli;

/**
 * The one exit-code table every {@code pushcap} command (and the launcher, {@code bin/pushcap})
 * uses. The README and docs/operations.md print the same table; scripts and systemd units may rely
 * on these numbers.
 *
 * <pre>
 *   0   OK            everything asked for was done (every target published everything)
 *   1   INCOMPLETE    the command ran, but some part failed: a target gave up (retry budget
 *                     spent), a packet could not be written; the summary names each failure
 *   2   USAGE         bad command line or configuration; nothing was done
 *   3   RING_TIMEOUT  targets exited under --ring-timeout-exit (restart to resume at now)
 *   4   DAMAGED       an input capture is damaged: every whole packet before the damage was
 *                     pushed, the damage (file, offset) is reported
 *   5   LOCKED        another pushcap process holds the lock (its pid is named)
 *   69  UNAVAILABLE   the host lacks something needed (JDK 25, libpcap, Maven) or the build failed
 *   70  INTERNAL      a bug: an unexpected error, printed as one line (stack trace at DEBUG)
 *   130 INTERRUPTED   stopped by SIGINT/SIGTERM before an offline push had finished
 * </pre>
 *
 * <p><b>Note:</b> when several apply, the highest-priority one wins, in this order: USAGE,
 * INTERNAL, LOCKED, INTERRUPTED, INCOMPLETE, DAMAGED, RING_TIMEOUT, OK ({@link #worst}).
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int INCOMPLETE = 1;
    public static final int USAGE = 2;
    public static final int RING_TIMEOUT = 3;
    public static final int DAMAGED = 4;
    public static final int LOCKED = 5;
    public static final int UNAVAILABLE = 69;
    public static final int INTERNAL = 70;
    public static final int INTERRUPTED = 130;

    private static final int[] PRIORITY = {USAGE, INTERNAL, LOCKED, INTERRUPTED, INCOMPLETE, DAMAGED, RING_TIMEOUT, OK};

    private ExitCodes() {
    }

    /** The more severe of two exit codes, per the table's priority order. */
    public static int worst(int a, int b) {
        for (int code : PRIORITY) {
            if (a == code || b == code) {
                return code;
            }
        }
        return Math.max(a, b);
    }
}
