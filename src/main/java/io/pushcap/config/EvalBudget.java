package io.pushcap.config;

import io.pushcap.ring.ByteSizes;

import java.time.Duration;
import java.util.Map;

/**
 * What one evaluation of a configuration script may use: wall-clock time (JVM start included)
 * and heap. The defaults, 10 s and 256 MiB, are far above what any real configuration needs (a
 * few ms, a few MB) and low enough that a runaway script neither wedges {@code serve} nor takes
 * the host's memory. {@code PUSHCAP_CONFIG_TIME_LIMIT} (seconds, 1..600) and
 * {@code PUSHCAP_CONFIG_MEMORY_LIMIT} (bytes with k/m/g, 32m..8g) change them; both are
 * inherited by the pushes {@code serve} starts.
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public record EvalBudget(Duration wall, long heapBytes) {
    public static final String TIME_ENV = "PUSHCAP_CONFIG_TIME_LIMIT";
    public static final String MEMORY_ENV = "PUSHCAP_CONFIG_MEMORY_LIMIT";
    public static final EvalBudget DEFAULT = new EvalBudget(Duration.ofSeconds(10), 256L << 20);
    private static final long MIN_HEAP = 32L << 20;
    private static final long MAX_HEAP = 8L << 30;

    /** The defaults, changed by the environment; a malformed value is refused naming the variable. */
    public static EvalBudget fromEnvironment() {
        return from(System.getenv());
    }

    static EvalBudget from(Map<String, String> env) {
        Duration wall = DEFAULT.wall;
        long heap = DEFAULT.heapBytes;
        String t = env.get(TIME_ENV);
        if (t != null && !t.isBlank()) {
            long s;
            try {
                s = Long.parseLong(t.strip());
            } catch (NumberFormatException e) {
                s = -1;
            }
            if (s < 1 || s > 600) {
                throw new ConfigException(TIME_ENV + "='" + t + "' (expected whole seconds, 1..600; default 10)");
            }
            wall = Duration.ofSeconds(s);
        }
        String m = env.get(MEMORY_ENV);
        if (m != null && !m.isBlank()) {
            long b;
            try {
                b = ByteSizes.parse(m.strip(), MEMORY_ENV);
            } catch (RuntimeException e) {
                b = -1;
            }
            if (b < MIN_HEAP || b > MAX_HEAP) {
                throw new ConfigException(MEMORY_ENV + "='" + m + "' (expected a size from 32m to 8g, e.g. 512m; default 256m)");
            }
            heap = b;
        }
        return new EvalBudget(wall, heap);
    }

    /** "256 MiB" for messages. */
    public String heapText() {
        return heapBytes % (1L << 30) == 0 ? (heapBytes >> 30) + " GiB" : (heapBytes >> 20) + " MiB";
    }
}
