package io.pushcap.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Evaluates each configuration script in a child JVM ({@link EvalChild}) with a heap of
 * {@link EvalBudget#heapBytes()} and a wall-clock deadline of {@link EvalBudget#wall()}, and reads
 * the result back as data ({@link LuaValueCodec}). Unlike the sandbox's instruction count, this
 * also bounds time and memory spent inside library functions ({@code string.find} with a
 * catastrophic pattern, {@code string.rep} or string concatenation building gigabytes): the child
 * is killed at the deadline, and running out of heap ends the child, not this JVM.
 *
 * <p>What the script prints is copied to this JVM's stderr as it comes; the child's own stderr
 * (JVM messages) is never shown: a failure is reported as one line naming the file and the limit.
 * The result (printed text included) may be at most {@link #MAX_OUTPUT} bytes.
 *
 * <p><b>Note:</b> thread-safe; evaluations may run concurrently, each in its own process.
 * {@link #cancel()} kills running children and refuses later evaluations, for a service that is
 * stopping. Costs one JVM start per evaluation: about 0.11 s with the child's AOT cache
 * ({@link #AOT_CACHE_PROPERTY}), 0.13 s without, on this project's 2-core machine when idle
 * (docs/performance.md, Start-up; more when it is busy).
 */
public final class ChildEvaluator implements ScriptEvaluator {
    /** The most a script may print plus return: a real configuration is a few KB. */
    static final int MAX_OUTPUT = 16 << 20;

    private final EvalBudget budget;
    private final long instructionLimit;
    private final PrintStream printTo;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    public ChildEvaluator(EvalBudget budget) {
        this(budget, LuaSandbox.DEFAULT_INSTRUCTION_LIMIT, System.err);
    }

    ChildEvaluator(EvalBudget budget, long instructionLimit, PrintStream printTo) {
        this.budget = budget;
        this.instructionLimit = instructionLimit;
        this.printTo = printTo;
    }

    public EvalBudget budget() {
        return budget;
    }

    /** Kills every running evaluation and refuses new ones (they fail naming the file). */
    public void cancel() {
        cancelled = true;
        running.forEach(Process::destroyForcibly);
    }

    /** Time the child JVM may take to start before its own watchdog measures the budget. */
    private static final long START_ALLOWANCE_NANOS = TimeUnit.SECONDS.toNanos(20);

    @Override
    public EvaluatedScript evaluate(String name, byte[] source) {
        if (cancelled) {
            throw new ConfigException(name + ": not evaluated: the service is stopping");
        }
        // The child enforces the budget itself from the moment it runs (its watchdog exits with
        // EXIT_WATCHDOG); this deadline is the backstop, with room for a JVM start on a loaded host
        // (seen taking seconds at load 14 on 2 cores), so start-up never counts against the script.
        long deadline = System.nanoTime() + budget.wall().toNanos() + START_ALLOWANCE_NANOS;
        Process spare = takeSpare(budget, instructionLimit);
        Process p = spare != null ? spare : start(name);
        running.add(p);
        try {
            if (cancelled) {
                throw new ConfigException(name + ": not evaluated: the service is stopping");
            }
            Output output = new Output(p, printTo);
            Thread reader = Thread.ofVirtual().name("eval-out").start(output);
            Thread.ofVirtual().name("eval-err").start(() -> drain(p.getErrorStream()));
            try (DataOutputStream in = new DataOutputStream(p.getOutputStream())) {
                in.writeUTF(name);
                in.write(source);
            } catch (IOException e) {
                // The child died before reading its input; its exit status says why.
            }
            boolean exited = waitFor(p, deadline, name);
            if (!exited) {
                p.destroyForcibly();
                if (cancelled) {
                    throw new ConfigException(name + ": not evaluated: the service is stopping");
                }
                if (output.tooLarge) {
                    throw tooLarge(name);
                }
                throw timeLimit(name);
            }
            join(reader, deadline);
            return outcome(name, p.exitValue(), output);
        } finally {
            running.remove(p);
            p.destroyForcibly();
        }
    }

    private EvaluatedScript outcome(String name, int status, Output output) {
        if (cancelled) {
            throw new ConfigException(name + ": not evaluated: the service is stopping");
        }
        if (status == EvalChild.EXIT_OUT_OF_MEMORY) {
            throw new ConfigException(name + ": the script needs more than " + budget.heapText() + " of memory to evaluate"
                    + " (the limit; a huge string.rep or a table that keeps growing?); " + EvalBudget.MEMORY_ENV
                    + " changes the limit");
        }
        if (status == EvalChild.EXIT_WATCHDOG) {
            throw timeLimit(name);
        }
        if (output.tooLarge) {
            throw tooLarge(name);
        }
        try {
            if (output.problems != null) {
                throw new ConfigException(output.problems);
            }
            if (status == 0 && output.result != null) {
                return LuaValueCodec.read(new DataInputStream(new ByteArrayInputStream(output.result)));
            }
        } catch (IOException e) {
            throw new ConfigException(name + ": the evaluated script's result could not be read back (" + e.getMessage()
                    + "); please report this");
        }
        String problem = name + ": evaluating the script failed: the evaluator exited with status " + status
                + (status > 128 ? " (killed by signal " + (status - 128) + ")" : "") + " without a result";
        throw status == 128 + 15 || status == 128 + 2 ? ConfigException.evaluatorStopped(problem)
                : new ConfigException(problem);
    }

    private ConfigException timeLimit(String name) {
        return new ConfigException(name + ": the script did not finish within " + budget.wall().toSeconds()
                + " s (the limit; an endless loop, or a string.find/string.match pattern that backtracks without end?); "
                + EvalBudget.TIME_ENV + " changes the limit");
    }

    private static ConfigException tooLarge(String name) {
        return new ConfigException(name + ": the script printed or returned more than " + (MAX_OUTPUT >> 20)
                + " MiB (the limit for a configuration)");
    }

    /**
     * System property naming the child's own AOT cache ({@code target/pushcap-eval.aot}, set by
     * {@code bin/pushcap} when the file exists, trained by {@link #train}). The launcher's cache is
     * trained on the whole CLI and maps ~3000 classes at start: measured slower for the child than
     * no cache at all; this one holds only what an evaluation loads.
     */
    public static final String AOT_CACHE_PROPERTY = "pushcap.evalAotCache";

    private Process start(String name) {
        try {
            return startProcess(budget, instructionLimit);
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot start the config evaluator (" + javaCommand() + "): " + e.getMessage());
        }
    }

    private static Process startProcess(EvalBudget budget, long instructionLimit) throws IOException {
        List<String> cmd = command(javaCommand(), budget, instructionLimit);
        String aot = System.getProperty(AOT_CACHE_PROPERTY);
        if (aot != null && !aot.isBlank() && Files.isRegularFile(Path.of(aot))) {
            // A stale or mismatched cache is ignored by the JVM (AOTMode=auto); its messages are switched off.
            cmd.addAll(1, List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off"));
        }
        return new ProcessBuilder(cmd).start();
    }

    /** A child started before its script was known ({@link #prestart}), and the limits it was started with. */
    private record Spare(EvalBudget budget, long instructionLimit, Process process) {
    }

    private static final AtomicReference<Spare> SPARE = new AtomicReference<>();

    /**
     * Starts a child JVM now, before any script is known, for the next evaluation in this JVM
     * with the environment's budget ({@link EvalBudget#fromEnvironment()}) and the default
     * instruction limit. {@code pushcap push} calls it first thing, so that the child's JVM start
     * overlaps the parent's own (command-line parsing, host checks): 0.2-0.3 s of a push's wall
     * time on 2 cores (docs/performance.md). The child waits on stdin; when this JVM exits
     * without using it, the pipe closes and the child exits.
     *
     * <p><b>Note:</b> best effort: a failure (a malformed budget variable, no java binary) is
     * left for the evaluation itself to report. At most one spare is kept.
     */
    public static void prestart() {
        try {
            EvalBudget b = EvalBudget.fromEnvironment();
            Spare old = SPARE.getAndSet(new Spare(b, LuaSandbox.DEFAULT_INSTRUCTION_LIMIT,
                    startProcess(b, LuaSandbox.DEFAULT_INSTRUCTION_LIMIT)));
            if (old != null) {
                old.process().destroyForcibly();
            }
        } catch (IOException | RuntimeException e) {
            // The evaluation starts its own child and reports what goes wrong there.
        }
    }

    /** The pre-started child waiting for a script, if any (for tests). */
    static Process spare() {
        Spare s = SPARE.get();
        return s == null ? null : s.process();
    }

    /** The pre-started child when it was started with these limits and still runs, else null. */
    private static Process takeSpare(EvalBudget budget, long instructionLimit) {
        Spare s = SPARE.getAndSet(null);
        if (s == null) {
            return null;
        }
        if (s.budget().equals(budget) && s.instructionLimit() == instructionLimit && s.process().isAlive()) {
            return s.process();
        }
        s.process().destroyForcibly();
        return null;
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    }

    /** The child's command line, without an AOT cache: the same for evaluations and for {@link #train}. */
    static List<String> command(String java, EvalBudget budget, long instructionLimit) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Xmx" + (budget.heapBytes() >> 20) + "m");
        cmd.add("-Xms16m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:-UsePerfData");
        // The JVM's own messages ("Terminating due to ...OutOfMemoryError") must not mix with the frames on stdout.
        cmd.add("-XX:+DisplayVMOutputToStderr");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EvalChild.class.getName());
        cmd.add(Long.toString(instructionLimit));
        cmd.add(Long.toString(budget.wall().toSeconds() + 1));
        return cmd;
    }

    /**
     * Writes the child's AOT cache to {@code output} from one evaluation of {@code script} (a real
     * configuration: the classes and profiles of a typical evaluation), with the very command line
     * evaluations use. Called at build time ({@code bin/lib/env.sh}); a failure leaves no cache.
     *
     * @return true when the cache was written
     */
    public static boolean train(Path output, Path script) throws IOException, InterruptedException {
        List<String> cmd = command(javaCommand(), EvalBudget.DEFAULT, LuaSandbox.DEFAULT_INSTRUCTION_LIMIT);
        cmd.addAll(1, List.of("-XX:AOTCacheOutput=" + output, "-Xlog:aot=off", "-Xlog:cds=off"));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (DataOutputStream in = new DataOutputStream(p.getOutputStream())) {
            in.writeUTF(script.getFileName().toString());
            in.write(Files.readAllBytes(script));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0 && Files.isRegularFile(output);
    }

    private static boolean waitFor(Process p, long deadline, String name) {
        try {
            return p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ConfigException(name + ": not evaluated: interrupted");
        }
    }

    private static void join(Thread t, long deadline) {
        try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(InputStream in) {
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The child is gone.
        }
    }

    /** Reads the child's frames: prints are copied out as they come, the result or problems kept. */
    private static final class Output implements Runnable {
        private final Process process;
        private final InputStream in;
        private final PrintStream printTo;
        volatile byte[] result;
        volatile List<String> problems;
        volatile boolean tooLarge;

        Output(Process process, PrintStream printTo) {
            this.process = process;
            this.in = process.getInputStream();
            this.printTo = printTo;
        }

        @Override
        public void run() {
            long total = 0;
            try (DataInputStream d = new DataInputStream(in)) {
                while (true) {
                    int tag;
                    try {
                        tag = d.readUnsignedByte();
                    } catch (EOFException e) {
                        return;
                    }
                    int len = d.readInt();
                    total += len;
                    if (len < 0 || total > MAX_OUTPUT) {
                        tooLarge = true;
                        process.destroyForcibly();
                        return;
                    }
                    byte[] body = d.readNBytes(len);
                    if (body.length < len) {
                        return;
                    }
                    switch (tag) {
                        case 'P' -> {
                            printTo.write(body);
                            printTo.flush();
                        }
                        case 'R' -> result = body;
                        case 'E' -> problems = problems(body);
                        default -> {
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                // The child was killed mid-frame; its exit status says why.
            }
        }

        private static List<String> problems(byte[] body) throws IOException {
            DataInputStream d = new DataInputStream(new ByteArrayInputStream(body));
            int n = d.readInt();
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[d.readInt()];
                d.readFully(b);
                out.add(new String(b, StandardCharsets.UTF_8));
            }
            return out.isEmpty() ? null : out;
        }
    }
}
