package io.pushcap.store;

/**
 * How much a store may hold: at most {@code maxBytes} in its files (0: no limit) and at least
 * {@code minFreeBytes} left free on its file system (0: no limit).
 *
 * <p><b>Note:</b> immutable.
 */
public record RetentionLimits(long maxBytes, long minFreeBytes) {
    public static final RetentionLimits NONE = new RetentionLimits(0, 0);

    public boolean any() {
        return maxBytes > 0 || minFreeBytes > 0;
    }
}
