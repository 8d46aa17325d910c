package io.pushcap.synth;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests of other packages count records without their own reader loop. */
public final class TrafficGeneratorTestAccess {
    private TrafficGeneratorTestAccess() {
    }

    public static long count(Path f) throws IOException {
        return TrafficGeneratorTest.records(f).size();
    }
}
