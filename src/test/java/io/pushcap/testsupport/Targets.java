package io.pushcap.testsupport;

import io.pushcap.config.FileNameFormat;
import io.pushcap.config.Mode;
import io.pushcap.config.SplitRule;
import io.pushcap.config.TargetConfig;

import java.util.Map;

/** TargetConfig values for tests, with the fields a sink does not read at their defaults. */
public final class Targets {
    private Targets() {
    }

    public static TargetConfig target(String desc, Mode mode, String path, Map<String, String> options, double maxMbps) {
        return new TargetConfig(desc, mode, path, SplitRule.time(60_000_000_000L), "", FileNameFormat.EPOCH_SEC_STARTEND,
                null, true, false, null, null, ".pcap", false, false, -1, false, null, null, null, 0, maxMbps, options,
                "test.lua", 1);
    }

    public static TargetConfig target(String desc, Mode mode, String path) {
        return target(desc, mode, path, Map.of(), 0);
    }
}
