package io.pushcap;

/**
 * An error whose message is written for the user: it names the file, target, field or device,
 * the offending value, and what would be valid. The CLI prints the message alone, never a stack
 * trace.
 *
 * <p><b>Note:</b> immutable and thread-safe. Subclasses narrow the cause (configuration,
 * corrupt input, native failure) so callers can count them separately.
 */
public class PushcapException extends RuntimeException {
    public PushcapException(String message) {
        super(message);
    }

    public PushcapException(String message, Throwable cause) {
        super(message, cause);
    }
}
