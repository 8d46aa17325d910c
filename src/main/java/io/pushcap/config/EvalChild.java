package io.pushcap.config;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The child side of {@link ChildEvaluator}: {@code java -Xmx... io.pushcap.config.EvalChild LIMIT
 * SECONDS} reads the script's name ({@link java.io.DataOutput#writeUTF}) and then the script on stdin, runs it in a {@link LuaSandbox} and writes framed records
 * on stdout: {@code P} (what the script printed, as it prints), then {@code R} (the result, see
 * {@link LuaValueCodec}) or {@code E} (the problems of a {@link ConfigException}).
 *
 * <p><b>Note:</b> one evaluation per process. A watchdog thread ends the process (exit 4) when its
 * own wall budget is spent or its parent is gone, so an orphaned child never spins on; running out
 * of heap ends it with exit 3 ({@code -XX:+ExitOnOutOfMemoryError}, and caught here as well).
 */
public final class EvalChild {
    static final int EXIT_OUT_OF_MEMORY = 3;
    static final int EXIT_WATCHDOG = 4;

    private EvalChild() {
    }

    public static void main(String[] args) throws IOException {
        long limit = Long.parseLong(args[0]);
        long seconds = Long.parseLong(args[1]);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        // The name comes on stdin, before the script, so that a child can start before either is
        // known (ChildEvaluator.prestart). A parent that exits without sending closes the pipe: EOF.
        DataInputStream in = new DataInputStream(System.in);
        String name;
        try {
            name = in.readUTF();
        } catch (EOFException e) {
            Runtime.getRuntime().halt(0);
            return;
        }
        // The budget counts from the script's arrival, not from this JVM's start: a pre-started
        // child may wait for its script while the parent parses its command line.
        watchdog(seconds);
        byte[] source = in.readAllBytes();
        PrintStream print = new PrintStream(new FrameStream(out), true, StandardCharsets.UTF_8);
        try {
            EvaluatedScript script = new LuaSandbox(limit, print).evaluate(name, source);
            print.flush();
            ByteArrayOutputStream result = new ByteArrayOutputStream();
            LuaValueCodec.write(new DataOutputStream(result), script);
            frame(out, 'R', result.toByteArray());
        } catch (ConfigException e) {
            problems(out, e.problems());
        } catch (LuaValueCodec.Unencodable e) {
            problems(out, List.of(name + ": " + e.getMessage()));
        } catch (OutOfMemoryError e) {
            Runtime.getRuntime().halt(EXIT_OUT_OF_MEMORY);
        }
        out.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void problems(DataOutputStream out, List<String> problems) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(problems.size());
        for (String p : problems) {
            byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
            d.writeInt(bytes.length);
            d.write(bytes);
        }
        frame(out, 'E', b.toByteArray());
    }

    static void frame(DataOutputStream out, int tag, byte[] body) throws IOException {
        synchronized (out) {
            out.writeByte(tag);
            out.writeInt(body.length);
            out.write(body);
            out.flush();
        }
    }

    private static void watchdog(long seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread t = new Thread(() -> {
            while (System.nanoTime() < deadline && (parent == null || parent.isAlive())) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(EXIT_WATCHDOG);
        }, "eval-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** What the script prints, sent to the parent as P frames as it is written. */
    private static final class FrameStream extends OutputStream {
        private final DataOutputStream out;

        FrameStream(DataOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] copy = new byte[len];
            System.arraycopy(b, off, copy, 0, len);
            frame(out, 'P', copy);
        }
    }
}
