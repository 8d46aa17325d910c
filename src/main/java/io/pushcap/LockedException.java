package io.pushcap;

/**
 * Another live process holds what this one needs for itself (a push target's state, a ring's
 * writer or reader slot); the message names the holder's pid. The CLI exits with
 * {@code ExitCodes.LOCKED} (5) for it, so scripts can tell "already running" from a bad config.
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public final class LockedException extends PushcapException {
    public LockedException(String message) {
        super(message);
    }
}
