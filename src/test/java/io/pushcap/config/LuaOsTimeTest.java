package io.pushcap.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GNU date(1) is the judge: it formats with glibc's strftime in the same zone as the JVM. */
class LuaOsTimeTest {
    private static final long[] TIMES = {0L, 1_621_849_863L, 1_654_805_234L, 1_703_980_799L, 1_704_067_200L, 951_782_400L};

    private static String lua(String expression) {
        // Not "return f(...)": LuaJ runs tail calls outside the chunk, so errors would lose their line.
        String script = "local v = " + expression + "\nreturn v";
        return new LuaSandbox().run("t.lua", script.getBytes(StandardCharsets.UTF_8)).tojstring();
    }

    private static String gnuDate(long epoch, String format, boolean utc) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(utc ? new String[] {"date", "-u", "-d", "@" + epoch, "+" + format}
                : new String[] {"date", "-d", "@" + epoch, "+" + format});
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("TZ", ZoneId.systemDefault().getId());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "date did not finish");
        assertEquals(0, p.exitValue(), out);
        return out.substring(0, out.length() - 1);
    }

    @Test
    void shouldFormatEveryConversionLikeGlibcWhenGivenATime() throws Exception {
        String format = "%a %A %b %B %c|%C %d %D %e %F %g %G %h %H %I %j %m %M %p %r %R %S %T %u %U %V %w %W %x %X %y %Y %z %Z %%";
        for (long t : TIMES) {
            assertEquals(gnuDate(t, format, false), lua("os.date('" + format + "', " + t + ")"), "local time " + t);
            String utcFormat = format.replace(" %Z", "");
            assertEquals(gnuDate(t, utcFormat, true), lua("os.date('!" + utcFormat + "', " + t + ")"), "UTC " + t);
        }
    }

    @Test
    void shouldFollowDaylightSavingWhenTheZoneHasIt() throws Exception {
        TimeZone saved = TimeZone.getDefault();
        String format = "%c %z %Z|%H %p %j";
        // Winter and summer of each zone, and the hour after a spring-forward.
        long[] times = {1_704_067_200L, 1_719_792_000L, 1_711_846_800L, 1_710_054_000L};
        try {
            for (String zone : new String[] {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
                    "America/Sao_Paulo", "Europe/London"}) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                for (long t : times) {
                    assertEquals(gnuDate(t, format, false), lua("os.date('" + format + "', " + t + ")"), zone + " " + t);
                    assertEquals(Long.toString(t), lua("os.time(os.date('*t', " + t + "))"), zone + " " + t);
                }
            }
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void shouldGiveTheOffsetAndZoneWhenAskedForZAndLuajWouldFail() throws Exception {
        long now = Instant.now().getEpochSecond();
        assertEquals(gnuDate(now, "%z %Z", false), lua("os.date('%z %Z', " + now + ")"));
        assertEquals("+0000 GMT", lua("os.date('!%z %Z', " + now + ")"));
    }

    @Test
    void shouldBuildDatedPathsWhenTheSeedUsesOsDate() throws Exception {
        assertEquals("/mnt/remote0/pcap/20210524/all-", lua("os.date('!/mnt/remote0/pcap/%Y%m%d/all-', 1621849863)"));
        String today = lua("os.date('/mnt/remote0/pcap/%Y%m%d/all-')");
        assertTrue(today.matches("/mnt/remote0/pcap/\\d{8}/all-"), today);
    }

    @Test
    void shouldReturnFieldsWhenFormatIsStarT() {
        assertEquals("2021 5 24 9 51 3 2 144 false",
                lua("(function(t) return t.year..' '..t.month..' '..t.day..' '..t.hour..' '..t.min..' '..t.sec..' '"
                        + "..t.wday..' '..t.yday..' '..tostring(t.isdst) end)(os.date('!*t', 1621849863))"));
    }

    @Test
    void shouldRoundTripLocalTimeWhenOsTimeGetsATable() {
        for (long t : TIMES) {
            assertEquals(Long.toString(t), lua("os.time(os.date('*t', " + t + "))"));
        }
        long now = Long.parseLong(lua("os.time()"));
        assertTrue(Math.abs(now - Instant.now().getEpochSecond()) < 60, "os.time() " + now);
    }

    @Test
    void shouldNormaliseFieldsWhenOsTimeGetsOutOfRangeValues() {
        assertEquals("2021 3 1", lua("(function() local t = {year = 2021, month = 2, day = 29} os.time(t)"
                + " return t.year .. ' ' .. t.month .. ' ' .. t.day end)()"));
    }

    @Test
    void shouldRaiseLuasErrorWhenConversionIsUnknown() {
        assertEquals("t.lua:1: bad argument #1 to 'date' (invalid conversion specifier '%Q')",
                assertThrows(ConfigException.class, () -> lua("os.date('%Q')")).getMessage());
        assertEquals("t.lua:1: field 'day' missing in date table",
                assertThrows(ConfigException.class, () -> lua("os.time({year = 2021, month = 1})")).getMessage());
    }
}
