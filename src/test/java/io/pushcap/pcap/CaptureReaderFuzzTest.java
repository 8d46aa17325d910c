package io.pushcap.pcap;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Feeds arbitrary bytes to the pcap and pcapng readers, mapped and streamed: they may end or
 * raise {@link CorruptCaptureException}, nothing else (no other exception, no hang, no OOM).
 * Regression mode replays src/test/resources/io/pushcap/pcap/CaptureReaderFuzzTestInputs in the
 * normal suite; {@code JAZZER_FUZZ=1 mvn test -Dtest=CaptureReaderFuzzTest} fuzzes.
 */
class CaptureReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void shouldEndOrRefuseWhenInputIsArbitrary(byte[] input) throws IOException {
        drain(CaptureFilesHolder.mapped(input));
        drain(CaptureFilesHolder.streamed(input));
    }

    private static void drain(Opener opener) throws IOException {
        CaptureReader r;
        try {
            r = opener.open();
        } catch (CorruptCaptureException expected) {
            return;
        }
        try (r) {
            Packet p = new Packet();
            long n = 0;
            while (r.next(p)) {
                if (p.caplen() < 0 || p.offset() < 0 || p.offset() + p.caplen() > p.segment().byteSize()) {
                    throw new AssertionError("packet view out of bounds: " + p);
                }
                p.toByteArray();
                if (++n > 10_000_000) {
                    throw new AssertionError("reader does not terminate");
                }
            }
        } catch (CorruptCaptureException expected) {
            // a clear refusal is a correct outcome
        }
    }

    private interface Opener {
        CaptureReader open() throws IOException;
    }

    private static final class CaptureFilesHolder {
        static Opener mapped(byte[] b) {
            return () -> CaptureFiles.open("fuzz", b);
        }

        static Opener streamed(byte[] b) {
            return () -> CaptureFiles.open("fuzz", new PcapReaderTest.Trickle(new ByteArrayInputStream(b), 7));
        }
    }
}
