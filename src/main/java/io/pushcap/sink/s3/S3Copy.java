package io.pushcap.sink.s3;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side copy of one object to another key of the same bucket, which is how an S3 split
 * "renames": a single CopyObject up to S3's 5 GiB limit, a multipart copy (UploadPartCopy of
 * 1 GiB ranges) above it.
 *
 * <p><b>Note:</b> stateless; a failure is an {@link IOException} naming the operation and both
 * keys, and an unfinished multipart copy is aborted (the target key is never half written).
 */
final class S3Copy {
    /** S3's limit for a single CopyObject. */
    static final long SINGLE_COPY_LIMIT = 5L << 30;
    private static final long PART = 1L << 30;

    private S3Copy() {
    }

    static void copy(S3Client client, S3Location from, S3Location to, long size) throws IOException {
        copy(client, from, to, size, SINGLE_COPY_LIMIT, PART);
    }

    /** With the limits as parameters, so that a test can take the multipart path with small objects. */
    static void copy(S3Client client, S3Location from, S3Location to, long size, long singleLimit, long part)
            throws IOException {
        if (size <= singleLimit) {
            try {
                client.copyObject(r -> r.sourceBucket(from.bucket()).sourceKey(from.key())
                        .destinationBucket(to.bucket()).destinationKey(to.key()));
            } catch (SdkException e) {
                throw S3Errors.io("CopyObject " + from + " to", to, e);
            }
            return;
        }
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(r -> r.bucket(to.bucket()).key(to.key())
                    .contentType("application/octet-stream")).uploadId();
        } catch (SdkException e) {
            throw S3Errors.io("CreateMultipartUpload", to, e);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 0;
            for (long off = 0; off < size; off += part) {
                int n = ++number;
                String range = "bytes=" + off + "-" + (Math.min(size, off + part) - 1);
                String etag = client.uploadPartCopy(r -> r.sourceBucket(from.bucket()).sourceKey(from.key())
                        .destinationBucket(to.bucket()).destinationKey(to.key()).uploadId(uploadId)
                        .partNumber(n).copySourceRange(range)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
            client.completeMultipartUpload(r -> r.bucket(to.bucket()).key(to.key()).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            try {
                client.abortMultipartUpload(r -> r.bucket(to.bucket()).key(to.key()).uploadId(uploadId));
            } catch (SdkException ignored) {
                // the copy's failure is the one to report
            }
            throw S3Errors.io("UploadPartCopy " + from + " to", to, e);
        }
    }
}
