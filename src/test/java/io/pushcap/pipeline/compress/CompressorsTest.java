package io.pushcap.pipeline.compress;

import io.pushcap.PushcapException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressorsTest {

    @Test
    void shouldParseLevelAndWorkersWhenZstdSpecHasBoth() {
        ZstdCompressor z = assertInstanceOf(ZstdCompressor.class, Compressors.parse("zstd:1:2"));
        assertEquals(1, z.level());
        assertEquals(2, z.workers());
        assertEquals(".zst", z.defaultSuffix());
        assertEquals("zstd:1:2", z.name());
    }

    @Test
    void shouldGiveZstdOneWorkerWhenSpecHasNoWorkersAndMachineHasSeveralCpus() {
        int expected = Runtime.getRuntime().availableProcessors() > 1 ? 1 : 0;
        for (String spec : new String[] {"zstd", "zstd:1", "zstd:1:auto", "ZSTD:3:AUTO"}) {
            assertEquals(expected, ((ZstdCompressor) Compressors.parse(spec)).workers(), spec);
            assertEquals(io.pushcap.config.CompressSpec.AUTO_WORKERS, io.pushcap.config.CompressSpec.parse(spec).workers(), spec);
        }
        assertEquals("zstd:1:auto", io.pushcap.config.CompressSpec.parse("zstd:1").toString());
        assertEquals(0, ((ZstdCompressor) Compressors.parse("zstd:1:0")).workers());
        assertEquals("zstd:1:0", io.pushcap.config.CompressSpec.parse("zstd:1:0").toString());
        // The canonical form round-trips, auto included.
        assertEquals(io.pushcap.config.CompressSpec.parse("zstd:1"),
                io.pushcap.config.CompressSpec.parse(io.pushcap.config.CompressSpec.parse("zstd:1").toString()));
    }

    @Test
    void shouldUseDefaultsWhenSpecHasNoLevel() {
        assertEquals(3, ((ZstdCompressor) Compressors.parse("zstd")).level());
        assertEquals(6, ((GzipCompressor) Compressors.parse("GZIP")).level());
        assertEquals(1, ((Lz4Compressor) Compressors.parse("lz4")).level());
        assertEquals(6, ((XzCompressor) Compressors.parse("xz")).preset());
        assertEquals("none", Compressors.parse("none").name());
        assertEquals(".gz", Compressors.parse("gzip:1").defaultSuffix());
        assertEquals(".lz4", Compressors.parse("lz4").defaultSuffix());
        assertEquals(".xz", Compressors.parse("xz:6").defaultSuffix());
        assertEquals("", Compressors.parse("none").defaultSuffix());
    }

    @Test
    void shouldNameSpecAndSyntaxWhenSpecIsMalformed() {
        for (String bad : new String[] {"zstd:x", "gzip:0", "gzip:1:2", "brotli", "lz4:13", "zstd:1:2:3", "xz:10", "gzip:1:auto", "zstd:1:-1", "zstd:1:65"}) {
            PushcapException e = assertThrows(PushcapException.class, () -> Compressors.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("Compress: '" + bad + "' ("), e.getMessage());
            assertTrue(e.getMessage().contains("expected none, gzip"), e.getMessage());
        }
    }

    @Test
    void shouldPointToPipeCmdWhenXzThreadsAreAsked() {
        PushcapException e = assertThrows(PushcapException.class, () -> Compressors.parse("xz:6:2"));
        assertTrue(e.getMessage().contains("xz -T2 -c"), e.getMessage());
    }

    @Test
    void shouldGuessSuffixWhenPipeCmdIsAKnownCompressor() {
        assertEquals(".zst", Compressors.pipe("zstd -c -T8").defaultSuffix());
        assertEquals(".gz", Compressors.pipe(" gzip -c ").defaultSuffix());
        assertEquals("", Compressors.pipe("cat").defaultSuffix());
        assertEquals("pipe:gzip -1 -c", Compressors.pipe("gzip -1 -c").name());
    }

    @Test
    void shouldFailValidationWhenPipeCmdProgramIsMissing() {
        PushcapException e = assertThrows(PushcapException.class, () -> Compressors.pipe("zstdx -c"));
        assertTrue(e.getMessage().startsWith("PipeCmd: 'zstdx -c' (program 'zstdx' not found"), e.getMessage());
    }
}
