package io.pushcap.internal.process;

/**
 * Describes a child's exit for error messages. The JDK reports death by signal N as status
 * 128+N on Linux, the same as a shell, so a status above 128 is named as both readings.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class ExitStatus {
    private static final String[] SIGNALS = {"", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"};

    private ExitStatus() {
    }

    /** "exit status 3", or "exit status 137 (killed by signal 9 SIGKILL)". */
    public static String describe(int status) {
        if (status > 128 && status < 128 + 65) {
            int sig = status - 128;
            String name = sig < SIGNALS.length ? " " + SIGNALS[sig] : "";
            return "exit status " + status + " (killed by signal " + sig + name + ")";
        }
        return "exit status " + status;
    }
}
