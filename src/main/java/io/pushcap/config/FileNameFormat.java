package io.pushcap.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The appliance's filename encoders, with their exact option spellings. */
public enum FileNameFormat {
    /** {@code <Path><start>-<end><suffix>}: epoch seconds of the split interval. */
    EPOCH_SEC_STARTEND("--filename-epoch-sec-startend"),
    /** {@code <Path><start><suffix>}: epoch seconds of the split start. */
    EPOCH_SEC("--filename-epoch-sec"),
    /** {@code <Path>_YYYYMMDD_HHMM<suffix>} (UTC). */
    TSTR_HHMM("--filename-tstr-HHMM"),
    /** {@code <Path>_YYYYMMDD_HHMMSS<suffix>} (UTC). */
    TSTR_HHMMSS("--filename-tstr-HHMMSS"),
    /** {@code <Path>_YYYYMMDD_HHMMSS<+hhmm><suffix>} in the host's local time zone. */
    TSTR_HHMMSS_TZ("--filename-tstr-HHMMSS_TZ"),
    /** {@code <Path>_YYYYMMDD_HHMMSS.nnnnnnnnn<suffix>} (UTC, sub-second). */
    TSTR_HHMMSS_SUB("--filename-tstr-HHMMSS_SUB");

    private final String option;

    FileNameFormat(String option) {
        this.option = option;
    }

    public String option() {
        return option;
    }

    public static FileNameFormat parse(String s) {
        String t = s.trim();
        for (FileNameFormat f : values()) {
            if (f.option.equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + s + "' (expected one of " + valid() + ")");
    }

    public static String valid() {
        return Arrays.stream(values()).map(FileNameFormat::option).collect(Collectors.joining(", "));
    }
}
