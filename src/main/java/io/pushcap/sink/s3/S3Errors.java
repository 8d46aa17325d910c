package io.pushcap.sink.s3;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.io.IOException;

/**
 * Turns SDK exceptions into {@link IOException}s that name the operation and the object, and
 * carry the HTTP status and S3 error code, never credentials or signed headers.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class S3Errors {
    private S3Errors() {
    }

    static IOException io(String operation, S3Location loc, Throwable e) {
        return new IOException("S3 " + operation + " " + loc + ": " + describe(e), e);
    }

    static String describe(Throwable e) {
        if (e instanceof AwsServiceException a) {
            String code = a.awsErrorDetails() == null ? null : a.awsErrorDetails().errorCode();
            String msg = a.awsErrorDetails() == null ? null : a.awsErrorDetails().errorMessage();
            return "HTTP " + a.statusCode() + (code == null ? "" : " " + code) + (msg == null ? "" : ": " + msg);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = e.getMessage();
        return root == e ? m : m + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
