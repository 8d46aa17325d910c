package io.pushcap.pcap;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;

/**
 * Arbitrary bytes as a classic pcap file, read mapped and streamed ({@link ReaderFuzzing} lists
 * the invariants). Regression mode (the normal suite) replays
 * {@code src/test/resources/io/pushcap/pcap/PcapReaderFuzzTestInputs/fuzzPcapReader/}; fuzz mode:
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=PcapReaderFuzzTest} or {@code bench/fuzz.sh pcap}.
 */
class PcapReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void fuzzPcapReader(byte[] input) throws IOException {
        ReaderFuzzing.check(input, PcapReader::new);
    }
}
