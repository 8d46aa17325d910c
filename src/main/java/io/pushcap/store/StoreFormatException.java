package io.pushcap.store;

import io.pushcap.PushcapException;

/**
 * A store file (index, head, capture.meta) that is not in a format or version this build reads,
 * or that contradicts itself. The message names the file and, for a version, both versions.
 *
 * <p><b>Note:</b> immutable.
 */
public final class StoreFormatException extends PushcapException {
    public StoreFormatException(String message) {
        super(message);
    }
}
