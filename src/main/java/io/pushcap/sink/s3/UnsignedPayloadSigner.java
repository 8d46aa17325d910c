package io.pushcap.sink.s3;

import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

import java.util.concurrent.CompletableFuture;

/**
 * SigV4 with {@code UNSIGNED-PAYLOAD} on plain-http endpoints, as rclone and the AWS SDKs do on
 * https. The SDK's signer always hashes the body over http, which makes both ends SHA-256 every
 * byte and makes servers such as S3Proxy buffer each request body in memory to verify it: several
 * times slower on a local object store. Integrity of the body then rests on the
 * {@code Content-MD5} that {@link S3Split} sends with every part and object (checked by the
 * server), as with rclone; the headers, path and credentials stay signed.
 *
 * <p>The request is presented to the SDK's own signer as https (the protocol is not part of the
 * canonical request, so the signature is the same) with payload signing off, then sent as http.
 * Ports 80 and 443 are signed normally, since their Host header depends on the scheme.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class UnsignedPayloadSigner implements HttpSigner<AwsCredentialsIdentity> {
    private final AwsV4HttpSigner delegate = AwsV4HttpSigner.create();

    /** The SigV4 auth scheme with this signer, for {@code S3ClientBuilder.putAuthScheme}. */
    static AuthScheme<AwsCredentialsIdentity> scheme() {
        UnsignedPayloadSigner signer = new UnsignedPayloadSigner();
        return new AuthScheme<>() {
            @Override
            public String schemeId() {
                return AwsV4AuthScheme.SCHEME_ID;
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return providers.identityProvider(AwsCredentialsIdentity.class);
            }

            @Override
            public HttpSigner<AwsCredentialsIdentity> signer() {
                return signer;
            }
        };
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        SdkHttpRequest http = request.request();
        int port = http.port();
        if (!"http".equals(http.protocol()) || port == 80 || port == 443 || port < 0) {
            return delegate.sign(request);
        }
        SignRequest<? extends AwsCredentialsIdentity> asHttps = request.copy(b -> b
                .request(http.toBuilder().protocol("https").build())
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false));
        SignedRequest signed = delegate.sign(asHttps);
        return signed.copy(b -> b.request(signed.request().toBuilder().protocol("http").build()));
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return delegate.signAsync(request); // the sink's client is synchronous
    }
}
