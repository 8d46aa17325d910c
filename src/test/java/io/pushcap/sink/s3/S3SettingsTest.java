package io.pushcap.sink.s3;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3SettingsTest {

    @Test
    void shouldHoldFiveTebibytesInTenThousandPartsWhenPartSizeIsTheMinimum() {
        S3Settings s = S3Settings.fromOptions(Map.of("PartSizeMiB", "5"), Map.of());
        long total = 0;
        for (int n = 1; n <= 10_000; n++) {
            long p = s.partSize(n);
            assertTrue(p >= S3Settings.MIN_PART && p <= Integer.MAX_VALUE, "part " + n + ": " + p);
            total += p;
        }
        assertTrue(total >= 5L << 40, "10,000 parts hold " + total);
        assertEquals(5L << 20, s.partSize(900));
        assertEquals(10L << 20, s.partSize(901));
        assertEquals(S3Settings.MAX_BUFFERED_PART, s.partSize(10_000), "capped at what one array holds");
        assertEquals(5L * 5 << 20, s.memoryBound(1), "part x (in flight + 1)");
    }

    @Test
    void shouldHonourEndpointEnvironmentAndDefaultToPathStyleWhenEndpointIsSet() {
        S3Settings env = S3Settings.fromOptions(Map.of(), Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"));
        assertEquals("http://127.0.0.1:9000", env.endpoint().toString());
        assertTrue(env.pathStyle());
        assertTrue(env.checksumWhenRequired());
        S3Settings s3only = S3Settings.fromOptions(Map.of(), Map.of("AWS_ENDPOINT_URL", "http://a:1",
                "AWS_ENDPOINT_URL_S3", "http://b:2"));
        assertEquals("http://b:2", s3only.endpoint().toString());
        S3Settings option = S3Settings.fromOptions(Map.of("Endpoint", "https://c:3", "PathStyle", "false",
                "Checksum", "when_supported", "Region", "eu-west-1"), Map.of("AWS_ENDPOINT_URL", "http://a:1"));
        assertEquals("https://c:3", option.endpoint().toString());
        assertFalse(option.pathStyle());
        assertFalse(option.checksumWhenRequired());
        assertEquals("eu-west-1", option.region());
        S3Settings aws = S3Settings.fromOptions(Map.of(), Map.of());
        assertNull(aws.endpoint());
        assertFalse(aws.pathStyle());
    }

    @Test
    void shouldCheckBodiesWithCrc32cOnAwsAndMd5WithAnEndpointWhenBodyChecksumIsUnset() {
        assertEquals(S3Settings.BodyChecksum.CRC32C, S3Settings.fromOptions(Map.of(), Map.of()).bodyChecksum());
        assertEquals(S3Settings.BodyChecksum.MD5,
                S3Settings.fromOptions(Map.of("Endpoint", "http://127.0.0.1:9000"), Map.of()).bodyChecksum());
        assertEquals(S3Settings.BodyChecksum.MD5,
                S3Settings.fromOptions(Map.of(), Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")).bodyChecksum());
        assertEquals(S3Settings.BodyChecksum.CRC32C, S3Settings.fromOptions(Map.of("Endpoint", "http://127.0.0.1:9000",
                "BodyChecksum", " crc32c "), Map.of()).bodyChecksum());
        assertEquals(S3Settings.BodyChecksum.MD5, S3Settings.fromOptions(Map.of("BodyChecksum", "MD5"), Map.of()).bodyChecksum());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.fromOptions(Map.of("BodyChecksum", "SHA1"), Map.of()));
        assertEquals("BodyChecksum: 'SHA1' (expected MD5 or CRC32C)", e.getMessage());
    }

    @Test
    void shouldRefuseBadValuesWhenOptionsAreMalformed() {
        assertThrows(IllegalArgumentException.class, () -> S3Settings.fromOptions(Map.of("PathStyle", "maybe"), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> S3Settings.fromOptions(Map.of("PartsInFlight", "0"), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> S3Settings.fromOptions(Map.of("Checksum", "ALWAYS"), Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3Settings.fromOptions(Map.of("Endpoint", "http://key:secret@h:1"), Map.of()));
        assertTrue(e.getMessage().contains("no credentials"), e.getMessage());
    }

    @Test
    void shouldParseBucketAndKeyWhenLocationIsValid() {
        assertEquals(new S3Location("fmadio-pcap", "pcap/x/full_20250101.pcap.gz"),
                S3Location.parse("s3://fmadio-pcap/pcap/x/full_20250101.pcap.gz", true));
        assertEquals("", S3Location.parse("s3://bkt", false).key());
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3://bkt/dir/", true));
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3://ab/x", true));
    }
}
