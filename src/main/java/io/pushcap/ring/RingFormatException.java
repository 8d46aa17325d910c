package io.pushcap.ring;

import io.pushcap.PushcapException;

/**
 * A file that is not a pushcap ring of a version this build reads, or whose header contradicts
 * itself. The message names the file and, for a version mismatch, both versions.
 *
 * <p><b>Note:</b> immutable.
 */
public final class RingFormatException extends PushcapException {
    public RingFormatException(String message) {
        super(message);
    }
}
