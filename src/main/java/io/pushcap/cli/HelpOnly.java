package io.pushcap.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h}/{@code --help} and {@code --version} for commands whose {@code -V} already means
 * something else (fluxcap's VLAN option in {@code rx} and {@code tx}), so picocli's standard help
 * mixin, which also claims {@code -V}, cannot be used there.
 *
 * <p><b>Note:</b> picocli sets these fields while parsing; a command that mixes this in never reads
 * them, picocli prints the usage or version itself and exits 0.
 */
final class HelpOnly {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Print version information and exit.")
    boolean version;
}
