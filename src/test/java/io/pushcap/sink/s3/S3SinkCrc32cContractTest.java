package io.pushcap.sink.s3;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every sink contract test and S3 test again with {@code BodyChecksum = "CRC32C"}: multipart
 * uploads created with the CRC32C algorithm, each part and single object carrying
 * {@code x-amz-checksum-crc32c}, completed with the parts' checksums; S3Proxy checks them all.
 */
class S3SinkCrc32cContractTest extends S3SinkContractTest {
    @Override
    S3Settings sinkSettings() {
        return S3Settings.fromOptions(Map.of("Endpoint", S3.server().endpoint().toString(), "PartSizeMiB", "5",
                "PartsInFlight", "2", "BodyChecksum", "CRC32C"), Map.of()).withCredentials(S3.server().credentials());
    }

    @Test
    void shouldStoreTheCrc32cOfTheBodyWhenSplitIsOneObject() throws Exception {
        byte[] d = data(100_000, 51);
        publish("one.pcap", d);
        assertArrayEquals(d, read("one.pcap"));
        HeadObjectResponse head = S3.judge().headObject(b -> b.bucket(BUCKET).key(key("one.pcap")).checksumMode(ChecksumMode.ENABLED));
        assertEquals(S3Split.crc32c(d, d.length), head.checksumCRC32C(), "the server's CRC32C of the object");
    }

    @Test
    void shouldCompleteWithPartChecksumsWhenSplitIsMultipart() throws Exception {
        byte[] d = data(11 << 20, 52);
        publish("mp-crc.pcap", d);
        assertArrayEquals(d, read("mp-crc.pcap"));
        HeadObjectResponse head = S3.judge().headObject(b -> b.bucket(BUCKET).key(key("mp-crc.pcap")).checksumMode(ChecksumMode.ENABLED));
        assertTrue(head.checksumCRC32C() != null && head.checksumCRC32C().endsWith("-3"),
                "a composite CRC32C of 3 parts: " + head.checksumCRC32C());
    }

    @Test
    void shouldMatchTheKnownCrc32cWhenBodyIsTheStandardCheckString() {
        // RFC 3720 B.4 / the CRC catalogue's check value of CRC-32C over "123456789": 0xE3069283.
        byte[] check = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0xE3, 0x06, (byte) 0x92, (byte) 0x83}),
                S3Split.crc32c(check, check.length));
    }
}
