package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.internal.Redact;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code pushcap} command line: one picocli command per subcommand, all reached through
 * {@code bin/pushcap}.
 *
 * <p><b>Note:</b> errors meant for the user ({@link PushcapException}) are printed as one line
 * and exit with their {@link ExitCodes} row (2, USAGE, unless another process holds a lock: 5,
 * or a host library is missing: 69); anything else is an internal error, printed as one line with the
 * exception type, its stack trace going to the debug log only.
 */
@Command(name = "pushcap", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Packet capture-and-push recorder: capture, buffer, store and push PCAP.",
        // The table of cli.ExitCodes, so that `pushcap --help` (and the man page) show it.
        exitCodeListHeading = "%nExit codes (the same for every command):%n",
        exitCodeList = {
            ExitCodes.OK + ":OK: everything asked for was done",
            ExitCodes.INCOMPLETE + ":INCOMPLETE: some part failed (a target gave up, a packet could not be written)",
            ExitCodes.USAGE + ":USAGE: bad command line or configuration; nothing was done",
            ExitCodes.RING_TIMEOUT + ":RING_TIMEOUT: targets exited under --ring-timeout-exit",
            ExitCodes.DAMAGED + ":DAMAGED: an input capture is damaged (whole packets before it were pushed)",
            ExitCodes.LOCKED + ":LOCKED: another pushcap process holds the lock",
            ExitCodes.UNAVAILABLE + ":UNAVAILABLE: the host lacks something needed (JDK 25, libpcap, Maven)",
            ExitCodes.INTERNAL + ":INTERNAL: a bug: an unexpected error (stack trace at DEBUG)",
            ExitCodes.INTERRUPTED + ":INTERRUPTED: stopped by SIGINT/SIGTERM before an offline push finished"},
        subcommands = {
            ConvertCommand.class,
            CheckCommand.class,
            PushCommand.class,
            GenCommand.class,
            RingCommand.class,
            RxCommand.class,
            IoCommand.class,
            CatCommand.class,
            FlowsCommand.class,
            TxCommand.class,
            ServeCommand.class,
            DoctorCommand.class,
            RecordCommand.class,
            CapturesCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_USER_ERROR = ExitCodes.USAGE;
    public static final int EXIT_INTERNAL_ERROR = ExitCodes.INTERNAL;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        strictOptions(cl);
        return cl;
    }

    /**
     * An unknown option is an error, never an option's value: {@code push --offline a.pcap
     * --split-tim 60} said "--split-tim: no such capture file" (picocli's default takes an
     * unknown {@code --x} as the parameter of a multi-value option such as --offline).
     */
    private static void strictOptions(CommandLine cl) {
        cl.setUnmatchedOptionsAllowedAsOptionParameters(false);
    }

    /**
     * The command line for {@code args}: when the first argument names a subcommand, a root that
     * holds only that one. Picocli builds the model of every declared subcommand (reflection over
     * hundreds of options, in picocli's Java 5 bytecode that the JDK 25 AOT cache cannot hold):
     * 0.3-0.4 s at each start for the fourteen of them, of which a command uses one. Anything else
     * (no arguments, {@code help}, {@code --help}, a misspelt command) gets the full {@link #commandLine()}.
     */
    static CommandLine commandLineFor(String[] args) {
        if (args.length > 0) {
            Command root = Main.class.getAnnotation(Command.class);
            for (Class<?> c : root.subcommands()) {
                Command sub = c.getAnnotation(Command.class);
                if (sub != null && c != CommandLine.HelpCommand.class
                        && (sub.name().equals(args[0]) || java.util.Arrays.asList(sub.aliases()).contains(args[0]))) {
                    CommandLine cl = new CommandLine(new OneCommandRoot());
                    cl.addSubcommand(c);
                    cl.setExecutionExceptionHandler(Main::handle);
                    cl.setCaseInsensitiveEnumValuesAllowed(true);
                    strictOptions(cl);
                    return cl;
                }
            }
        }
        return commandLine();
    }

    /** {@link Main} without its subcommands, for {@link #commandLineFor}: only reached with one added. */
    @Command(name = "pushcap", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
    static final class OneCommandRoot implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        PushcapException user = userError(e);
        if (user != null) {
            err.println("pushcap " + cl.getCommandName() + ": " + Redact.text(user.getMessage()));
            err.flush();
            // Damage past the file header: the command wrote every whole packet before it (convert,
            // rx -r). A file that is no capture at all (offset 0) is a usage error.
            if (user instanceof io.pushcap.pcap.CorruptCaptureException c && c.offset() > 0) {
                return ExitCodes.DAMAGED;
            }
            return exitCodeOf(user);
        }
        LoggerFactory.getLogger(Main.class).debug("internal error", e);
        err.println("pushcap " + cl.getCommandName() + ": internal error: " + e.getClass().getName() + ": "
                + Redact.text(e.getMessage()) + " (PUSHCAP_LOG_LEVEL=DEBUG shows the stack trace)");
        err.flush();
        return EXIT_INTERNAL_ERROR;
    }

    /** A user error's row of the {@link ExitCodes} table: most are USAGE (found before starting). */
    static int exitCodeOf(PushcapException e) {
        if (e instanceof io.pushcap.LockedException) {
            return ExitCodes.LOCKED;
        }
        if (e instanceof io.pushcap.internal.ffm.NativeLibraryMissingException) {
            return ExitCodes.UNAVAILABLE;
        }
        return EXIT_USER_ERROR;
    }

    private static PushcapException userError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PushcapException p) {
                return p;
            }
        }
        return null;
    }

    public static void main(String[] args) {
        if (args.length == 1 && ("--version".equals(args[0]) || "-V".equals(args[0]))) {
            // Start-up target (docs/performance.md): building picocli's model of every subcommand
            // costs 0.3-0.6 s (picocli's classes are Java 5 bytecode, which the JDK 25 AOT cache
            // cannot hold), and --version needs none of it. Same output as picocli's version help.
            StringBuilder out = new StringBuilder();
            for (String line : VersionProvider.lines()) {
                out.append(line).append(System.lineSeparator());
            }
            System.out.print(out);
            System.out.flush();
            System.exit(ExitCodes.OK);
        }
        String[] rewritten = FluxcapSpellings.rewrite(args);
        if (rewritten.length > 0 && (rewritten[0].equals("push") || rewritten[0].equals("check"))) {
            // Both evaluate a config script in a child JVM: start it now, so that its start
            // overlaps this one's command-line parsing (docs/performance.md, Offline push).
            io.pushcap.config.ChildEvaluator.prestart();
        }
        System.exit(commandLineFor(rewritten).execute(rewritten));
    }
}
