package io.pushcap.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a server's main class (S3Proxy, Kafka) in a JVM that ends when the test JVM that started
 * it ends, however it ends: {@code main} reads its stdin, a pipe from the parent, on a thread of
 * its own and halts the JVM at end of file, which the kernel gives when the parent exits (a
 * SIGKILL of the test JVM included, where its shutdown hooks never run). Before, a test JVM killed
 * by a timeout or by hand left its Kafka broker and S3Proxy running, holding ports and memory.
 *
 * <p>{@link #command} builds the child's command line. The class runs from a directory holding
 * only its own class file, so nothing else of the tests' class path (resources, classes) reaches
 * the server.
 *
 * <p><b>Note:</b> the caller must keep the child's stdin open and never write to it: closing it
 * ends the server.
 */
public final class ParentWatch {
    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        Thread watch = new Thread(ParentWatch::awaitParentExit, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        Class.forName(args[0]).getMethod("main", String[].class)
                .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void awaitParentExit() {
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // nothing is ever written; end of file is the parent's exit
            }
        } catch (IOException e) {
            // the pipe broke: the parent is gone as well
        }
        Runtime.getRuntime().halt(143);
    }

    /**
     * {@code java JVM_OPTIONS -cp CLASSPATH:<this class's directory> ParentWatch MAIN ARGS...}.
     *
     * @param classpath the server's class path (a jar, or a list)
     */
    public static List<String> command(List<String> jvmOptions, String classpath, String main, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath + java.io.File.pathSeparator + classDirectory());
        cmd.add(ParentWatch.class.getName());
        cmd.add(main);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * {@code target/test-tools/parentwatch}, holding only this class file. Written through a
     * temporary file and a rename, since test JVMs (surefire's and failsafe's) may write it at once.
     */
    private static Path classDirectory() throws IOException {
        Path dir = Path.of(System.getProperty("pushcap.testTools", "target/test-tools"), "parentwatch").toAbsolutePath();
        Path file = dir.resolve(ParentWatch.class.getName().replace('.', '/') + ".class");
        byte[] bytes;
        try (InputStream in = ParentWatch.class.getResourceAsStream("ParentWatch.class")) {
            bytes = in.readAllBytes();
        }
        if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), bytes)) {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "ParentWatch", ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return dir;
    }
}
