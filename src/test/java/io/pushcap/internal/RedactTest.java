package io.pushcap.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RedactTest {

    @Test
    void shouldHidePasswordButKeepUserWhenUrlHasUserinfo() {
        assertThat(Redact.text("Endpoint: 'http://minio:s3cr3t@127.0.0.1:9000' (expected http(s)://HOST[:PORT])"))
                .isEqualTo("Endpoint: 'http://minio:***@127.0.0.1:9000' (expected http(s)://HOST[:PORT])");
        assertThat(Redact.text("ftp://u:p%40ss@ftp.example/dir/f.pcap and sftp://tok3n@h/x"))
                .isEqualTo("ftp://u:***@ftp.example/dir/f.pcap and sftp://***@h/x");
    }

    @Test
    void shouldLeaveUrlsWithoutUserinfoWhenNothingIsSecret() {
        String s = "s3://bucket/prefix/a@b.pcap to http://127.0.0.1:9000/x?partNumber=2&uploadId=abc";
        assertThat(Redact.text(s)).isEqualTo(s);
    }

    @Test
    void shouldHideSignaturesWhenQueryStringIsPresigned() {
        assertThat(Redact.text("GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAABCDEFGHIJKLMNOP%2F2025&X-Amz-Signature=f00d&X-Amz-Date=1"))
                .isEqualTo("GET https://b.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Date=1");
    }

    @Test
    void shouldHideValuesWhenKeysNameSecrets() {
        assertThat(Redact.text("{AccessKey=AK1, SecretKey=sk2, Region=eu-west-1}"))
                .isEqualTo("{AccessKey=***, SecretKey=***, Region=eu-west-1}");
        assertThat(Redact.text("remote :s3,access_key_id=AK1,secret_access_key=sk2:bucket/p"))
                .isEqualTo("remote :s3,access_key_id=***,secret_access_key=***:bucket/p");
        assertThat(Redact.text("SecretKey = \"sk2\", password='hunter2' pass=x pwd: 'y'"))
                .isEqualTo("SecretKey = \"***\", password='***' pass=*** pwd: '***'");
        assertThat(Redact.text("target 's3': SecretKey: unknown key")).isEqualTo("target 's3': SecretKey: unknown key");
        assertThat(Redact.text("{\"password\":\"hunter2\",\"path\":\"out/a\"}"))
                .isEqualTo("{\"password\":\"***\",\"path\":\"out/a\"}");
    }

    @Test
    void shouldHideAwsKeyIdsWhenTheyStandAlone() {
        assertThat(Redact.text("credentials AKIAIOSFODNN7EXAMPLE rejected")).isEqualTo("credentials AKIA*** rejected");
    }

    @Test
    void shouldKeepOrdinaryMessagesWhenNothingIsSecret() {
        String hint = "Path: 'x': expected ftp://[user[:password]@]host[:port]/prefix";
        assertThat(Redact.text(hint)).isEqualTo(hint);
        String s = "etc/p.lua:3: target 'a': Split: '--split-tim 60e9' (expected --split-time NS); killed by signal 9";
        assertThat(Redact.text(s)).isEqualTo(s);
        assertThat(Redact.text(null)).isNull();
    }

    @Test
    void shouldRedactOptionValuesWhenMapHasSecrets() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Endpoint", "http://u:pw@h:9000");
        m.put("SecretKey", "abc def");
        m.put("Region", "x");
        assertThat(Redact.options(m)).containsEntry("Endpoint", "http://u:***@h:9000").containsEntry("SecretKey", "***")
                .containsEntry("Region", "x").hasSize(3);
    }

    @Test
    void shouldRedactEachLineWhenWrittenThroughStream() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream s = Redact.lines(new PrintStream(b, true, StandardCharsets.UTF_8));
        s.print("to http://u:");
        s.print("pw@h/x\r");
        s.println("done password=p");
        assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo("to http://u:***@h/x\rdone password=***" + System.lineSeparator());
    }
}
