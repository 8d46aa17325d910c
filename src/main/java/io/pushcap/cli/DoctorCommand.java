package io.pushcap.cli;

import io.pushcap.config.ConfigException;
import io.pushcap.config.ServiceConfig;
import io.pushcap.config.ServiceConfigLoader;
import io.pushcap.internal.Redact;
import io.pushcap.service.doctor.Doctor;
import io.pushcap.service.doctor.DoctorCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pushcap doctor [--config etc/pushcap.lua]}: checks this host for the service, one line
 * per check ending in {@code (VALID)} or in what to do, like the flow exporter's
 * {@code dependency-check}. Exit 0 when every check is valid, 1 otherwise.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = {
        "Check this host for the service: JDK, libpcap, libcrypto, capabilities and raw sockets, ring directory (ramfs),",
        "NIC offloads (with the ethtool command that fixes them), store space, rclone, and every configured sink.",
        "Each line ends in (VALID) or says what to do. Exit 0 when all are valid, 1 otherwise."})
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "service config (default: ${DEFAULT-VALUE})",
            defaultValue = "${sys:pushcap.home:-.}/etc/pushcap.lua")
    Path config;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ServiceConfig c = null;
        int bad = 0;
        try {
            c = new ServiceConfigLoader(Path.of(System.getProperty("pushcap.home", "."))).load(config);
            out.println(DoctorCheck.valid("service config " + config, "loads"));
        } catch (ConfigException e) {
            bad++;
            out.println(DoctorCheck.fix("service config " + config, e.problems().size() + " problem(s)",
                    "fix these (host checks below use defaults):"));
            e.problems().forEach(p -> out.println("    " + Redact.text(p)));
        }
        out.flush();
        List<DoctorCheck> checks = new Doctor(c).run();
        for (DoctorCheck check : checks) {
            out.println(Redact.text(check.toString()));
            if (!check.valid()) {
                bad++;
            }
        }
        out.println(bad == 0 ? "all checks VALID" : bad + " check(s) need attention");
        out.flush();
        return bad == 0 ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }
}
