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

    /** What the SDK says when its whole credentials chain came up empty (a page of text per provider). */
    static final String NO_CREDENTIALS = "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
            + " or a profile in ~/.aws/credentials (AWS_PROFILE), or run with an instance or container role";

    /** True when {@code e} is the SDK's "Unable to load credentials from any of the providers in the chain". */
    static boolean noCredentials(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof software.amazon.awssdk.core.exception.SdkClientException && c.getMessage() != null
                    && c.getMessage().startsWith("Unable to load credentials from any of the providers")) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable e) {
        if (noCredentials(e)) {
            return NO_CREDENTIALS;
        }
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
