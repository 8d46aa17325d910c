package io.pushcap.sink.s3;

import io.pushcap.PushcapException;
import io.pushcap.sink.SinkMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3CredentialsTest {
    /**
     * The SDK's own chain, finding nothing: its message is a page of text, one paragraph per
     * provider, and waiting out the retry budget would not make credentials appear.
     */
    @Test
    void shouldRefuseAtCheckWithOneLineWhenNoCredentialsAreFound(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("credentials"), "");
        AwsCredentialsProviderChain none = AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(false)
                .credentialsProviders(ProfileCredentialsProvider.builder()
                        .profileFile(ProfileFile.builder().content(empty).type(ProfileFile.Type.CREDENTIALS).build())
                        .profileName("default").build())
                .build();
        S3Settings settings = S3Settings.fromOptions(Map.of("Endpoint", "http://127.0.0.1:1"), Map.of())
                .withCredentials(none);
        try (S3Sink sink = new S3Sink("s3://bucket/prefix/", settings, SinkMetrics.detached("s3-creds"))) {
            PushcapException e = assertThrows(PushcapException.class, sink::check);
            assertEquals("S3 s3://bucket/prefix/: " + S3Errors.NO_CREDENTIALS, e.getMessage());
            var later = assertThrows(java.io.IOException.class, () -> sink.open("s3://bucket/prefix/a.pcap"));
            assertTrue(later.getMessage().endsWith(": " + S3Errors.NO_CREDENTIALS), later.getMessage());
        }
    }
}
