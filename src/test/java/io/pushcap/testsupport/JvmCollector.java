package io.pushcap.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which garbage collector a JVM reports it uses ({@code -Xlog:gc} prints "Using ..."). */
public final class JvmCollector {
    private static final Pattern USING = Pattern.compile("Using [A-Za-z0-9 ]+");

    private JvmCollector() {
    }

    /** The "Using X" line in a JVM's output with -Xlog:gc, or null. */
    public static String reported(String output) {
        Matcher m = USING.matcher(output);
        return m.find() ? m.group().strip() : null;
    }

    /** What this JDK picks on this machine with no collector flag ("Using G1" on 2+ CPUs and 2+ GB). */
    public static String ownChoice() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xlog:gc",
                "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || reported(out) == null) {
            throw new AssertionError("java -Xlog:gc -version printed:\n" + out);
        }
        return reported(out);
    }
}
