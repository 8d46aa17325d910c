package io.pushcap.sink.s3;

import java.util.regex.Pattern;

/**
 * An {@code s3://BUCKET/KEY} location: the bucket and the object key (or key prefix, for a
 * target's Path).
 *
 * <p><b>Note:</b> immutable.
 */
public record S3Location(String bucket, String key) {
    public static final String SYNTAX = "s3://BUCKET/PREFIX";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]");

    /**
     * Parses {@code s3://bucket/key}; the key may be empty only when {@code keyRequired} is false.
     *
     * @throws IllegalArgumentException with the reason, e.g. "bucket 'A' is not a valid bucket name"
     */
    public static S3Location parse(String s, boolean keyRequired) {
        if (!s.startsWith("s3://")) {
            throw new IllegalArgumentException("does not start with s3://");
        }
        String rest = s.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("bucket '" + bucket + "' is not a valid bucket name");
        }
        if (keyRequired && (key.isEmpty() || key.endsWith("/"))) {
            throw new IllegalArgumentException("no object name after the bucket");
        }
        return new S3Location(bucket, key);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
