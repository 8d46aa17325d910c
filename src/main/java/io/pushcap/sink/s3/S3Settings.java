package io.pushcap.sink.s3;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How an S3 target talks to its server: the per-target options of push_pcap.lua
 * ({@code Endpoint}, {@code Region}, {@code PathStyle}, {@code Checksum}, {@code PartSizeMiB},
 * {@code PartsInFlight}, {@code PayloadSigning}, {@code BodyChecksum}) resolved against the SDK's
 * environment.
 *
 * <p><b>Note:</b> immutable and thread-safe; {@link #toString()} leaves credentials out, so
 * settings can be logged.
 *
 * @param endpoint        endpoint override, or null for AWS (option, else AWS_ENDPOINT_URL_S3,
 *                        else AWS_ENDPOINT_URL)
 * @param region          region, or null for the SDK's chain (AWS_REGION, profile), falling back to
 *                        us-east-1
 * @param pathStyle       path-style addressing; defaults to true when an endpoint is set
 * @param checksumWhenRequired true (default): send and check CRC checksums only when an operation
 *                        requires them, which third-party servers accept; false: the SDK's 2025
 *                        default (when supported)
 * @param partSize        first multipart part size in bytes (>= 5 MiB); doubles every 900 parts
 * @param partsInFlight   parts uploading concurrently (1..64)
 * @param payloadSigning  on plain-http endpoints, SHA-256-sign every body (the SDK's default);
 *                        false (pushcap's default): UNSIGNED-PAYLOAD with the body checksum
 *                        per request, as rclone does (see {@link UnsignedPayloadSigner}); https
 *                        endpoints are unaffected
 * @param bodyChecksum    what every PutObject and UploadPart carries so that the server refuses a
 *                        body changed on the way: {@code Content-MD5} (every S3-compatible server
 *                        checks it) or {@code x-amz-checksum-crc32c} (AWS and servers with S3's
 *                        flexible checksums; about a tenth of MD5's CPU). CRC32C by default on AWS,
 *                        MD5 with an Endpoint, since a server that does not know the header ignores it
 * @param credentials     where credentials come from (the SDK's default chain unless a test says
 *                        otherwise); never logged
 */
public record S3Settings(URI endpoint, String region, boolean pathStyle, boolean checksumWhenRequired, long partSize,
                         int partsInFlight, boolean payloadSigning, BodyChecksum bodyChecksum,
                         AwsCredentialsProvider credentials) {
    public static final long MIN_PART = 5L << 20;
    public static final Set<String> OPTION_KEYS = Set.of("Endpoint", "Region", "PathStyle", "Checksum", "PartSizeMiB",
            "PartsInFlight", "PayloadSigning", "BodyChecksum");

    /** The integrity check each request body carries ({@code BodyChecksum}). */
    public enum BodyChecksum {
        /** {@code Content-MD5}: checked by every S3-compatible server; ~0.3-0.6 GB/s per core. */
        MD5,
        /** {@code x-amz-checksum-crc32c} (S3's flexible checksums): a CPU instruction, several GB/s. */
        CRC32C
    }

    public S3Settings {
        if (partSize < MIN_PART || partSize > (512L << 20)) {
            throw new IllegalArgumentException("PartSizeMiB: " + (partSize >> 20) + " (expected 5..512)");
        }
        if (partsInFlight < 1 || partsInFlight > 64) {
            throw new IllegalArgumentException("PartsInFlight: " + partsInFlight + " (expected 1..64)");
        }
    }

    /**
     * Settings from a target's options and the process environment.
     *
     * @throws IllegalArgumentException naming the option, its value and what is valid
     */
    public static S3Settings fromOptions(Map<String, String> options, Map<String, String> env) {
        for (String k : options.keySet()) {
            if (!OPTION_KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown S3 option '" + k + "' (expected one of "
                        + String.join(", ", OPTION_KEYS.stream().sorted().toList()) + ")");
            }
        }
        String ep = first(options.get("Endpoint"), env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL"));
        URI endpoint = null;
        if (ep != null) {
            endpoint = parseEndpoint(ep);
        }
        String ps = options.get("PathStyle");
        boolean pathStyle = ps == null ? endpoint != null : bool("PathStyle", ps);
        String cs = options.getOrDefault("Checksum", "WHEN_REQUIRED").trim().toUpperCase(Locale.ROOT);
        if (!cs.equals("WHEN_REQUIRED") && !cs.equals("WHEN_SUPPORTED")) {
            throw new IllegalArgumentException("Checksum: '" + options.get("Checksum")
                    + "' (expected WHEN_REQUIRED or WHEN_SUPPORTED)");
        }
        long part = integer("PartSizeMiB", options.getOrDefault("PartSizeMiB", "8")) << 20;
        int inFlight = (int) integer("PartsInFlight", options.getOrDefault("PartsInFlight", "4"));
        String region = options.get("Region");
        String sign = options.get("PayloadSigning");
        boolean payloadSigning = sign != null && bool("PayloadSigning", sign);
        BodyChecksum body = bodyChecksum(options.get("BodyChecksum"), endpoint);
        return new S3Settings(endpoint, region == null || region.isBlank() ? null : region.trim(), pathStyle,
                cs.equals("WHEN_REQUIRED"), part, inFlight, payloadSigning, body,
                DefaultCredentialsProvider.builder().build());
    }

    /**
     * The option, else CRC32C on AWS and MD5 with an endpoint: a server that does not implement
     * S3's flexible checksums ignores the CRC32C header, and its bodies would go unchecked.
     */
    private static BodyChecksum bodyChecksum(String value, URI endpoint) {
        if (value == null || value.isBlank()) {
            return endpoint == null ? BodyChecksum.CRC32C : BodyChecksum.MD5;
        }
        return switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "MD5" -> BodyChecksum.MD5;
            case "CRC32C" -> BodyChecksum.CRC32C;
            default -> throw new IllegalArgumentException("BodyChecksum: '" + value + "' (expected MD5 or CRC32C)");
        };
    }

    private static URI parseEndpoint(String ep) {
        try {
            URI u = URI.create(ep.trim());
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null || u.getUserInfo() != null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Endpoint: '" + io.pushcap.internal.Redact.text(ep) + "' (expected http(s)://HOST[:PORT], no credentials)");
        }
    }

    public S3Settings withCredentials(AwsCredentialsProvider provider) {
        return new S3Settings(endpoint, region, pathStyle, checksumWhenRequired, partSize, partsInFlight,
                payloadSigning, bodyChecksum, provider);
    }

    /** The largest part a Java array can buffer (S3 itself allows 5 GiB). */
    static final long MAX_BUFFERED_PART = Integer.MAX_VALUE - 1024;

    /**
     * Part size for part {@code n} (1-based): doubles every 900 parts, capped at what one array
     * holds, so 10,000 parts hold more than S3's 5 TiB object limit even from 5 MiB.
     */
    public long partSize(int n) {
        int doublings = Math.min(20, (n - 1) / 900);
        return Math.min(MAX_BUFFERED_PART, partSize << doublings);
    }

    /** Upper bound of part-buffer memory while part {@code n} is being filled. */
    public long memoryBound(int n) {
        return partSize(n) * (partsInFlight + 1L);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static boolean bool(String key, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(key + ": '" + v + "' (expected true or false)");
        };
    }

    private static long integer(String key, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' (expected an integer)");
        }
    }

    /** For logs: everything but credentials. */
    @Override
    public String toString() {
        return "endpoint=" + (endpoint == null ? "AWS" : endpoint) + " region=" + (region == null ? "default" : region)
                + " pathStyle=" + pathStyle + " checksum=" + (checksumWhenRequired ? "WHEN_REQUIRED" : "WHEN_SUPPORTED")
                + " partSize=" + (partSize >> 20) + "MiB partsInFlight=" + partsInFlight
                + " payloadSigning=" + payloadSigning + " bodyChecksum=" + bodyChecksum;
    }
}
