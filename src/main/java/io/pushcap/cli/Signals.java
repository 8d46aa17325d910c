package io.pushcap.cli;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a clean stop instead of the JVM's default exit 143/130: the
 * command publishes what is in progress, saves its cursors and returns its own exit status.
 * A second signal while stopping falls back to the default (immediate) exit.
 *
 * <p><b>Note:</b> handlers run on a JVM signal thread; the action must only request the stop.
 */
final class Signals {
    private Signals() {
    }

    static void onTerminate(Runnable requestStop) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal sig = new Signal(name);
            Signal.handle(sig, s -> {
                Signal.handle(s, sun.misc.SignalHandler.SIG_DFL);
                requestStop.run();
            });
        }
    }

    /**
     * Calls {@code action} on every SIGHUP (configuration reload), also when the process was
     * started with SIGHUP ignored ({@code nohup pushcap serve}): the JVM then leaves the signal
     * ignored and the handler would never run, so the default disposition is restored first, as
     * daemons that reload on SIGHUP do.
     *
     * @return true when SIGHUP had been ignored (the caller may say so)
     */
    static boolean onHangup(Runnable action) {
        Signal hup = new Signal("HUP");
        sun.misc.SignalHandler handler = s -> action.run();
        if (Signal.handle(hup, handler) != sun.misc.SignalHandler.SIG_IGN) {
            return false;
        }
        io.pushcap.internal.ffm.LibC.defaultSignal(hup.getNumber());
        Signal.handle(hup, handler);
        return true;
    }
}
