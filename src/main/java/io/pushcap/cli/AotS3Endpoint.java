package io.pushcap.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP endpoint that answers the S3 requests an S3 target makes (HeadBucket,
 * ListMultipartUploads, CreateMultipartUpload, UploadPart, CompleteMultipartUpload, PutObject,
 * AbortMultipartUpload, DeleteObject) with minimal well-formed replies, so that the AOT training
 * run ({@link AotTraining}, {@code s3}) takes an S3 push through the AWS SDK's whole request and
 * response path: the SDK's ~3,000 classes and ~1,000 lambda classes then come from the cache
 * instead of being loaded, verified and spun at each S3 push (docs/performance.md).
 *
 * <p>It stores nothing and checks nothing: it exists only for training, never for tests or users.
 *
 * <p><b>Note:</b> a daemon executor serves requests; {@link #close()} stops it.
 */
final class AotS3Endpoint implements AutoCloseable {
    private static final String XML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    private static final String NS = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    private final HttpServer server;
    private final ExecutorService executor;

    private AotS3Endpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static AotS3Endpoint start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> Thread.ofPlatform().daemon().unstarted(r));
        server.setExecutor(executor);
        server.createContext("/", AotS3Endpoint::handle);
        server.start();
        return new AotS3Endpoint(server, executor);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void handle(HttpExchange x) throws IOException {
        try (x; InputStream body = x.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
            String method = x.getRequestMethod();
            String query = x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery();
            String[] path = x.getRequestURI().getPath().substring(1).split("/", 2);
            String bucket = path[0];
            String key = path.length > 1 ? path[1] : "";
            x.getResponseHeaders().set("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
            switch (method) {
                case "HEAD" -> reply(x, key.isEmpty() ? 200 : 404, null);
                case "DELETE" -> reply(x, 204, null);
                case "PUT" -> reply(x, 200, null);
                case "GET" -> reply(x, 200, query.contains("uploads")
                        ? "<ListMultipartUploadsResult" + NS + "><Bucket>" + bucket + "</Bucket><IsTruncated>false</IsTruncated>"
                                + "</ListMultipartUploadsResult>"
                        : "<ListBucketResult" + NS + "><Name>" + bucket + "</Name><KeyCount>0</KeyCount>"
                                + "<IsTruncated>false</IsTruncated></ListBucketResult>");
                case "POST" -> reply(x, 200, query.contains("uploadId")
                        ? "<CompleteMultipartUploadResult" + NS + "><Bucket>" + bucket + "</Bucket><Key>" + key
                                + "</Key><ETag>\"d41d8cd98f00b204e9800998ecf8427e-2\"</ETag></CompleteMultipartUploadResult>"
                        : "<InitiateMultipartUploadResult" + NS + "><Bucket>" + bucket + "</Bucket><Key>" + key
                                + "</Key><UploadId>training</UploadId></InitiateMultipartUploadResult>");
                default -> reply(x, 405, null);
            }
        }
    }

    private static void reply(HttpExchange x, int status, String xml) throws IOException {
        if (xml == null) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        byte[] b = (XML + xml).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/xml");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
