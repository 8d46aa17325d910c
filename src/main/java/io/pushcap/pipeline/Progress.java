package io.pushcap.pipeline;

import java.io.PrintStream;
import java.util.List;

/**
 * Shows a push's progress: a one-line bar redrawn in place on a terminal, a plain line every 5 s
 * otherwise (logs, pipes).
 *
 * <p><b>Note:</b> used by the job's monitoring thread only.
 */
final class Progress {
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean bar;
    private final List<TargetRunner> runners;
    private final long total;
    private final long start = System.nanoTime();
    private long nextPlain = System.nanoTime() + PLAIN_EVERY_NANOS;

    Progress(PrintStream out, boolean bar, List<TargetRunner> runners, long total) {
        this.out = out;
        this.bar = bar;
        this.runners = runners;
        this.total = total;
    }

    void update() {
        long now = System.nanoTime();
        if (!bar && now < nextPlain) {
            return;
        }
        nextPlain = now + PLAIN_EVERY_NANOS;
        long done = runners.stream().mapToLong(TargetRunner::bytesConsumed).min().orElse(0);
        long files = runners.stream().mapToLong(r -> r.counters().files.get()).sum();
        double secs = Math.max(1e-3, (now - start) / 1e9);
        double pct = total > 0 ? Math.min(100.0, 100.0 * done / total) : 0;
        String text = String.format("%5.1f%% %8.1f MB  %6.2f Gbps  %d files", pct, done / 1e6, done * 8 / secs / 1e9, files);
        if (bar) {
            int width = 30;
            int filled = (int) (pct / 100 * width);
            out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + text);
            out.flush();
        } else {
            out.println("progress " + text);
        }
    }

    void finish() {
        if (bar) {
            update();
            out.println();
        }
    }
}
