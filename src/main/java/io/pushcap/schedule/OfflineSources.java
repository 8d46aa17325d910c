package io.pushcap.schedule;

import io.pushcap.PushcapException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The sources a one-shot run pushes ({@code Offline} of a schedule), for one fire time:
 * {@code ${DAY}} in a source becomes the day that ended before the fire ({@code yyyyMMdd}, the
 * service's time zone: a run at 00:05 pushes the previous day), {@code ${FIRE}} the fire time in
 * epoch seconds; the word {@code day} alone stands for the capture store's captures of that day.
 *
 * <p>{@code day} becomes {@code push --day yyyy-MM-dd}: every capture of the store that holds
 * packets of that day, limited to that day's packets (the store's index picks the chunks).
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class OfflineSources {
    public static final String DAY = "day";
    private static final DateTimeFormatter YMD = DateTimeFormatter.BASIC_ISO_DATE;

    private OfflineSources() {
    }

    /** What is wrong with a schedule's Offline list, or null. */
    public static String problem(List<String> offline) {
        return null;
    }

    /** The day a run due at {@code fire} pushes when Offline holds {@code day}, as yyyy-MM-dd; else null. */
    public static String day(List<String> offline, Instant fire, ZoneId zone) {
        return offline.contains(DAY) ? fire.atZone(zone).toLocalDate().minusDays(1).toString() : null;
    }

    /** The sources for a run due at {@code fire}. */
    public static List<String> expand(List<String> offline, Instant fire, ZoneId zone) {
        LocalDate day = fire.atZone(zone).toLocalDate().minusDays(1);
        List<String> out = new ArrayList<>();
        for (String s : offline) {
            if (!s.equals(DAY)) {
                out.add(s.replace("${DAY}", day.format(YMD)).replace("${FIRE}", Long.toString(fire.getEpochSecond())));
            }
        }
        return out;
    }

}
