package io.pushcap.cli;

import io.pushcap.config.ServiceConfig;
import io.pushcap.config.ServiceConfigLoader;
import io.pushcap.internal.Redact;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.service.Service;
import io.pushcap.service.ServiceNotifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@code pushcap serve [--config etc/pushcap.lua]}: runs the service a config declares until
 * SIGTERM/SIGINT (exit 0 once everything is stopped, within the config's StopTimeout); SIGHUP
 * reloads the config (a bad one is refused and logged; the running one stays).
 *
 * <p><b>Note:</b> the main thread is the service's control thread; signal handlers only queue
 * a request for it.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = {
        "Run the service: rings, captures, recorders, tunnels, re-transmitters, flow export and push schedules",
        "from one config, supervised, with a status page, /status and /metrics over HTTP.",
        "SIGTERM/SIGINT: publish, save and exit 0. SIGHUP: reload the config (a bad one is refused)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "service config (default: ${DEFAULT-VALUE})",
            defaultValue = "${sys:pushcap.home:-.}/etc/pushcap.lua")
    Path config;

    @Option(names = "--check", description = "validate the config (and the push configs it names), print a summary, exit")
    boolean check;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("pushcap.home", ".")).toAbsolutePath().normalize();
        ServiceConfig c = new ServiceConfigLoader(home).load(config);
        if (check) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(config + ": valid");
            c.rings().forEach(r -> out.println("  ring " + r.name() + " " + r.sizeBytes() + " bytes"));
            c.components().forEach(x -> out.println("  " + Redact.text(x.label())));
            out.flush();
            return ExitCodes.OK;
        }
        MetricsRegistry.global().enableProcessMetrics(VersionProvider.pushcapVersion(),
                io.pushcap.internal.ffm.LibPcap.available() ? io.pushcap.internal.ffm.LibPcap.libVersion() : "none");
        Service service = Service.prepare(config, home, c, MetricsRegistry.global());
        // Handlers only after prepare: until then nothing runs, and the default action (exit) is right.
        LinkedBlockingQueue<String> control = new LinkedBlockingQueue<>();
        Signals.onTerminate(() -> {
            control.add("stop");
            service.cancelReloads();
        });
        if (Signals.onHangup(() -> control.add("reload"))) {
            service.log().info("serve", "SIGHUP was ignored when serve started (nohup?): it reloads the config now");
        }
        service.start();
        // Type=notify under systemd: READY=1 once a capture is up, watchdog pings, STOPPING=1.
        ServiceNotifier notifier = ServiceNotifier.fromEnvironment(service.log());
        notifier.start(service::captureUp);
        while (true) {
            // SIGHUPs that arrived during a reload are one more reload, not one each; a stop wins.
            List<String> requests = new ArrayList<>();
            requests.add(control.take());
            control.drainTo(requests);
            if (requests.contains("stop")) {
                break;
            }
            service.reload();
        }
        notifier.stopping();
        service.stop();
        return ExitCodes.OK;
    }
}
