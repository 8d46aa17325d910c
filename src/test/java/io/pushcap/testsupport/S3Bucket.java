package io.pushcap.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A JUnit extension for a test class of S3 behaviour: one in-memory S3Proxy, started before the
 * class's tests with an empty bucket, and closed after them. Use it as
 * {@code @RegisterExtension static final S3Bucket S3 = new S3Bucket("name");}.
 *
 * <p><b>Note:</b> {@link #server()} and {@link #judge()} are valid between the callbacks.
 */
public final class S3Bucket implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private Path dir;
    private S3ProxyServer server;

    public S3Bucket(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("pushcap-s3-");
        server = S3ProxyServer.startWithBucket(dir, name);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (server != null) {
            server.close();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    public String name() {
        return name;
    }

    public S3ProxyServer server() {
        return server;
    }

    public S3Client judge() {
        return server.judge();
    }
}
