package io.pushcap.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Accepts fluxcap's command line: {@code -cr}, {@code -rx}, {@code -tx} and {@code -io} choose the
 * mode wherever they appear among the options (getopt style), and become pushcap's subcommands:
 * {@code pushcap -cr -s 100m a b} runs {@code ring create -s 100m a b},
 * {@code pushcap -rx -i eth1 ring} runs {@code rx -i eth1 ring}, {@code -io r} runs {@code io r},
 * {@code -tx ...} runs {@code tx ...}. The options that follow keep fluxcap's letters
 * ({@code -i}, {@code -s}, {@code -V}), which the subcommands accept as they are.
 *
 * <p><b>Note:</b> thread-safe (stateless). Arguments that already start with a subcommand are left
 * alone.
 */
final class FluxcapSpellings {
    private static final Map<String, List<String>> MODES = Map.of(
            "-cr", List.of("ring", "create"),
            "-rx", List.of("rx"),
            "-tx", List.of("tx"),
            "-io", List.of("io"));

    private FluxcapSpellings() {
    }

    static String[] rewrite(String[] args) {
        if (args.length == 0 || !args[0].startsWith("-")) {
            return args;
        }
        for (int i = 0; i < args.length; i++) {
            List<String> mode = MODES.get(args[i]);
            if (mode != null) {
                List<String> out = new ArrayList<>(mode);
                for (int j = 0; j < args.length; j++) {
                    if (j != i) {
                        out.add(args[j]);
                    }
                }
                return out.toArray(String[]::new);
            }
        }
        return args;
    }
}
