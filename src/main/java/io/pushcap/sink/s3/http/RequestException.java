package io.pushcap.sink.s3.http;

import java.io.IOException;

/**
 * The request itself could not be sent: a header that would split it, a body shorter than its
 * Content-Length, or a body stream that failed. Not a connection problem, so there is no server
 * response to wait for.
 */
final class RequestException extends IOException {
    RequestException(String message) {
        super(message);
    }

    RequestException(String message, IOException cause) {
        super(message, cause);
    }
}
