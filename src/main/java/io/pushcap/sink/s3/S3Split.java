package io.pushcap.sink.s3;

import io.pushcap.internal.ffm.NativeDigest;
import io.pushcap.sink.SinkMetrics;
import io.pushcap.sink.SplitOutput;
import io.pushcap.sink.s3.S3Settings.BodyChecksum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32C;

/**
 * One split streaming into S3.
 *
 * <p>Bytes fill a part buffer; a full buffer becomes an UploadPart on the sink's upload pool
 * while the writer fills the next one. At most {@code PartsInFlight} parts upload at once: the
 * writer blocks when they are all busy (back-pressure, not unbounded memory), so part-buffer
 * memory is at most part size x (PartsInFlight + 1). Part size starts at {@code PartSizeMiB}
 * (>= 5 MiB, S3's minimum) and doubles every 900 parts, so a split stays under S3's 10,000-part
 * limit up to the 5 TiB object limit.
 *
 * <p>The multipart upload is created only when the first part fills: a split smaller than one
 * part is sent on commit as a single PutObject. Commit uploads the last part, waits for all, and
 * completes the upload; only then does the object exist. Abort waits for in-flight parts and
 * aborts the upload. A part that fails (after the SDK's own retries) fails the next write or the
 * commit with an {@link IOException}; the caller aborts and retries the split.
 *
 * <p>A split opened by {@link S3Sink#openRenamable} (a size split named by its last packet)
 * uploads to {@code NAME.pending}; {@link #commitAs(String)} completes that object, copies it
 * server-side to the final key ({@link S3Copy}) and deletes it; abort deletes it too.
 *
 * <p><b>Note:</b> {@link #stream()}, commit and abort are for the target's thread; upload
 * threads touch only their part's buffer, the part list (synchronized) and the first failure
 * (volatile).
 */
final class S3Split implements SplitOutput {
    private static final Logger LOG = LoggerFactory.getLogger(S3Split.class);
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Client client;
    private final S3Location loc;
    private final String location;
    private final S3Settings settings;
    private final ExecutorService pool;
    private final PartBuffers buffers;
    private final SinkMetrics metrics;
    private final Semaphore inFlight;
    private final List<CompletedPart> parts = new ArrayList<>();
    private final List<Future<?>> futures = new ArrayList<>();
    private final OutputStream stream;
    private volatile Throwable failure;
    private String uploadId;
    private byte[] buf;
    private int pos;
    private int partNumber;
    private long written;
    private boolean done;
    /** Uploading to a pending key, copied to the final key on commit (openRenamable). */
    private final boolean pendingKey;
    /** The pending object exists (its upload completed) and must go on abort. */
    private boolean pendingStored;

