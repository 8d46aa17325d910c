package io.pushcap.capture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code pushcap} commands (or any main class) in a new JVM with the test classpath. */
public final class JavaProcess {
    private JavaProcess() {
    }

    /** The command line for {@code main} with {@code args}, after {@code prefix} (e.g. ip netns exec NS). */
    public static List<String> command(List<String> prefix, String main, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code pushcap args} with stdout to {@code out} (or inherited when null) and stderr to {@code err}. */
    public static Process pushcap(List<String> prefix, Path out, Path err, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(prefix, "io.pushcap.cli.Main", args));
        pb.redirectOutput(out == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(out.toFile()));
        pb.redirectError(err == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.to(err.toFile()));
        return pb.start();
    }
}
