package io.pushcap.internal.ffm;

import io.pushcap.PushcapException;

/** A native library pushcap needs is not installed; the message names the package to install. */
public final class NativeLibraryMissingException extends PushcapException {
    public NativeLibraryMissingException(String message) {
        super(message);
    }
}
