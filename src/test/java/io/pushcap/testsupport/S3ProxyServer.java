package io.pushcap.testsupport;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * S3Proxy (org.gaul:s3proxy jar-with-dependencies, copied by the pom to target/test-tools) run as
 * a separate JDK 25 process on a loopback port, with SigV4/V2 auth and a transient or filesystem
 * store. {@link #kill()} and {@link #start()} simulate a server crash and its return.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String IDENTITY = "pushcap-test";
    public static final String CREDENTIAL = "pushcap-test-secret-0123456789";

    private final Path dir;
    private final boolean filesystem;
    private final int port;
    private SelfSignedCert tls;
    private int tlsPort;
    private Process process;

    private S3ProxyServer(Path dir, boolean filesystem, int port) {
        this.dir = dir;
        this.filesystem = filesystem;
        this.port = port;
    }

    private S3Client judge;

    /** Starts a server keeping its state under {@code dir} (filesystem) or in memory (transient). */
    public static S3ProxyServer start(Path dir, boolean filesystem) throws IOException {
        S3ProxyServer s = new S3ProxyServer(dir, filesystem, freePort());
        s.start();
        return s;
    }

    /**
     * An in-memory server holding an empty {@code bucket}, and its {@link #judge()}: what a test
     * class of S3 behaviour starts once ({@code @BeforeAll}) and closes at the end.
     */
    public static S3ProxyServer startWithBucket(Path dir, String bucket) throws IOException {
        S3ProxyServer s = start(dir, false);
        s.judge().createBucket(b -> b.bucket(bucket));
        return s;
    }

    /**
     * An in-memory server that also listens for HTTPS ({@link #secureEndpoint()}) with
     * {@code cert}; {@link #judge()} keeps using plain HTTP.
     */
    public static S3ProxyServer startWithTls(Path dir, SelfSignedCert cert) throws IOException {
        S3ProxyServer s = new S3ProxyServer(dir, false, freePort());
        s.tls = cert;
        s.tlsPort = freePort();
        s.start();
        return s;
    }

    /** One client for checking what the server holds, made on first use and closed with the server. */
    public synchronized S3Client judge() {
        if (judge == null) {
            judge = client();
        }
        return judge;
    }

    /**
     * A server on a reserved port that is not listening yet: a client sees "connection refused"
     * until {@link #start()}. For tests of a server that is down when the push starts.
     */
    public static S3ProxyServer unstarted(Path dir, boolean filesystem) throws IOException {
        return new S3ProxyServer(dir, filesystem, freePort());
    }

    /** Filesystem mode: creates the bucket as the directory the server will serve it from. */
    public void createBucketDir(String bucket) throws IOException {
        Files.createDirectories(dir.resolve("store").resolve(bucket));
    }

    public static int freePort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    public void start() throws IOException {
        String tools = System.getProperty("pushcap.testTools", "target/test-tools");
        Path jar = Path.of(tools, "s3proxy.jar");
        if (!Files.exists(jar)) {
            throw new AssertionError("S3Proxy jar missing at " + jar + " (mvn generate-test-resources copies it)");
        }
        Path store = dir.resolve("store");
        Files.createDirectories(store);
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=" + (filesystem ? "filesystem" : "transient"),
                "jclouds.filesystem.basedir=" + store,
                "jclouds.identity=" + IDENTITY,
                "jclouds.credential=" + CREDENTIAL,
                tls == null ? "" : "s3proxy.secure-endpoint=https://127.0.0.1:" + tlsPort,
                tls == null ? "" : "s3proxy.keystore-path=" + tls.keyStore(),
                tls == null ? "" : "s3proxy.keystore-password=" + tls.password(),
                "") );
        // The jar's Main-Class, run through ParentWatch: S3Proxy ends with this JVM, even a killed one.
        process = new ProcessBuilder(ParentWatch.command(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                jar.toString(), "org.gaul.s3proxy.Main", "--properties", props.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!listening()) {
            if (!process.isAlive()) {
                throw new AssertionError("S3Proxy exited " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("s3proxy.log")));
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new AssertionError("S3Proxy did not listen on port " + port + " within 90 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL: the server dies mid-request, as in a crash. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The HTTPS endpoint of a server started with {@link #startWithTls}. */
    public URI secureEndpoint() {
        if (tls == null) {
            throw new IllegalStateException("this S3Proxy was started without TLS");
        }
        return URI.create("https://127.0.0.1:" + tlsPort);
    }

    public int port() {
        return port;
    }

    public StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL));
    }

    /** An independent client for checking what the server holds. */
    public S3Client client() {
        return S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (judge != null) {
                judge.close();
                judge = null;
            }
        }
        kill();
    }
}
