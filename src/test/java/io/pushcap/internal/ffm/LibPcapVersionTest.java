package io.pushcap.internal.ffm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

class LibPcapVersionTest {

    @Test
    void shouldReadTheSameVersionFromTheFileAsTheLibraryReturnsWhenLibpcapIsInstalled() {
        Path lib = LibPcapVersion.STANDARD.stream().filter(Files::isRegularFile).findFirst()
                .orElseGet(() -> fail("libpcap.so.0.8 is not installed (apt-get install -y libpcap0.8)"));
        String called = LibPcapVersion.called();
        assertNotNull(called, "pcap_lib_version() through FFM");
        assertEquals(called, LibPcapVersion.fromFile(lib));
        assertEquals(called, LibPcapVersion.text());
        assertEquals(LibPcap.libVersion(), LibPcapVersion.text());
    }

    @Test
    void shouldFindNoVersionWhenTheFileHoldsNoVersionString(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("libfake.so");
        Files.write(f, "\0libpcap version \0xx\0libpcap version of something\0".getBytes(StandardCharsets.US_ASCII));
        assertNull(LibPcapVersion.fromFile(f));
        assertNull(LibPcapVersion.fromFile(dir.resolve("missing.so")));
    }

    @Test
    void shouldFindNoVersionWhenTheFileHoldsTwoDifferentVersionStrings(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("libtwo.so");
        Files.write(f, "\0libpcap version 1.9.1\0\0libpcap version 1.10.3 (with TPACKET_V3)\0".getBytes(StandardCharsets.US_ASCII));
        assertNull(LibPcapVersion.fromFile(f));
        Files.write(f, "junk\0libpcap version 1.10.3 (with TPACKET_V3)\0tail".getBytes(StandardCharsets.US_ASCII));
        assertEquals("libpcap version 1.10.3 (with TPACKET_V3)", LibPcapVersion.fromFile(f));
    }
}
