package io.pushcap.sink.s3.http;

import io.pushcap.sink.s3.http.ScriptedHttpServer.Reply;
import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.SelfSignedCert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The S3 transport against a loopback server that sends exactly the bytes each case needs and
 * records exactly what the client sent. The same transport's runs against S3Proxy are the S3 sink
 * tests ({@code S3SinkContractTest}, {@code S3BodyIntegrityTest}, {@code S3SinkFaultTest}).
 */
class HttpTransportTest {
    private static final String HELLO = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

    @TempDir
    Path dir;

    private static HttpTransport transport() {
        return new HttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(60),
                (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    private static HttpExecuteRequest request(SdkHttpMethod m, String protocol, int port, String path,
                                              Map<String, String> headers, byte[] body) {
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().method(m).protocol(protocol).host("127.0.0.1")
                .port(port).encodedPath(path);
        headers.forEach(b::putHeader);
        HttpExecuteRequest.Builder x = HttpExecuteRequest.builder().request(b.build());
        if (body != null) {
            x.contentStreamProvider(ContentStreamProvider.fromByteArray(body));
        }
        return x.build();
    }

    private static String get(HttpTransport t, int port) throws IOException {
        HttpExecuteResponse r = t.prepareRequest(request(SdkHttpMethod.GET, "http", port, "/b/k", Map.of(), null)).call();
        return r.httpResponse().statusCode() + " " + body(r);
    }

    private static String body(HttpExecuteResponse r) throws IOException {
        try (InputStream in = r.responseBody().orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void shouldReuseOneConnectionWhenEachResponseIsReadToItsEnd() throws Exception {
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.of(HELLO)); HttpTransport t = transport()) {
            SdkHttpFullRequest req = SdkHttpFullRequest.builder().method(SdkHttpMethod.GET).protocol("http")
                    .host("127.0.0.1").port(s.port()).encodedPath("/b/k%20x").putRawQueryParameter("partNumber", "3")
                    .build();
            HttpExecuteResponse r = t.prepareRequest(HttpExecuteRequest.builder().request(req).build()).call();
            assertThat(body(r)).isEqualTo("hello");
            assertThat(get(t, s.port())).isEqualTo("200 hello");
            assertThat(get(t, s.port())).isEqualTo("200 hello");
            assertThat(s.connections()).isEqualTo(1);
            assertThat(s.requests()).hasSize(3);
            assertThat(s.requests().get(0).target()).isEqualTo("/b/k%20x?partNumber=3");
            assertThat(s.requests().get(0).header("Host")).isEqualTo("127.0.0.1:" + s.port());
        }
    }

    @Test
    void shouldSendTheBodyByteExactWithItsLengthOrChunkedWithout() throws Exception {
        byte[] body = new byte[(1 << 20) + 7];
        new Random(3).nextBytes(body);
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.of(HELLO)); HttpTransport t = transport()) {
            t.prepareRequest(request(SdkHttpMethod.PUT, "http", s.port(), "/b/k",
                    Map.of("Content-Length", String.valueOf(body.length)), body)).call().responseBody().orElseThrow().close();
            t.prepareRequest(request(SdkHttpMethod.PUT, "http", s.port(), "/b/k", Map.of(), body)).call()
                    .responseBody().orElseThrow().close();
            assertThat(s.requests().get(0).body()).isEqualTo(body);
            assertThat(s.requests().get(0).header("Transfer-Encoding")).isNull();
            assertThat(s.requests().get(1).body()).isEqualTo(body);
            assertThat(s.requests().get(1).header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(s.connections()).isEqualTo(1);
        }
    }

    @Test
    void shouldSkipAnInterimResponseAndNotSendExpectWhenTheSdkAsksForIt() throws Exception {
        String reply = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nETag: \"e\"\r\nContent-Length: 2\r\n\r\nok";
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.of(reply)); HttpTransport t = transport()) {
            HttpExecuteResponse r = t.prepareRequest(request(SdkHttpMethod.PUT, "http", s.port(), "/b/k",
                    Map.of("Expect", "100-continue", "Content-Length", "3"), "abc".getBytes())).call();
            assertThat(r.httpResponse().statusCode()).isEqualTo(200);
            assertThat(r.httpResponse().firstMatchingHeader("etag")).contains("\"e\"");
            assertThat(body(r)).isEqualTo("ok");
            assertThat(s.requests().get(0).header("Expect")).isNull();
            assertThat(s.requests().get(0).body()).isEqualTo("abc".getBytes());
        }
    }

    @Test
    void shouldDecodeAChunkedResponseAndKeepTheConnection() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.of(chunked)); HttpTransport t = transport()) {
            assertThat(get(t, s.port())).isEqualTo("200 hello world");
            assertThat(get(t, s.port())).isEqualTo("200 hello world");
            assertThat(s.connections()).isEqualTo(1);
        }
    }

    @Test
    void shouldReadNoBodyWhenTheRequestIsAHead() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.of(r.method().equals("HEAD") ? head : HELLO));
             HttpTransport t = transport()) {
            HttpExecuteResponse r = t.prepareRequest(request(SdkHttpMethod.HEAD, "http", s.port(), "/b", Map.of(), null))
                    .call();
            assertThat(body(r)).isEmpty();
            assertThat(get(t, s.port())).isEqualTo("200 hello");
            assertThat(s.connections()).isEqualTo(1);
        }
    }

    @Test
    void shouldOpenANewConnectionWhenTheServerSaysClose() throws Exception {
        String closing = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello";
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.closing(closing)); HttpTransport t = transport()) {
            assertThat(get(t, s.port())).isEqualTo("200 hello");
            assertThat(get(t, s.port())).isEqualTo("200 hello");
            assertThat(s.connections()).isEqualTo(2);
        }
    }

    @Test
    void shouldSendAgainOnANewConnectionWhenThePooledOneWasDroppedSilently() throws Exception {
        byte[] body = new byte[300_000];
        new Random(5).nextBytes(body);
        // Closes after each response without saying so: the pooled connection is dead when reused.
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.closing(HELLO)); HttpTransport t = transport()) {
            assertThat(get(t, s.port())).isEqualTo("200 hello");
            Await.until("the server to close the first connection", Duration.ofSeconds(10),
                    () -> s.closedConnections() == 1);
            HttpExecuteResponse r = t.prepareRequest(request(SdkHttpMethod.PUT, "http", s.port(), "/b/k",
                    Map.of("Content-Length", String.valueOf(body.length)), body)).call();
            assertThat(body(r)).isEqualTo("hello");
            assertThat(s.connections()).isEqualTo(2);
            assertThat(s.requests().getLast().body()).isEqualTo(body);
        }
    }

    @Test
    void shouldReturnTheServersRefusalWhenItClosesBeforeReadingTheBody() throws Exception {
        String denied = "HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\n\r\ndenied";
        byte[] body = new byte[64 << 20]; // far more than the socket buffers take: the write fails
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.beforeBody(denied)); HttpTransport t = transport()) {
            HttpExecuteResponse r = t.prepareRequest(request(SdkHttpMethod.PUT, "http", s.port(), "/b/k",
                    Map.of("Content-Length", String.valueOf(body.length)), body)).call();
            assertThat(r.httpResponse().statusCode()).isEqualTo(403);
            assertThat(body(r)).isEqualTo("denied");
            assertThat(s.connections()).isEqualTo(1);
        }
    }

    @Test
    void shouldFailNamingTheShortfallWhenTheResponseBodyEndsEarly() throws Exception {
        String cut = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.closing(cut)); HttpTransport t = transport()) {
            HttpExecuteResponse r = t.prepareRequest(request(SdkHttpMethod.GET, "http", s.port(), "/b", Map.of(), null))
                    .call();
            assertThatThrownBy(() -> body(r)).isInstanceOf(EOFException.class)
                    .hasMessageContaining("7 bytes of the response body unread");
        }
    }

    @Test
    void shouldRefuseAHeaderWithALineBreakAndSendNothing() throws Exception {
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.of(HELLO)); HttpTransport t = transport()) {
            ExecutableHttpRequest x = t.prepareRequest(request(SdkHttpMethod.GET, "http", s.port(), "/b",
                    Map.of("X-Meta", "a\r\nX-Injected: 1"), null));
            assertThatThrownBy(x::call).isInstanceOf(IOException.class).hasMessageContaining("X-Meta")
                    .hasMessageContaining("line break");
            assertThat(get(t, s.port())).isEqualTo("200 hello");
            assertThat(s.requests()).hasSize(1);
            assertThat(s.requests().getFirst().header("X-Injected")).isNull();
        }
    }

    @Test
    void shouldFailWhenTheBodyIsShorterThanItsContentLength() throws Exception {
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.of(HELLO)); HttpTransport t = transport()) {
            ExecutableHttpRequest x = t.prepareRequest(request(SdkHttpMethod.PUT, "http", s.port(), "/b/k",
                    Map.of("Content-Length", "10"), "abc".getBytes()));
            assertThatThrownBy(x::call).isInstanceOf(IOException.class)
                    .hasMessageContaining("ended after 3 of its Content-Length 10 bytes");
        }
    }

    @Test
    void shouldReturnAtOnceWhenAbortedWhileTheServerIsSilent() throws Exception {
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.silence()); HttpTransport t = transport()) {
            ExecutableHttpRequest x = t.prepareRequest(request(SdkHttpMethod.GET, "http", s.port(), "/b", Map.of(), null));
            CompletableFuture<HttpExecuteResponse> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return x.call();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Await.until("the request at the server", Duration.ofSeconds(10), () -> s.requests().size() == 1);
            x.abort();
            assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class);
        }
    }

    @Test
    void shouldFailNamingTheEndpointWhenNothingListens() throws Exception {
        int port;
        try (ScriptedHttpServer s = ScriptedHttpServer.start(r -> Reply.of(HELLO))) {
            port = s.port();
        }
        try (HttpTransport t = transport()) {
            assertThatThrownBy(() -> get(t, port)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot connect to http://127.0.0.1:" + port);
        }
    }

    @Test
    void shouldTalkTlsWhenTheCertificateIsTrustedAndNamesTheHost() throws Exception {
        SelfSignedCert cert = SelfSignedCert.create(dir, "loopback", "ip:127.0.0.1");
        SSLContext client = cert.trustingContext();
        try (ScriptedHttpServer s = ScriptedHttpServer.start(cert.serverContext().getServerSocketFactory(),
                r -> Reply.of(HELLO));
             HttpTransport t = new HttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(60), client.getSocketFactory())) {
            byte[] body = new byte[(1 << 20) + 3];
            new Random(9).nextBytes(body);
            HttpExecuteResponse r = t.prepareRequest(request(SdkHttpMethod.PUT, "https", s.port(), "/b/k",
                    Map.of("Content-Length", String.valueOf(body.length)), body)).call();
            assertThat(body(r)).isEqualTo("hello");
            assertThat(s.requests().getFirst().body()).isEqualTo(body);
        }
    }

    @Test
    void shouldRefuseTlsWhenTheCertificateNamesAnotherHost() throws Exception {
        SelfSignedCert cert = SelfSignedCert.create(dir, "other", "dns:other.example");
        try (ScriptedHttpServer s = ScriptedHttpServer.start(cert.serverContext().getServerSocketFactory(),
                r -> Reply.of(HELLO));
             HttpTransport t = new HttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(60),
                     cert.trustingContext().getSocketFactory())) {
            ExecutableHttpRequest x = t.prepareRequest(request(SdkHttpMethod.GET, "https", s.port(), "/b", Map.of(), null));
            assertThatThrownBy(x::call).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot connect to https://127.0.0.1:" + s.port())
                    .hasMessageContaining("127.0.0.1");
            assertThat(s.requests()).isEmpty();
        }
    }

    @Test
    void shouldRefuseTlsWhenTheCertificateIsNotTrusted() throws Exception {
        SelfSignedCert cert = SelfSignedCert.create(dir, "loopback", "ip:127.0.0.1");
        try (ScriptedHttpServer s = ScriptedHttpServer.start(cert.serverContext().getServerSocketFactory(),
                r -> Reply.of(HELLO));
             HttpTransport t = HttpTransport.create(Duration.ofSeconds(5), Duration.ofSeconds(60))) {
            ExecutableHttpRequest x = t.prepareRequest(request(SdkHttpMethod.GET, "https", s.port(), "/b", Map.of(), null));
            assertThatThrownBy(x::call).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot connect to https://127.0.0.1:" + s.port())
                    .hasMessageContaining("PKIX");
            assertThat(s.requests()).isEmpty();
        }
    }
}
