package io.pushcap.pcap;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;

/**
 * Arbitrary bytes as a pcapng file, read mapped and streamed ({@link ReaderFuzzing} lists the
 * invariants). The input always starts with the Section Header Block type, so every execution
 * gets past format detection into the block parser. Regression mode replays
 * {@code src/test/resources/io/pushcap/pcap/PcapngReaderFuzzTestInputs/fuzzPcapngReader/};
 * fuzz mode: {@code JAZZER_FUZZ=1 mvn test -Dtest=PcapngReaderFuzzTest} or {@code bench/fuzz.sh pcapng}.
 */
class PcapngReaderFuzzTest {
    private static final byte[] SHB_TYPE = {0x0a, 0x0d, 0x0d, 0x0a};

    @FuzzTest(maxDuration = "60s")
    void fuzzPcapngReader(byte[] input) throws IOException {
        byte[] file = input;
        if (input.length < 4 || input[0] != SHB_TYPE[0] || input[1] != SHB_TYPE[1] || input[2] != SHB_TYPE[2]
                || input[3] != SHB_TYPE[3]) {
            file = new byte[input.length + 4];
            System.arraycopy(SHB_TYPE, 0, file, 0, 4);
            System.arraycopy(input, 0, file, 4, input.length);
        }
        ReaderFuzzing.check(file, PcapngReader::new);
    }
}
