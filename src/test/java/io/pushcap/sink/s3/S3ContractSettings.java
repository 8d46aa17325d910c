package io.pushcap.sink.s3;

import io.pushcap.testsupport.S3ProxyServer;

import java.util.Map;

/** Test settings: the server's endpoint, 5 MiB parts, 2 in flight, the server's credentials. */
final class S3ContractSettings {
    private S3ContractSettings() {
    }

    static S3Settings of(S3ProxyServer s) {
        return S3Settings.fromOptions(Map.of("Endpoint", s.endpoint().toString(), "PartSizeMiB", "5",
                "PartsInFlight", "2"), Map.of()).withCredentials(s.credentials());
    }
}
