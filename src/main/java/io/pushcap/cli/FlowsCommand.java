package io.pushcap.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code pushcap flows}: meter packets into flows and export them as IPFIX, offline
 * ({@code export}) or live ({@code meter}), and inspect or flush a live meter's cache
 * ({@code dump}, {@code status}, {@code flush}).
 */
@Command(name = "flows", mixinStandardHelpOptions = true, description = "Flow metering and IPFIX export.",
        subcommands = {FlowsExportCommand.class, FlowsMeterCommand.class, FlowsDumpCommand.class,
                FlowsStatusCommand.class, FlowsFlushCommand.class})
final class FlowsCommand implements Runnable {
    /** Where a live meter listens by default, and where dump/flush look. */
    static final String DEFAULT_CONTROL = "/run/pushcap/flows.sock";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
