package io.pushcap.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A process for {@link SignalsTest}: installs the reload handler as serve does, signals itself
 * with SIGHUP and prints what happened ("was-ignored=B reloaded=B").
 */
public final class HangupProbe {
    private HangupProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch reloaded = new CountDownLatch(1);
        boolean wasIgnored = Signals.onHangup(reloaded::countDown);
        io.pushcap.internal.ffm.LibC.kill((int) ProcessHandle.current().pid(), 1);
        System.out.println("was-ignored=" + wasIgnored + " reloaded=" + reloaded.await(30, TimeUnit.SECONDS));
    }
}