    /** @param loc where the bytes are uploaded: the final key, or its pending key when {@code pendingKey} */
    S3Split(S3Client client, S3Location loc, String location, S3Settings settings, ExecutorService pool,
            PartBuffers buffers, SinkMetrics metrics, boolean pendingKey) {
        this.buffers = buffers;
        this.pendingKey = pendingKey;
        this.client = client;
        this.loc = loc;
        this.location = location;
        this.settings = settings;
        this.pool = pool;
        this.metrics = metrics;
        this.inFlight = new Semaphore(settings.partsInFlight());
        this.buf = buffers.take((int) settings.partSize(1));
        this.stream = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                append(b, off, len);
            }
        };
    }

    private void append(byte[] b, int off, int len) throws IOException {
        if (done) {
            throw new IOException("S3 " + loc + ": split already ended");
        }
        checkFailure();
        while (len > 0) {
            int n = Math.min(len, buf.length - pos);
            System.arraycopy(b, off, buf, pos, n);
            pos += n;
            off += n;
            len -= n;
            written += n;
            if (pos == buf.length) {
                submitPart();
            }
        }
    }

    private void checkFailure() throws IOException {
        Throwable f = failure;
        if (f != null) {
            throw S3Errors.io("UploadPart", loc, f);
        }
    }

    /** Hands the full (or, at commit, last) buffer to the pool and starts a fresh one. */
    private void submitPart() throws IOException {
        if (uploadId == null) {
            try {
                uploadId = client.createMultipartUpload(r -> {
                    r.bucket(loc.bucket()).key(loc.key()).contentType(CONTENT_TYPE);
                    if (crc32cBodies()) {
                        // S3 refuses part checksums of an upload created without their algorithm.
                        r.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
                    }
                }).uploadId();
            } catch (SdkException e) {
                throw S3Errors.io("CreateMultipartUpload", loc, e);
            }
        }
        int number = ++partNumber;
        byte[] data = buf;
        int length = pos;
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("S3 " + loc + ": interrupted waiting for a part upload slot");
        }
        try {
            futures.add(pool.submit(() -> uploadPart(number, data, length)));
        } catch (RuntimeException e) {
            inFlight.release();
            throw S3Errors.io("UploadPart", loc, e);
        }
        buf = buffers.take((int) settings.partSize(number + 1));
        pos = 0;
    }

    private void uploadPart(int number, byte[] data, int length) {
        try {
            if (failure != null) {
                return;
            }
            boolean crc = crc32cBodies();
            String sum = bodySum(data, length);
            UploadPartResponse r = client.uploadPart(p -> {
                p.bucket(loc.bucket()).key(loc.key()).uploadId(uploadId).partNumber(number)
                        .contentLength((long) length);
                if (crc) {
                    p.checksumCRC32C(sum);
                } else {
                    p.contentMD5(sum);
                }
            }, body(data, length));
            // A CRC32C upload is completed with each part's checksum, as S3 requires.
            CompletedPart part = CompletedPart.builder().partNumber(number).eTag(r.eTag())
                    .checksumCRC32C(crc ? sum : null).build();
            synchronized (parts) {
                parts.add(part);
            }
            metrics.parts().addAtomic(1);
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
        } finally {
            // The SDK has read the body (or given up) by now: the buffer is free.
            buffers.give(data);
            inFlight.release();
        }
    }

    private boolean crc32cBodies() {
        return settings.bodyChecksum() == BodyChecksum.CRC32C;
    }

    /** The body checksum this target sends ({@code BodyChecksum}): {@link #crc32c} or {@link #md5}. */
    private String bodySum(byte[] data, int length) {
        return crc32cBodies() ? crc32c(data, length) : md5(data, length);
    }

    /**
     * Content-MD5 of a body: the server refuses a body that does not match, which protects
     * unsigned payloads on plain http (and costs about what SigV4's SHA-256 would).
     */
    private static String md5(byte[] data, int length) {
        MessageDigest d = NativeDigest.md5();
        d.update(data, 0, length);
        return Base64.getEncoder().encodeToString(d.digest());
    }

    /**
     * {@code x-amz-checksum-crc32c} of a body (base64 of the big-endian CRC32C): the same
     * protection as {@link #md5} where the server implements S3's flexible checksums, at the cost
     * of one CPU instruction per 8 bytes instead of MD5's rounds.
     */
    static String crc32c(byte[] data, int length) {
        CRC32C c = new CRC32C();
        c.update(data, 0, length);
        int v = (int) c.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** Retry-safe body over the buffer: each attempt reads it afresh, nothing is copied. */
    private static RequestBody body(byte[] data, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, CONTENT_TYPE);
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public void commit() throws IOException {
        if (pendingKey) {
            commitAs(location);
            return;
        }
        upload();
    }

    /**
     * Publishes a split opened by {@link S3Sink#openRenamable}: completes the pending object,
     * copies it to {@code finalLocation} (same bucket) and deletes it.
     */
    @Override
    public void commitAs(String finalLocation) throws IOException {
        if (!pendingKey) {
            SplitOutput.super.commitAs(finalLocation);
            return;
        }
        S3Location to;
        try {
            to = S3Location.parse(finalLocation, true);
        } catch (IllegalArgumentException e) {
            throw new IOException("S3 commit " + finalLocation + ": " + e.getMessage(), e);
        }
        if (!to.bucket().equals(loc.bucket())) {
            throw new IOException("S3 commit " + finalLocation + ": must stay in bucket " + loc.bucket());
        }
        if (!pendingStored) {
            upload();
            pendingStored = true;
        }
        S3Copy.copy(client, loc, to, written);
        try {
            client.deleteObject(r -> r.bucket(loc.bucket()).key(loc.key()));
        } catch (SdkException e) {
            // Published already; a later attempt at this name overwrites the leftover.
            LOG.warn("S3 DeleteObject {} after publishing {}: {}", loc, to, S3Errors.describe(e));
        }
        pendingStored = false;
    }

    private void upload() throws IOException {
        if (done) {
            throw new IOException("S3 " + loc + ": split already ended");
        }
        checkFailure();
        if (uploadId == null) {
            putObject();
            done = true;
            release();
            return;
        }
        if (pos > 0) {
            submitPart();
        }
        awaitParts();
        checkFailure();
        List<CompletedPart> sorted;
        synchronized (parts) {
            sorted = new ArrayList<>(parts);
        }
        sorted.sort(Comparator.comparing(CompletedPart::partNumber));
        try {
            client.completeMultipartUpload(r -> r.bucket(loc.bucket()).key(loc.key()).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(sorted)));
        } catch (SdkException e) {
            throw S3Errors.io("CompleteMultipartUpload", loc, e);
        }
        done = true;
        release();
    }

    /** The buffer being filled goes back to the sink once the split is published. */
    private void release() {
        if (buf != null) {
            buffers.give(buf);
            buf = null;
        }
    }

    private void putObject() throws IOException {
        try {
            boolean crc = crc32cBodies();
            String sum = bodySum(buf, pos);
            client.putObject(r -> {
                r.bucket(loc.bucket()).key(loc.key()).contentType(CONTENT_TYPE).contentLength((long) pos);
                if (crc) {
                    r.checksumCRC32C(sum);
                } else {
                    r.contentMD5(sum);
                }
            }, body(buf, pos));
            metrics.parts().addAtomic(1);
        } catch (SdkException e) {
            throw S3Errors.io("PutObject", loc, e);
        }
    }

    private void awaitParts() throws IOException {
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("S3 " + loc + ": interrupted waiting for part uploads");
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
        }
    }

    @Override
    public void abort() {
        if (pendingStored) {
            pendingStored = false;
            try {
                client.deleteObject(r -> r.bucket(loc.bucket()).key(loc.key()));
            } catch (SdkException e) {
                LOG.warn("S3 DeleteObject {}: {}", loc, S3Errors.describe(e));
            }
            return;
        }
        done = true;
        buf = null;
        if (failure == null) {
            failure = new IOException("aborted");
        }
        // Queued parts see the failure and return at once; running ones finish or fail.
        try {
            awaitParts();
        } catch (IOException e) {
            Thread.currentThread().interrupt();
        }
        if (uploadId != null) {
            try {
                client.abortMultipartUpload(r -> r.bucket(loc.bucket()).key(loc.key()).uploadId(uploadId));
            } catch (SdkException e) {
                // The next attempt at this key aborts it (S3Sink.abortStaleUploads); bucket
                // lifecycle rules catch the rest.
                LOG.warn("S3 AbortMultipartUpload {}: {}", loc, S3Errors.describe(e));
            }
        }
    }

    @Override
    public long bytesWritten() {
        return written;
    }

    @Override
    public String location() {
        return location;
    }
}
