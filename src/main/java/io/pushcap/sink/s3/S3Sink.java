package io.pushcap.sink.s3;

import io.pushcap.PushcapException;
import io.pushcap.sink.Sink;
import io.pushcap.sink.SinkMetrics;
import io.pushcap.sink.SplitOutput;
import io.pushcap.sink.s3.http.HttpTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code Mode = "S3"}, {@code Path = "s3://bucket/prefix"}: each split streams into an S3
 * multipart upload while it is produced, and the object appears only when the upload is
 * completed on commit ({@link S3Split} describes parts, memory and failure handling).
 *
 * <p>The client is the AWS SDK v2 {@link S3Client} over pushcap's own blocking HTTP/1.1
 * transport ({@link HttpTransport}: large socket writes per body; the pom excludes Netty and
 * Apache, and a blocking client is what a per-target thread wants). Endpoint, region, path
 * style and checksum mode come from {@link S3Settings}; credentials from the SDK's default chain
 * (environment, system properties, profile, container/instance roles). Checksums default to
 * WHEN_REQUIRED so third-party servers (MinIO, Ceph, S3Proxy) accept the requests.
 *
 * <p>Before a split starts, any multipart uploads still open for the same key (left by a crashed
 * or failed earlier attempt) are aborted, so a retried split leaves no partial remains.
 *
 * <p><b>Note:</b> one target thread opens splits, one at a time; part uploads run on a small
 * pool of daemon threads owned by the sink ({@link #close()} stops it). Credentials appear in no
 * log line or message: errors name the operation, bucket, key, status and S3 error code only.
 */
public final class S3Sink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(S3Sink.class);

    private final S3Location prefix;
    private final S3Settings settings;
    private final SinkMetrics metrics;
    private final HttpTransport transport;
    private final S3Client client;
    private final ExecutorService uploads;
    /** The parts in flight and the one being filled. */
    private final PartBuffers buffers;
    private volatile boolean listUploadsUnsupported;

    public S3Sink(String path, S3Settings settings, SinkMetrics metrics) {
        this.prefix = S3Location.parse(path, false);
        this.settings = settings;
        this.metrics = metrics;
        this.transport = HttpTransport.create(Duration.ofSeconds(10), Duration.ofSeconds(60));
        this.client = buildClient(settings, transport);
        this.buffers = new PartBuffers(settings.partsInFlight() + 1);
        AtomicInteger n = new AtomicInteger();
        this.uploads = Executors.newFixedThreadPool(settings.partsInFlight(),
                r -> Thread.ofPlatform().daemon().name("s3-part-" + n.incrementAndGet()).unstarted(r));
    }

    static S3Client buildClient(S3Settings s, HttpTransport transport) {
        var b = S3Client.builder()
                .httpClient(transport)
                .credentialsProvider(s.credentials())
                .region(region(s))
                .forcePathStyle(s.pathStyle())
                .requestChecksumCalculation(s.checksumWhenRequired() ? RequestChecksumCalculation.WHEN_REQUIRED
                        : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(s.checksumWhenRequired() ? ResponseChecksumValidation.WHEN_REQUIRED
                        : ResponseChecksumValidation.WHEN_SUPPORTED);
        if (s.endpoint() != null) {
            b.endpointOverride(s.endpoint());
        }
        if (!s.payloadSigning()) {
            b.putAuthScheme(UnsignedPayloadSigner.scheme());
        }
        return b.build();
    }

    /**
     * The region: the option, else the SDK's chain. With an endpoint override (a local server)
     * the chain stops before the EC2 metadata probe, which costs most of a second off EC2, and
     * falls back to us-east-1: such servers ignore the region but SigV4 needs one.
     */
    static Region region(S3Settings s) {
        if (s.region() != null) {
            return Region.of(s.region());
        }
        if (s.endpoint() != null) {
            String r = firstNonBlank(System.getProperty("aws.region"), System.getenv("AWS_REGION"),
                    System.getenv("AWS_DEFAULT_REGION"));
            return r == null ? Region.US_EAST_1 : Region.of(r);
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException e) {
            return Region.US_EAST_1;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    public S3Settings settings() {
        return settings;
    }

    S3Client client() {
        return client;
    }

    @Override
    public String kind() {
        return "s3";
    }

    /** The bucket exists and our credentials reach it. */
    @Override
    public void check() throws IOException {
        try {
            client.headBucket(b -> b.bucket(prefix.bucket()));
        } catch (NoSuchBucketException e) {
            throw new PushcapException("S3 bucket '" + prefix.bucket() + "' does not exist (" + settings + ")");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new PushcapException("S3 bucket '" + prefix.bucket() + "' does not exist (" + settings + ")");
            }
            throw S3Errors.io("HeadBucket", prefix, e);
        } catch (SdkException e) {
            if (S3Errors.noCredentials(e)) {
                // Configuration, not a server that is down: waiting out the retry budget would not help.
                throw new PushcapException("S3 " + prefix + ": " + S3Errors.NO_CREDENTIALS);
            }
            throw S3Errors.io("HeadBucket", prefix, e);
        }
    }

    @Override
    public SplitOutput open(String location) throws IOException {
        S3Location loc = objectLocation(location, "; expected " + S3Location.SYNTAX + "NAME");
        abortStaleUploads(loc);
        return new S3Split(client, loc, location, settings, uploads, buffers, metrics, false);
    }

    /**
     * S3 cannot rename: a split whose name is known only at its end is uploaded to
     * {@code <name>.pending} and, on commit, copied server-side to its final key (the copy is
     * atomic: the final object appears whole or not at all), then the pending object is deleted.
     */
    @Override
    public SplitOutput openRenamable(String location) throws IOException {
        S3Location loc = objectLocation(location, "; expected " + S3Location.SYNTAX + "NAME");
        S3Location pending = new S3Location(loc.bucket(), loc.key() + ".pending");
        abortStaleUploads(pending);
        return new S3Split(client, pending, location, settings, uploads, buffers, metrics, true);
    }

    /**
     * The objects directly under {@code directory} ({@code s3://bucket/a/}: keys {@code a/x},
     * not {@code a/b/x}), listed page by page with ListObjectsV2.
     */
    @Override
    public java.util.List<io.pushcap.sink.StoredOutput> list(String directory) throws IOException {
        S3Location dir = directoryLocation(directory);
        java.util.List<io.pushcap.sink.StoredOutput> out = new java.util.ArrayList<>();
        try {
            for (var page : client.listObjectsV2Paginator(b -> b.bucket(dir.bucket()).prefix(dir.key()).delimiter("/"))) {
                for (var o : page.contents()) {
                    String name = o.key().substring(dir.key().length());
                    if (!name.isEmpty()) {
                        out.add(new io.pushcap.sink.StoredOutput(name, "s3://" + dir.bucket() + "/" + o.key(), o.size()));
                    }
                }
            }
        } catch (SdkException e) {
            throw S3Errors.io("ListObjectsV2", dir, e);
        }
        return out;
    }

    /** An object's location, or a user error naming it ({@code hint} follows the parser's reason). */
    private static S3Location objectLocation(String location, String hint) {
        try {
            return S3Location.parse(location, true);
        } catch (IllegalArgumentException e) {
            throw new PushcapException("S3 location '" + location + "' (" + e.getMessage() + hint + ")");
        }
    }

    /** DeleteObject; S3 does not say whether the object existed, so this answers true. */
    @Override
    public boolean delete(String location) throws IOException {
        S3Location loc = objectLocation(location, "");
        try {
            client.deleteObject(b -> b.bucket(loc.bucket()).key(loc.key()));
            return true;
        } catch (SdkException e) {
            throw S3Errors.io("DeleteObject", loc, e);
        }
    }

    private static S3Location directoryLocation(String directory) {
        try {
            return S3Location.parse(directory, false);
        } catch (IllegalArgumentException e) {
            throw new PushcapException("S3 directory '" + directory + "' (" + e.getMessage() + "; expected "
                    + S3Location.SYNTAX + "/)");
        }
    }

    /** Aborts multipart uploads left open for this exact key by earlier attempts. */
    void abortStaleUploads(S3Location loc) throws IOException {
        if (listUploadsUnsupported) {
            return;
        }
        try {
            ListMultipartUploadsResponse r = client.listMultipartUploads(b -> b.bucket(loc.bucket()).prefix(loc.key()));
            for (MultipartUpload u : r.uploads()) {
                if (u.key().equals(loc.key())) {
                    client.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(loc.bucket())
                            .key(loc.key()).uploadId(u.uploadId()).build());
                    metrics.staleUploadsAborted().addAtomic(1);
                    LOG.info("aborted stale multipart upload of {} (started {})", loc, u.initiated());
                }
            }
        } catch (S3Exception e) {
            if (e.statusCode() == 501 || e.statusCode() == 405) {
                listUploadsUnsupported = true;
                LOG.warn("S3 server does not list multipart uploads ({}); stale uploads of failed attempts are not"
                        + " cleaned up by pushcap", e.statusCode());
                return;
            }
            throw S3Errors.io("ListMultipartUploads", loc, e);
        } catch (SdkException e) {
            throw S3Errors.io("ListMultipartUploads", loc, e);
        }
    }

    @Override
    public void close() {
        uploads.shutdownNow();
        client.close();
        transport.close(); // given to the SDK as an instance, so not closed with the client
    }

    @Override
    public String toString() {
        return "s3:" + prefix + " (" + settings + ")";
    }
}
