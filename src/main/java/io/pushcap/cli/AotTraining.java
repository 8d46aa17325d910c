package io.pushcap.cli;

import io.pushcap.config.ChildEvaluator;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The training run of the JDK 25 AOT caches, started by {@code bin/lib/env.sh} after each build:
 * {@code java -XX:AOTCacheOutput=target/pushcap.aot -cp target/pushcap.jar io.pushcap.cli.AotTraining
 * HOME WORKDIR}. A JVM writes one cache from one run, so this run does the commands that are
 * worth starting fast, one after another: {@code --version}, {@code check} of an example and an
 * offline {@code push} of {@code examples/data/sample.pcap}. It first writes the config
 * evaluator's own cache ({@code target/pushcap-eval.aot}, see {@link ChildEvaluator#train}).
 *
 * <p><b>Note:</b> not a user command; everything it prints is discarded. It exits 0 only when
 * every step succeeded, so the launcher can drop a cache trained on a failing run.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Path example = home.resolve("examples/push_port80_zstd.lua");
        boolean ok = ChildEvaluator.train(home.resolve("target/pushcap-eval.aot"), example);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(quiet);
        System.setErr(quiet);
        // The --version path of Main.main, without its System.exit.
        ok &= VersionProvider.lines().length == 3;
        String[] check = {"check", example.toString()};
        ok &= Main.commandLineFor(check).execute(check) == ExitCodes.OK;
        String[] push = {"push", "--force", "--no-progress",
                "--log-dir", work.resolve("logs").toString(), "--state-dir", work.resolve("var").toString(),
                "--offline", home.resolve("examples/data/sample.pcap").toString()};
        ok &= Main.commandLineFor(push).execute(push) == ExitCodes.OK;
        System.exit(ok ? 0 : 1);
    }
}
