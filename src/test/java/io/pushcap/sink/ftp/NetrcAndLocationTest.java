package io.pushcap.sink.ftp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetrcAndLocationTest {

    @Test
    void shouldFindMachineThenDefaultWhenNetrcHasBoth() {
        Netrc n = Netrc.parse("""
                # comment
                machine ftp.example.com login alice password s3cret
                macdef init
                cd /tmp

                machine other login bob
                  password pw2 account acct
                default login anonymous password me@
                """);
        assertEquals("alice", n.find("FTP.example.com").orElseThrow().login());
        assertEquals("s3cret", n.find("ftp.example.com").orElseThrow().password());
        assertEquals("pw2", n.find("other").orElseThrow().password());
        assertEquals("anonymous", n.find("unknown").orElseThrow().login());
        assertFalse(n.find("x").orElseThrow().toString().contains("me@"));
        assertTrue(Netrc.parse("machine a login b password c").find("z").isEmpty());
    }

    @Test
    void shouldParseUserPasswordPortAndPathWhenUrlHasThem() {
        FtpLocation l = FtpLocation.parse("ftp://u%40x:p%3Aw@192.168.1.100:2121/device-prefix/a_20250101.pcap");
        assertEquals("u@x", l.user());
        assertEquals("p:w", l.password());
        assertEquals("192.168.1.100", l.host());
        assertEquals(2121, l.port());
        assertEquals("device-prefix", l.directory());
        assertEquals("a_20250101.pcap", l.fileName());
        assertFalse(l.toString().contains("p:w"), l.toString());
        FtpLocation anon = FtpLocation.parse("ftp://192.168.1.100/device-prefix");
        assertNull(anon.user());
        assertEquals(21, anon.port());
        assertEquals("/abs/x", FtpLocation.parse("ftp://h//abs/x").path());
    }

    @Test
    void shouldDropOnlyThePasswordWhenUrlIsShownWithoutSecret() {
        assertThat(FtpLocation.withoutPassword("ftp://u:p%40ss%3Aw%2Frd@10.0.0.1:2121/dir/x_"))
                .isEqualTo("ftp://u@10.0.0.1:2121/dir/x_");
        assertThat(FtpLocation.withoutPassword("ftp://u@h/d/")).isEqualTo("ftp://u@h/d/");
        assertThat(FtpLocation.withoutPassword("ftp://h/d/")).isEqualTo("ftp://h/d/");
        assertThat(FtpLocation.withoutPassword("/mnt/a:b@c/x")).isEqualTo("/mnt/a:b@c/x");
        assertThat(FtpLocation.withoutPassword("remote:dir/p@x")).isEqualTo("remote:dir/p@x");
    }

    @Test
    void shouldRefuseWhenUrlIsNotFtpOrHasNoHost() {
        assertThrows(IllegalArgumentException.class, () -> FtpLocation.parse("sftp://h/x"));
        assertThrows(IllegalArgumentException.class, () -> FtpLocation.parse("ftp:///x"));
        assertEquals("ftp://u:***@h/x", FtpSink.redact("ftp://u:secret@h/x"));
    }
}
