package io.pushcap.schedule;

import io.pushcap.internal.ffm.LibC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of an analytics loader as a child process, in a process group of its own (started
 * through {@code setsid}), with its output appended to the schedule's {@code .cur} file.
 *
 * <p>Stopping signals the whole group with SIGTERM, so a loader script that runs pushcap as a
 * child instead of exec-ing it still has its push stopped cleanly (splits published, cursors
 * saved); then it waits for every process of the group up to a grace period and kills what is
 * left with SIGKILL. Nothing a SIGKILL interrupts is lost: the push had not saved a cursor past
 * it, so the next run produces it again.
 *
 * <p><b>Note:</b> thread-safe for {@link #alive()}, {@link #exitCode()} and {@link #pid()}; one
 * thread calls {@link #stop}.
 */
public final class LoaderProcess {
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    private final Process process;
    private final long startedMillis = System.currentTimeMillis();

    private LoaderProcess(Process process) {
        this.process = process;
    }

    public static LoaderProcess start(List<String> command, Map<String, String> env, Path workDir, Path output)
            throws IOException {
        Files.createDirectories(output.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        return new LoaderProcess(pb.start());
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The exit status (128 + signal when killed by one), or null while it runs. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    public long startedMillis() {
        return startedMillis;
    }

    /** Waits up to {@code millis} for the loader to exit; true when it has. */
    public boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * SIGTERM to the loader's process group, wait up to {@code graceMillis} for all of it, then
     * SIGKILL what is left.
     *
     * @return true when everything exited within the grace period (false: something was killed)
     */
    public boolean stop(long graceMillis) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.toHandle().descendants().forEach(all::add);
        int pgid = processGroup(process.pid());
        signal(pgid, all, SIGTERM);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        boolean clean = waitAll(all, deadline);
        if (!clean) {
            signal(pgid, all, SIGKILL);
            waitAll(all, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
        // The handles can report the loader gone before the JDK's reaper has collected its exit
        // status; wait for that too, so exitCode() answers once stop returns (it returned null,
        // and the status never showed the exit: LoaderComponentTest in a clean-clone CI run).
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return clean;
    }

    /** Processes the loader left behind after it exited (a background push, say): stopped like the loader. */
    public boolean stopLeftovers(long graceMillis) {
        int pgid = (int) process.pid();
        List<ProcessHandle> left = ProcessHandle.allProcesses().filter(h -> processGroup(h.pid()) == pgid).toList();
        if (left.isEmpty()) {
            return true;
        }
        signal(pgid, left, SIGTERM);
        boolean clean = waitAll(left, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis));
        if (!clean) {
            signal(pgid, left, SIGKILL);
        }
        return clean;
    }

    /**
     * One signal per process: to the whole group when the loader leads one (setsid), plus any
     * descendant that left the group; to each process otherwise. Never twice to the same process:
     * a push takes a second SIGTERM as "stop now, do not publish".
     */
    private static void signal(int pgid, List<ProcessHandle> all, int sig) {
        boolean group = pgid > 1 && !all.isEmpty() && pgid == all.getFirst().pid()
                && pgid != processGroup(ProcessHandle.current().pid());
        if (group) {
            LibC.kill(-pgid, sig);
        }
        for (ProcessHandle h : all) {
            if (h.isAlive() && (!group || processGroup(h.pid()) != pgid)) {
                LibC.kill((int) h.pid(), sig);
            }
        }
    }

    /** Polls (JDK onExit of a process that is not our child backs off to seconds): true when all exited in time. */
    private static boolean waitAll(List<ProcessHandle> all, long deadlineNanos) {
        while (all.stream().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The process group of {@code pid} from /proc (field 5 of stat), or -1 when it is gone. */
    static int processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
